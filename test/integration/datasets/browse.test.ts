import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { makeProjectWithMembers, type ProjectWithMembers } from '../projects/factories';
import { createHarness, type Harness } from '../support/harness';
import { seedDataset, type SeedItem } from './support/seed';

let h: Harness;
let p: ProjectWithMembers;
let other: ProjectWithMembers;
let ds: Awaited<ReturnType<typeof seedDataset>>;
let foreign: Awaited<ReturnType<typeof seedDataset>>;

// 25 numbered items ("q1" … "q25") so natural order differs from text order, plus two special ones.
const numbered: SeedItem[] = Array.from({ length: 25 }, (_, i) => ({
	externalId: `q${i + 1}`,
	prompt: `Question number ${i + 1} about ${i % 2 ? 'routing' : 'polymers'}`,
	category: i % 2 ? 'network' : 'materials',
	tags: i % 5 === 0 ? ['hard', 'calc'] : ['easy'],
	answers: { 'sys-a': `Answer A${i + 1}`, ...(i < 10 ? { 'sys-b': `B says ${i + 1}` } : {}) }
}));
const special: SeedItem[] = [
	{
		externalId: 'chat-1',
		conversation: [
			{ role: 'system', content: 'Be brief.' },
			{ role: 'user', content: 'First turn: what is BGP?' },
			{ role: 'user', content: 'Second turn: and OSPF?' }
		],
		referenceTurns: ['BGP is path-vector.', 'OSPF is link-state.'],
		category: 'network',
		tags: ['multi'],
		answers: { 'sys-a': ['Path vector protocol.', 'Link state protocol.'], 'sys-b': ['No idea', 'Still none'] }
	},
	{
		externalId: 'zh-1',
		prompt: '请解释玻璃化转变温度',
		reference: 'Reference mentions 100% pure copper_wire and the word NEEDLE.',
		answers: { 'sys-b': '玻璃化转变温度是无定形聚合物由玻璃态转变为高弹态的温度。' }
	}
];

beforeAll(async () => {
	h = await createHarness();
	p = await makeProjectWithMembers(h.db, 'Browse');
	other = await makeProjectWithMembers(h.db, 'Browse other');
	ds = await seedDataset(h.db, { projectId: p.projectId, name: 'Main', items: [...numbered, ...special] });
	foreign = await seedDataset(h.db, {
		projectId: other.projectId,
		name: 'Foreign',
		items: [{ externalId: 'x', prompt: 'secret', answers: { s: 'hidden' } }]
	});
});
afterAll(() => h.close());

describe('datasets.list / get', () => {
	it('lists datasets with item, answer and system counts; judge counts only for result readers', async () => {
		const [admin] = await h.caller(p.admin).datasets.list({ projectId: p.projectId });
		expect(admin).toMatchObject({
			id: ds.datasetId,
			name: 'Main',
			itemCount: 27,
			answerCount: 25 + 10 + 2 + 1,
			systemCount: 2,
			currentRevision: 1
		});
		expect(admin.results).toEqual({ judgmentCount: 7, annotationCount: 0 });
		expect(admin.latestRevisionAt).toBeInstanceOf(Date);
		const [annotator] = await h.caller(p.annotator).datasets.list({ projectId: p.projectId });
		expect(annotator.itemCount).toBe(27);
		expect(annotator.results).toBeNull();
	});

	it('returns revisions and refuses datasets of other projects', async () => {
		const detail = await h.caller(p.viewer).datasets.get({ projectId: p.projectId, datasetId: ds.datasetId });
		expect(detail.revisions).toEqual([expect.objectContaining({ revision: 1, itemsAdded: 27 })]);
		await expect(
			h.caller(p.admin).datasets.get({ projectId: p.projectId, datasetId: foreign.datasetId })
		).rejects.toMatchObject({ code: 'NOT_FOUND' });
		await expect(
			h.caller(p.admin).datasets.item({ projectId: p.projectId, datasetId: foreign.datasetId, itemId: foreign.items.x })
		).rejects.toMatchObject({ code: 'NOT_FOUND' });
		await expect(h.caller(p.outsider).datasets.list({ projectId: p.projectId })).rejects.toMatchObject({
			code: 'NOT_FOUND'
		});
	});

	it('lists systems, categories and tags with counts', async () => {
		const c = h.caller(p.viewer);
		const systems = await c.datasets.systems({ projectId: p.projectId, datasetId: ds.datasetId });
		expect(systems.map((s) => [s.name, s.answerCount])).toEqual([
			['sys-a', 26],
			['sys-b', 12]
		]);
		const facets = await c.datasets.categories({ projectId: p.projectId, datasetId: ds.datasetId });
		expect(facets.categories).toEqual([
			{ value: 'materials', count: 13 },
			{ value: 'network', count: 13 }
		]);
		expect(facets.tags[0]).toEqual({ value: 'easy', count: 20 });
		expect(facets.tags).toContainEqual({ value: 'calc', count: 5 });
	});

	it('counts each facet under the other active filters, leaving its own choice out', async () => {
		// A viewer: annotators get no systems and no system filter (blinding.test.ts).
		const c = h.caller(p.viewer);
		const ref = { projectId: p.projectId, datasetId: ds.datasetId };
		const systems = await c.datasets.systems(ref);
		const sysB = systems.find((s) => s.name === 'sys-b')!.id;
		// sys-b answered q1–q10, chat-1 and zh-1.
		const bySystem = await c.datasets.categories({ ...ref, systemId: sysB });
		expect(bySystem.categories).toEqual([
			{ value: 'network', count: 6 },
			{ value: 'materials', count: 5 }
		]);
		expect(bySystem.tags).toEqual([
			{ value: 'easy', count: 8 },
			{ value: 'calc', count: 2 },
			{ value: 'hard', count: 2 },
			{ value: 'multi', count: 1 }
		]);
		// A chosen category narrows the tags but not the categories themselves.
		const byCategory = await c.datasets.categories({ ...ref, category: 'network' });
		expect(byCategory.categories).toEqual([
			{ value: 'materials', count: 13 },
			{ value: 'network', count: 13 }
		]);
		expect(byCategory.tags).toEqual([
			{ value: 'easy', count: 10 },
			{ value: 'calc', count: 2 },
			{ value: 'hard', count: 2 },
			{ value: 'multi', count: 1 }
		]);
		// An indexed search narrows both.
		const bySearch = await c.datasets.categories({ ...ref, search: 'routing' });
		expect(bySearch.categories).toEqual([{ value: 'network', count: 12 }]);
	});
});

