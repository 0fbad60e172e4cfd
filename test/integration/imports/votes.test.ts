/**
 * Arena-format votes through the real import path, checked row by row: which
 * item and which two answers each vote points at, its verdict, its presented
 * order, its key or sample. A generated file of a few thousand votes takes the
 * merge past the size where it refreshes the planner's statistics
 * (repositories/import-staging.ts), so that path is checked for exactness too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImportHarness, type ImportHarness } from './support/import-harness';

let h: ImportHarness;
beforeAll(async () => {
	h = await createImportHarness();
});
afterAll(() => h.close());

interface Vote {
	num?: number;
	question_id: string;
	model_a: string;
	model_b: string;
	winner: string;
}
const jl = (rows: Vote[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const byKey = (x: { key: string | null }, y: { key: string | null }) =>
	(x.key ?? '') < (y.key ?? '') ? -1 : (x.key ?? '') > (y.key ?? '') ? 1 : 0;
const VERDICT: Record<string, string> = { model_a: 'A', model_b: 'B', tie: 'tie', 'tie (bothbad)': 'tie' };

async function annotationsOf(datasetId: string) {
	return h.db
		.selectFrom('annotation as n')
		.innerJoin('dataset_item as i', 'i.id', 'n.item_id')
		.innerJoin('candidate_answer as a', 'a.id', 'n.answer_a_id')
		.innerJoin('system as sa', 'sa.id', 'a.system_id')
		.innerJoin('candidate_answer as b', 'b.id', 'n.answer_b_id')
		.innerJoin('system as sb', 'sb.id', 'b.system_id')
		.select([
			'i.external_id as item',
			'sa.name as a',
			'sb.name as b',
			'n.verdict',
			'n.presented_order as order',
			'n.external_key as key',
			'n.external_annotator as annotator',
			'n.source'
		])
		.where('n.dataset_id', '=', datasetId)
		.orderBy('n.external_key')
		.execute();
}

async function judgmentsOf(datasetId: string) {
	return h.db
		.selectFrom('judgment as j')
		.innerJoin('judge_run as r', 'r.id', 'j.run_id')
		.innerJoin('dataset_item as i', 'i.id', 'j.item_id')
		.innerJoin('candidate_answer as a', 'a.id', 'j.answer_a_id')
		.innerJoin('system as sa', 'sa.id', 'a.system_id')
		.innerJoin('candidate_answer as b', 'b.id', 'j.answer_b_id')
		.innerJoin('system as sb', 'sb.id', 'b.system_id')
		.select([
			'r.name as run',
			'r.mode',
			'i.external_id as item',
			'sa.name as a',
			'sb.name as b',
			'j.verdict',
			'j.presented_order as order',
			'j.sample'
		])
		.where('r.dataset_id', '=', datasetId)
		.orderBy(['i.external_id', 'sa.name', 'sb.name', 'j.sample'])
		.execute();
}

describe('votes', () => {
	it('writes each human vote as one annotation and each judge vote as one judgment, exactly', async () => {
		const p = await h.project('Votes');
		const human: Vote[] = [
			{ num: 1, question_id: 'q1', model_a: 'm1', model_b: 'm2', winner: 'model_a' },
			{ num: 2, question_id: 'q1', model_a: 'm2', model_b: 'm3', winner: 'model_b' },
			{ num: 3, question_id: 'q2', model_a: 'm1', model_b: 'm3', winner: 'tie' },
			{ num: 4, question_id: 'q2', model_a: 'm3', model_b: 'm1', winner: 'tie (bothbad)' },
			// The same pair on the same question again: another battle, another label.
			{ num: 5, question_id: 'q1', model_a: 'm1', model_b: 'm2', winner: 'model_b' }
		];
		const a = await h.importFile(
			p,
			{ data: jl(human), fileName: 'votes.jsonl' },
			{ newDatasetName: 'Votes', format: 'arena-votes', mapping: { voter: 'human', annotator: 'crowd' } }
		);
		expect(a.status).toBe('succeeded');
		expect(a.stats).toMatchObject({
			rows: 5,
			itemsAdded: 2,
			answersAdded: 5,
			annotationsAdded: 5,
			judgmentsAdded: 0,
			systemsAdded: 3
		});
		const datasetId = await h.datasetId(p, 'Votes');
		expect(await annotationsOf(datasetId)).toEqual(
			human.map((v) => ({
				item: v.question_id,
				a: v.model_a,
				b: v.model_b,
				verdict: VERDICT[v.winner],
				order: 'ab',
				key: `battle:${v.num}`,
				annotator: 'crowd',
				source: 'imported'
			}))
		);

		// Judge votes without battle numbers: a repeated vote on the same pair is the next sample.
		const judge: Vote[] = [
			{ question_id: 'q1', model_a: 'm1', model_b: 'm2', winner: 'model_a' },
			{ question_id: 'q2', model_a: 'm3', model_b: 'm1', winner: 'tie' },
			{ question_id: 'q1', model_a: 'm1', model_b: 'm2', winner: 'model_b' }
		];
		const j = await h.importFile(
			p,
			{ data: jl(judge), fileName: 'human-looking-name.jsonl' },
			{ datasetId, format: 'arena-votes', mapping: { voter: 'judge', judgeName: 'judge-x' } }
		);
		expect(j.status).toBe('succeeded');
		expect(j.stats).toMatchObject({ itemsAdded: 0, answersAdded: 0, judgmentsAdded: 3, annotationsAdded: 0 });
		expect(await judgmentsOf(datasetId)).toEqual([
			{ run: 'judge-x', mode: 'pairwise', item: 'q1', a: 'm1', b: 'm2', verdict: 'A', order: 'ab', sample: 0 },
			{ run: 'judge-x', mode: 'pairwise', item: 'q1', a: 'm1', b: 'm2', verdict: 'B', order: 'ab', sample: 1 },
			{ run: 'judge-x', mode: 'pairwise', item: 'q2', a: 'm3', b: 'm1', verdict: 'tie', order: 'ab', sample: 0 }
		]);
		// The human labels are untouched by the judge import.
		expect(await annotationsOf(datasetId)).toHaveLength(5);

		const again = await h.importFile(
			p,
			{ data: jl(human), fileName: 'votes.jsonl' },
			{ datasetId, format: 'arena-votes', mapping: { voter: 'human', annotator: 'crowd' } }
		);
		expect(again.status).toBe('succeeded');
		// Every staged row is a duplicate: 5 items (one per vote), 10 answers, 5 labels.
		expect(again.stats).toMatchObject({ itemsAdded: 0, answersAdded: 0, annotationsAdded: 0, duplicatesSkipped: 20 });
	});

	it('keeps thousands of votes exact when the merge refreshes statistics', async () => {
		const p = await h.project('Many votes');
		const models = Array.from({ length: 12 }, (_, i) => `model-${i}`);
		const winners = Object.keys(VERDICT);
		const votes: Vote[] = Array.from({ length: 4000 }, (_, n) => {
			const a = models[n % models.length];
			const b = models[(n * 7 + 1 + (n % 5)) % models.length];
			return {
				num: n,
				question_id: `q${Math.floor(n / 3)}`,
				model_a: a,
				model_b: b === a ? models[(models.indexOf(a) + 1) % models.length] : b,
				winner: winners[(n * 13) % winners.length]
			};
		});
		const r = await h.importFile(
			p,
			{ data: jl(votes), fileName: 'many.jsonl' },
			{ newDatasetName: 'Many', format: 'arena-votes', mapping: { voter: 'human' } }
		);
		expect(r.status).toBe('succeeded');
		const answers = new Set(votes.flatMap((v) => [`${v.question_id}|${v.model_a}`, `${v.question_id}|${v.model_b}`]));
		expect(r.stats).toMatchObject({
			rows: votes.length,
			itemsAdded: Math.ceil(votes.length / 3),
			answersAdded: answers.size,
			annotationsAdded: votes.length
		});
		const rows = await annotationsOf(await h.datasetId(p, 'Many'));
		const expected = votes
			.map((v) => ({
				item: v.question_id,
				a: v.model_a,
				b: v.model_b,
				verdict: VERDICT[v.winner],
				order: 'ab',
				key: `battle:${v.num}`,
				annotator: 'chatbot-arena',
				source: 'imported'
			}))
			.sort(byKey);
		expect([...rows].sort(byKey)).toEqual(expected);
	});
});
