/**
 * Writes small datasets straight into the tables for the browse tests (the
 * importers have their own tests); every call makes fresh rows.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../../../src/lib/server/db/client';
import type { ChatMessage } from '../../../../src/lib/server/db/schema';
import type { SeededDataset } from '../../judging/support/factory';

export interface SeedItem {
	externalId: string;
	prompt?: string;
	conversation?: ChatMessage[];
	reference?: string;
	referenceTurns?: string[];
	category?: string;
	tags?: string[];
	/** system name → a response, or one response per user turn. */
	answers?: Record<string, string | string[]>;
}

const hash = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

export async function seedDataset(
	db: Db,
	opts: { projectId: string; name: string; items: SeedItem[] }
): Promise<SeededDataset> {
	// The ids come back in the shape of the judging factory's `seedAnswers`, answers included.
	return db.transaction().execute(async (trx) => {
		const dataset = await trx
			.insertInto('dataset')
			.values({ project_id: opts.projectId, name: opts.name, created_by: null })
			.returning('id')
			.executeTakeFirstOrThrow();
		const systems: Record<string, string> = {};
		const items: Record<string, string> = {};
		const answers: Record<string, string> = {};
		let answerCount = 0;
		for (const it of opts.items) {
			const row = await trx
				.insertInto('dataset_item')
				.values({
					dataset_id: dataset.id,
					external_id: it.externalId,
					prompt_text: it.conversation ? null : (it.prompt ?? ''),
					conversation: it.conversation ? JSON.stringify(it.conversation) : null,
					turn_count: it.conversation ? it.conversation.filter((m) => m.role === 'user').length : 1,
					reference_text: it.reference ?? null,
					reference_turns: it.referenceTurns ? JSON.stringify(it.referenceTurns) : null,
					category: it.category ?? null,
					tags: it.tags ?? [],
					content_hash: hash(it),
					import_id: null
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			items[it.externalId] = row.id;
			for (const [name, answer] of Object.entries(it.answers ?? {})) {
				systems[name] ??= (
					await trx
						.insertInto('system')
						.values({ project_id: opts.projectId, name })
						.onConflict((oc) => oc.columns(['project_id', 'name']).doUpdateSet({ name }))
						.returning('id')
						.executeTakeFirstOrThrow()
				).id;
				const text = Array.isArray(answer) ? answer.join('') : answer;
				const inserted = await trx
					.insertInto('candidate_answer')
					.values({
						item_id: row.id,
						dataset_id: dataset.id,
						system_id: systems[name],
						content: Array.isArray(answer) ? null : answer,
						turns: Array.isArray(answer) ? JSON.stringify(answer) : null,
						content_hash: hash(answer),
						char_count: [...text].length,
						approx_tokens: Math.ceil([...text].length / 4),
						import_id: null
					})
					.returning('id')
					.executeTakeFirstOrThrow();
				answers[`${it.externalId}/${name}`] = inserted.id;
				answerCount++;
			}
		}
		await trx
			.insertInto('dataset_revision')
			.values({
				dataset_id: dataset.id,
				revision: 1,
				content_hash: hash(opts.items),
				import_id: null,
				items_added: opts.items.length,
				answers_added: answerCount,
				created_by: null
			})
			.execute();
		await trx
			.updateTable('dataset')
			.set({ item_count: opts.items.length, answer_count: answerCount, current_revision: 1, judgment_count: 7 })
			.where('id', '=', dataset.id)
			.execute();
		return { datasetId: dataset.id, systems, items, answers };
	});
}