describe('datasets.items', () => {
	const page = (input: Record<string, unknown>) =>
		h.caller(p.viewer).datasets.items({ projectId: p.projectId, datasetId: ds.datasetId, ...input });

	it('walks every item once, in the order written, forwards and backwards', async () => {
		const seen: string[] = [];
		let cursor: string | undefined;
		for (;;) {
			const res = await page({ limit: 10, after: cursor });
			seen.push(...res.items.map((i) => i.externalId));
			expect(res.total).toBe(27);
			if (!res.hasNext) break;
			cursor = res.items.at(-1)!.externalId;
		}
		expect(seen).toHaveLength(27);
		// The order the rows were written in (the seed writes them in array order), not id order.
		expect(seen.slice(8, 11)).toEqual(['q9', 'q10', 'q11']);
		expect(seen.slice(-3)).toEqual(['q25', 'chat-1', 'zh-1']);
		const first = await page({ limit: 10 });
		expect(first.hasPrevious).toBe(false);
		const second = await page({ limit: 10, after: first.items.at(-1)!.externalId });
		const back = await page({ limit: 10, before: second.items[0].externalId });
		expect(back.items.map((i) => i.externalId)).toEqual(first.items.map((i) => i.externalId));
		expect(back.hasPrevious).toBe(false);
		expect(back.hasNext).toBe(true);
	});

	it('summarises items: preview, turns, reference flag, answer count', async () => {
		const res = await page({ search: 'BGP' });
		expect(res.items).toEqual([
			expect.objectContaining({
				externalId: 'chat-1',
				preview: 'First turn: what is BGP?',
				turnCount: 2,
				hasReference: true,
				answerCount: 2
			})
		]);
	});

	it('searches prompts, references and answers, case-insensitively and in any script', async () => {
		expect((await page({ search: 'POLYMERS' })).total).toBe(13);
		expect((await page({ search: 'needle' })).items.map((i) => i.externalId)).toEqual(['zh-1']); // reference
		expect((await page({ search: 'answer a17' })).items.map((i) => i.externalId)).toEqual(['q17']); // answer text
		expect((await page({ search: 'link state' })).items.map((i) => i.externalId)).toEqual(['chat-1']); // per-turn answer
		expect((await page({ search: '高弹态' })).items.map((i) => i.externalId)).toEqual(['zh-1']);
		expect((await page({ search: '转变温度' })).total).toBe(1);
	});

	it('treats LIKE wildcards in the search as literal characters', async () => {
		expect((await page({ search: '100%' })).items.map((i) => i.externalId)).toEqual(['zh-1']);
		expect((await page({ search: 'r_w' })).total).toBe(1); // copper_wire, not "r?w"
		expect((await page({ search: '%' })).items.map((i) => i.externalId)).toEqual(['zh-1']); // short: walked, not indexed
		expect((await page({ search: 'no such text anywhere' })).items).toEqual([]);
	});

	it('filters by system, category and tag, and combines filters', async () => {
		expect((await page({ systemId: ds.systems['sys-b'] })).total).toBe(12);
		expect((await page({ category: 'materials' })).total).toBe(13);
		expect((await page({ tag: 'calc' })).items.map((i) => i.externalId)).toEqual(['q1', 'q6', 'q11', 'q16', 'q21']);
		expect(
			(await page({ tag: 'calc', systemId: ds.systems['sys-b'], category: 'materials' })).items.map((i) => i.externalId)
		).toEqual(['q1']);
		expect((await page({ search: '  ', category: '' })).total).toBe(27); // blank form fields mean no filter
	});
});

