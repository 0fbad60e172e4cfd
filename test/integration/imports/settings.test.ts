/**
 * Settings that change what imported data means are choices, never guesses (issue 8,
 * item 3): the preview pre-fills them from the file name and shows them; the import
 * records and obeys what was chosen, whatever the file is called. And a tabular file
 * always gets a mapping to complete (item 4), even when nothing in it looks like a prompt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectWithMembers } from '../projects/factories';
import { createImportHarness, type ImportHarness } from './support/import-harness';

let h: ImportHarness;
let p: ProjectWithMembers;
beforeAll(async () => {
	h = await createImportHarness();
	p = await h.project('Import settings');
});
afterAll(() => h.close());

const votes =
	[
		{ num: 1, question_id: 'q1', model_a: 'alpha', model_b: 'beta', winner: 'model_a' },
		{ num: 2, question_id: 'q2', model_a: 'beta', model_b: 'alpha', winner: 'tie' }
	]
		.map((v) => JSON.stringify(v))
		.join('\n') + '\n';

async function previewOf(fileName: string, data: string, extra: Record<string, unknown> = {}) {
	const importId = await h.upload(p, { data, fileName });
	const preview = await h.caller(p.admin).imports.preview({ projectId: p.projectId, importId, ...extra });
	return { importId, preview };
}

async function counts(datasetId: string) {
	const [j, n] = await Promise.all([
		h.db
			.selectFrom('judgment as j')
			.innerJoin('judge_run as r', 'r.id', 'j.run_id')
			.select(['r.name'])
			.where('r.dataset_id', '=', datasetId)
			.execute(),
		h.db.selectFrom('annotation').select('external_annotator').where('dataset_id', '=', datasetId).execute()
	]);
	return { judges: j.map((r) => r.name), annotators: n.map((r) => r.external_annotator) };
}

describe('human labels or judge verdicts', () => {
	it('pre-fills the choice from the file name in the preview, and shows where the votes would go', async () => {
		const human = await previewOf('human.jsonl', votes);
		expect(human.preview.format).toBe('arena-votes');
		expect(human.preview.mapping).toMatchObject({ voter: 'human', annotator: 'chatbot-arena' });
		expect(human.preview.rows[0].annotations).toHaveLength(1);
		expect(human.preview.rows[0].judgments).toHaveLength(0);
		const judge = await previewOf('gpt-4-0125-preview.jsonl', votes);
		expect(judge.preview.mapping).toMatchObject({ voter: 'judge', judgeName: 'gpt-4-0125-preview' });
		expect(judge.preview.rows[0].judgments).toHaveLength(1);
		// The choice made in the preview wins over the file name.
		const chosen = await h.caller(p.admin).imports.preview({
			projectId: p.projectId,
			importId: human.importId,
			format: 'arena-votes',
			mapping: { voter: 'judge', judgeName: 'my-judge' }
		});
		expect(chosen.rows[0].judgments).toMatchObject([{ judge: 'my-judge' }]);
		expect(chosen.rows[0].annotations).toHaveLength(0);
	});

	it('puts votes where the choice says, whatever the file is called, and records the choice', async () => {
		const asJudge = await h.importFile(
			p,
			{ data: votes, fileName: 'human.jsonl' },
			{
				newDatasetName: 'human-file-as-judge',
				format: 'arena-votes',
				mapping: { voter: 'judge', judgeName: 'panel-judge' }
			}
		);
		expect(asJudge.status).toBe('succeeded');
		expect(asJudge.mapping).toMatchObject({ voter: 'judge', judgeName: 'panel-judge' });
		expect(await counts(asJudge.datasetId!)).toEqual({ judges: ['panel-judge', 'panel-judge'], annotators: [] });

		const asHuman = await h.importFile(
			p,
			{ data: votes, fileName: 'gpt-4-0125-preview.jsonl' },
			{
				newDatasetName: 'judge-file-as-human',
				format: 'arena-votes',
				mapping: { voter: 'human', annotator: 'crowd' }
			}
		);
		expect(asHuman.status).toBe('succeeded');
		expect(asHuman.mapping).toMatchObject({ voter: 'human', annotator: 'crowd' });
		expect(await counts(asHuman.datasetId!)).toEqual({ judges: [], annotators: ['crowd', 'crowd'] });
	});

	it('refuses to start without the choice instead of guessing from the file name', async () => {
		const importId = await h.upload(p, { data: votes, fileName: 'human.jsonl' });
		const start = (mapping: Record<string, unknown> | null) =>
			h.caller(p.admin).imports.start({
				projectId: p.projectId,
				importId,
				newDatasetName: 'no-choice',
				format: 'arena-votes',
				mapping
			});
		await expect(start(null)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
		await expect(start({ voter: 'judge' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
	});

	it('asks for the name of the judge of LLMBar results instead of taking the file name silently', async () => {
		const pair = {
			input: 'Q',
			output_1: 'a',
			output_2: 'b',
			label: 1,
			results: [{ 'swap = False': { winner: '1' }, 'swap = True': { winner: '2' } }]
		};
		const data = JSON.stringify([pair]);
		const { preview } = await previewOf('gpt4-both-orders.json', data);
		expect(preview.mapping).toMatchObject({ judgeName: 'gpt4-both-orders' });
		const none = await h.importFile(
			p,
			{ data, fileName: 'gpt4-both-orders.json' },
			{ newDatasetName: 'llmbar-no-judge', format: 'llmbar', mapping: { judgeName: null } }
		);
		expect(none.status).toBe('failed');
		expect(none.errors[0]).toMatchObject({ field: 'mapping.judgeName' });
		const named = await h.importFile(
			p,
			{ data, fileName: 'whatever.json' },
			{ newDatasetName: 'llmbar-judge', format: 'llmbar', mapping: { judgeName: 'gpt-4 vanilla' } }
		);
		expect(named.status).toBe('succeeded');
		expect((await counts(named.datasetId!)).judges).toEqual(['gpt-4 vanilla', 'gpt-4 vanilla']);
	});
});

describe('a CSV without a prompt-like column', () => {
	const csv = 'id,model,answer\n1,m1,Hello\n2,m1,World\n';

	it('previews as CSV with its columns and an incomplete mapping to finish, not as an unknown file', async () => {
		const { importId, preview } = await previewOf('answers.csv', csv);
		expect(preview.fileError).toBeNull();
		expect(preview.format).toBe('csv');
		expect(preview.fields).toEqual(['id', 'model', 'answer']);
		expect(preview.mapping).toMatchObject({ externalId: 'id', system: 'model', answer: 'answer' });
		expect(preview.errors).toEqual([
			expect.objectContaining({ line: 0, field: 'mapping.prompt', reason: expect.stringMatching(/prompt/) })
		]);
		// Mapped by hand: the answer column holds the prompt, the answers come from a fixed system.
		const mapping = { externalId: 'id', prompt: 'answer', itemMetadata: ['model'] };
		const done = await h.caller(p.admin).imports.preview({ projectId: p.projectId, importId, format: 'csv', mapping });
		expect(done.errors).toEqual([]);
		expect(done.rows.map((r) => r.item?.promptText)).toEqual(['Hello', 'World']);
		await h.caller(p.admin).imports.start({
			projectId: p.projectId,
			importId,
			newDatasetName: 'mapped-by-hand',
			format: 'csv',
			mapping
		});
		expect((await h.run(p, importId)).status).toBe('succeeded');
	});

	it('lists the header of a CSV whose every row is bad', async () => {
		const { preview } = await previewOf('ragged.csv', 'id,prompt,note\n1,2\n3,4\n');
		expect(preview.format).toBe('csv');
		expect(preview.fields).toEqual(['id', 'prompt', 'note']);
		expect(preview.errors.map((e) => e.line)).toEqual([2, 3]);
	});
});
