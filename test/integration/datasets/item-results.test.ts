/**
 * Imported verdicts and labels are visible to the roles that read results, through
 * `results.item` and `results.datasetSources`, and to nobody else: imports run
 * through the real path (upload → start → runner), in the formats' own shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImportHarness, type ImportHarness } from '../imports/support/import-harness';
import type { ProjectWithMembers } from '../projects/factories';

let h: ImportHarness;
let p: ProjectWithMembers;
let datasetId: string;
let llmbarDatasetId: string;

const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

beforeAll(async () => {
	h = await createImportHarness();
	p = await h.project('Results');
	// Two humans' votes and one judge's, on the same question and pair.
	const human = await h.importFile(
		p,
		{
			fileName: 'human.jsonl',
			data: jsonl([
				{ question_id: 'q1', model_a: 'alpha', model_b: 'beta', winner: 'model_a', num: 1 },
				{ question_id: 'q1', model_a: 'beta', model_b: 'alpha', winner: 'tie (bothbad)', num: 2 },
				{ question_id: 'q2', model_a: 'alpha', model_b: 'gamma', winner: 'model_b', num: 3 }
			])
		},
		{ newDatasetName: 'Arena', format: 'arena-votes', mapping: { voter: 'human' } }
	);
	expect(human.status).toBe('succeeded');
	datasetId = await h.datasetId(p, 'Arena');
	const judge = await h.importFile(
		p,
		{
			fileName: 'judge-x.jsonl',
			data: jsonl([{ question_id: 'q1', model_a: 'alpha', model_b: 'beta', winner: 'model_b', num: 1 }])
		},
		{ datasetId, format: 'arena-votes', mapping: { voter: 'judge', judgeName: 'judge-x' } }
	);
	expect(judge.status).toBe('succeeded');

	const pair = { input: 'Name a prime.', output_1: 'Seven.', output_2: 'Nine.', label: 1 };
	const llmbar = await h.importFile(
		p,
		{
			fileName: 'both-orders.json',
			data: JSON.stringify([{ ...pair, results: [{ 'swap = False': { winner: 1 }, 'swap = True': { winner: 2 } }] }])
		},
		{ newDatasetName: 'LLMBar', format: 'llmbar', mapping: { judgeName: 'gpt4-vanilla' } }
	);
	expect(llmbar.status).toBe('succeeded');
	llmbarDatasetId = await h.datasetId(p, 'LLMBar');
});
afterAll(() => h.close());

async function itemId(dataset: string, externalId?: string) {
	const page = await h.caller(p.admin).datasets.items({ projectId: p.projectId, datasetId: dataset, limit: 50 });
	const item = externalId ? page.items.find((i) => i.externalId === externalId) : page.items[0];
	return item!.id;
}

describe('results of an item', () => {
	it('shows every Arena vote and the judge verdict to admins and viewers, named by system', async () => {
		const q1 = await itemId(datasetId, 'q1');
		for (const user of [p.admin, p.viewer]) {
			const r = await h.caller(user).results.item({ projectId: p.projectId, datasetId, itemId: q1 });
			expect(r.truncated).toBe(false);
			expect(
				r.labels.map((l) => [l.source, l.annotator, l.externalKey, l.systemA, l.systemB, l.presentedOrder, l.verdict])
			).toEqual([
				['imported', 'chatbot-arena', 'battle:1', 'alpha', 'beta', 'ab', 'A'],
				['imported', 'chatbot-arena', 'battle:2', 'beta', 'alpha', 'ab', 'tie']
			]);
			expect(r.judgments).toHaveLength(1);
			expect(r.judgments[0]).toMatchObject({
				run: { name: 'judge-x', source: 'imported', mode: 'pairwise' },
				systemA: 'alpha',
				systemB: 'beta',
				presentedOrder: 'ab',
				sample: 0,
				verdict: 'B'
			});
		}
	});

	it('keeps both orders of an LLMBar judgment and the gold label apart', async () => {
		const id = await itemId(llmbarDatasetId);
		const r = await h.caller(p.viewer).results.item({ projectId: p.projectId, datasetId: llmbarDatasetId, itemId: id });
		expect(r.judgments.map((j) => [j.run.name, j.presentedOrder, j.systemA, j.systemB, j.verdict])).toEqual([
			['gpt4-vanilla', 'ab', 'output_1', 'output_2', 'A'],
			['gpt4-vanilla', 'ba', 'output_1', 'output_2', 'B']
		]);
		expect(r.labels.map((l) => [l.annotator, l.verdict])).toEqual([['llmbar-gold', 'A']]);
	});

	it('refuses annotators and non-members, and an item of another dataset', async () => {
		const q1 = await itemId(datasetId, 'q1');
		const input = { projectId: p.projectId, datasetId, itemId: q1 };
		await expect(h.caller(p.annotator).results.item(input)).rejects.toMatchObject({ code: 'FORBIDDEN' });
		await expect(h.caller(p.outsider).results.item(input)).rejects.toMatchObject({ code: 'NOT_FOUND' });
		await expect(h.caller(p.admin).results.item({ ...input, datasetId: llmbarDatasetId })).rejects.toMatchObject({
			code: 'NOT_FOUND'
		});
		// What annotators do read (the item itself) carries no verdict or label.
		const item = await h.caller(p.annotator).datasets.item(input);
		expect(JSON.stringify(item)).not.toMatch(/chatbot-arena|judge-x|battle:/);
	});
});

describe('result sources of a dataset', () => {
	it('lists judge runs and label sources with counts', async () => {
		const r = await h.caller(p.viewer).results.datasetSources({ projectId: p.projectId, datasetId });
		expect(r.runs.map((x) => [x.name, x.source, x.mode, x.judgmentCount, x.itemCount])).toEqual([
			['judge-x', 'imported', 'pairwise', 1, 1]
		]);
		expect(r.labelSources.map((x) => [x.source, x.annotator, x.labelCount, x.itemCount])).toEqual([
			['imported', 'chatbot-arena', 3, 2]
		]);
		await expect(
			h.caller(p.annotator).results.datasetSources({ projectId: p.projectId, datasetId })
		).rejects.toMatchObject({ code: 'FORBIDDEN' });
	});
});