describe('datasets.item', () => {
	it('returns the conversation, per-turn references and every answer with lengths', async () => {
		const item = await h
			.caller(p.viewer)
			.datasets.item({ projectId: p.projectId, datasetId: ds.datasetId, itemId: ds.items['chat-1'] });
		expect(item.prompt).toEqual({
			kind: 'conversation',
			messages: expect.arrayContaining([{ role: 'user', content: 'Second turn: and OSPF?' }])
		});
		expect(item.reference).toEqual({ kind: 'turns', turns: ['BGP is path-vector.', 'OSPF is link-state.'] });
		expect(item.answers.map((a) => a.systemName)).toEqual(['sys-a', 'sys-b']);
		expect(item.answers[0]).toMatchObject({
			content: null,
			turns: ['Path vector protocol.', 'Link state protocol.'],
			charCount: 41,
			available: true
		});
		expect(item.answers[0].approxTokens).toBeGreaterThan(0);
		expect(JSON.stringify(item)).not.toMatch(/verdict|judgment/i);
	});

	it('gives previous/next neighbours under the active filters', async () => {
		const c = h.caller(p.viewer);
		const q2 = await c.datasets.item({ projectId: p.projectId, datasetId: ds.datasetId, itemId: ds.items.q2 });
		expect([q2.previousId, q2.nextId]).toEqual([ds.items.q1, ds.items.q3]);
		const filtered = await c.datasets.item({
			projectId: p.projectId,
			datasetId: ds.datasetId,
			itemId: ds.items.q6,
			tag: 'calc'
		});
		expect([filtered.previousId, filtered.nextId]).toEqual([ds.items.q1, ds.items.q11]);
		const single = await c.datasets.item({ projectId: p.projectId, datasetId: ds.datasetId, itemId: ds.items['zh-1'] });
		expect(single.prompt).toEqual({ kind: 'text', text: '请解释玻璃化转变温度' });
		expect(single.reference?.kind).toBe('text');
		expect(single.answers[0].charCount).toBe([...'玻璃化转变温度是无定形聚合物由玻璃态转变为高弹态的温度。'].length);
	});
});

describe('search strategies', () => {
	let big: string;
	beforeAll(async () => {
		// 2,100 items, each with one answer: more than the search's candidate cap (2,000).
		const { datasetId } = await seedDataset(h.db, { projectId: p.projectId, name: 'Big', items: [] });
		big = datasetId;
		const system = await h.db
			.insertInto('system')
			.values({ project_id: p.projectId, name: 'bulk' })
			.returning('id')
			.executeTakeFirstOrThrow();
		await sql`
			insert into dataset_item (dataset_id, external_id, prompt_text, content_hash)
			select ${big}::uuid, 'b' || n, 'Common prompt number ' || n || case when n = 1234 then ' with a unique needle' else '' end, md5(n::text)
			from generate_series(1, 2100) n
		`.execute(h.db);
		await sql`
			insert into candidate_answer (item_id, dataset_id, system_id, content, content_hash, char_count, approx_tokens)
			select i.id, ${big}::uuid, ${system.id}::uuid, 'Everyone answers alike for ' || i.external_id, md5(i.external_id), 30, 8
			from dataset_item i where i.dataset_id = ${big}::uuid
		`.execute(h.db);
		await h.db.updateTable('dataset').set({ item_count: 2100, answer_count: 2100 }).where('id', '=', big).execute();
	});
	const page = (input: Record<string, unknown>) =>
		h.caller(p.viewer).datasets.items({ projectId: p.projectId, datasetId: big, ...input });

	it('pages a broad term in list order and reports "more than the cap" instead of counting', async () => {
		const first = await page({ search: 'common prompt', limit: 20 });
		expect(first).toMatchObject({ total: 2000, totalCapped: true, hasNext: true });
		expect(first.items.map((i) => i.externalId).slice(0, 3)).toEqual(['b1', 'b2', 'b3']);
		const later = await page({ search: 'alike', after: 'b2000', limit: 200 });
		expect(later.items.map((i) => i.externalId)).toEqual(Array.from({ length: 100 }, (_, k) => `b${2001 + k}`));
		expect(later.hasNext).toBe(false);
	});

	it('counts a selective term exactly and leaves a 1–2 character search uncounted', async () => {
		expect(await page({ search: 'UNIQUE NEEDLE' })).toMatchObject({
			total: 1,
			totalCapped: false,
			items: [expect.objectContaining({ externalId: 'b1234' })]
		});
		expect(await page({ search: 'alike for b123' })).toMatchObject({ total: 11, totalCapped: false }); // b123, b1230–b1239
		const short = await page({ search: 'b9', limit: 5 });
		expect(short.total).toBeNull();
		expect(short.items.map((i) => i.externalId)).toEqual(['b9', 'b90', 'b91', 'b92', 'b93']);
	});
});
