/**
 * Items list in file order (issue 8, item 7): the first line of a file lists first, whatever
 * its id; a later import appends its new items after the dataset's existing ones, which keep
 * their place; keyset pages, filters and search keep that order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectWithMembers } from '../projects/factories';
import { createImportHarness, type ImportHarness } from './support/import-harness';

let h: ImportHarness;
let p: ProjectWithMembers;
let datasetId: string;
beforeAll(async () => {
	h = await createImportHarness();
	p = await h.project('File order');
});
afterAll(() => h.close());

const mapping = { externalId: 'id', prompt: 'prompt', category: 'category', system: 'model', answer: 'answer' };
const lines = (rows: [id: string, category: string][]) =>
	rows
		.flatMap(([id, category]) =>
			['m1', 'm2'].map((model) =>
				JSON.stringify({ id, prompt: `Prompt ${id} shared`, category, model, answer: `Answer of ${model} to ${id}` })
			)
		)
		.join('\n') + '\n';

async function walk(input: Record<string, unknown> = {}, limit = 2) {
	const c = h.caller(p.viewer);
	const seen: string[] = [];
	let after: string | undefined;
	for (;;) {
		const page = await c.datasets.items({ projectId: p.projectId, datasetId, limit, after, ...input });
		seen.push(...page.items.map((i) => i.externalId));
		if (!page.hasNext) return seen;
		after = page.items.at(-1)!.externalId;
	}
}

describe('items in file order', () => {
	it('lists and pages the items of a file in the order of its lines, not by id', async () => {
		const imp = await h.importFile(
			p,
			{
				data: lines([
					['z', 'x'],
					['a', 'y'],
					['m', 'x'],
					['10', 'y'],
					['9', 'x']
				]),
				fileName: 'order.jsonl'
			},
			{ newDatasetName: 'Order', format: 'jsonl', mapping }
		);
		expect(imp.status).toBe('succeeded');
		datasetId = await h.datasetId(p, 'Order');
		expect(await walk()).toEqual(['z', 'a', 'm', '10', '9']);
		const c = h.caller(p.viewer);
		const second = await c.datasets.items({ projectId: p.projectId, datasetId, limit: 2, after: 'a' });
		expect(second.items.map((i) => i.externalId)).toEqual(['m', '10']);
		const back = await c.datasets.items({ projectId: p.projectId, datasetId, limit: 2, before: 'm' });
		expect(back.items.map((i) => i.externalId)).toEqual(['z', 'a']);
		expect(back.hasPrevious).toBe(false);
	});

	it('keeps the order under filters and search, and in previous/next', async () => {
		expect(await walk({ category: 'x' }, 1)).toEqual(['z', 'm', '9']);
		expect(await walk({ search: 'shared' }, 2)).toEqual(['z', 'a', 'm', '10', '9']);
		expect(await walk({ search: 'to m' }, 1)).toEqual(['m']);
		const items = await h.caller(p.viewer).datasets.items({ projectId: p.projectId, datasetId, limit: 10 });
		const m = items.items.find((i) => i.externalId === 'm')!;
		const detail = await h.caller(p.viewer).datasets.item({ projectId: p.projectId, datasetId, itemId: m.id });
		const ids = Object.fromEntries(items.items.map((i) => [i.id, i.externalId]));
		expect([ids[detail.previousId!], ids[detail.nextId!]]).toEqual(['a', '10']);
	});

	it('appends the new items of a later import after the existing ones, which keep their place', async () => {
		const imp = await h.importFile(
			p,
			{
				data: lines([
					['b', 'x'],
					['a', 'y'],
					['c', 'y']
				]),
				fileName: 'more.jsonl'
			},
			{ datasetId, format: 'jsonl', mapping }
		);
		expect(imp).toMatchObject({ status: 'succeeded', stats: expect.objectContaining({ itemsAdded: 2 }) });
		expect(await walk({}, 3)).toEqual(['z', 'a', 'm', '10', '9', 'b', 'c']);
	});
});
