/**
 * Files built to break the importer (issue 8, item 10). Each goes through the real path
 * (upload → preview → start → job body) and must end as a clear error naming its line (or
 * array element) and field, or as a correct import. Results also go through both
 * serializers that carry them to a browser (superjson for tRPC, devalue for page data),
 * because a result that cannot be serialized is a 500 for the person asking.
 */
import { gzipSync } from 'node:zlib';
import * as devalue from 'devalue';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectWithMembers } from '../projects/factories';
import { createImportHarness, type ImportHarness } from './support/import-harness';

let h: ImportHarness;
let p: ProjectWithMembers;
beforeAll(async () => {
	h = await createImportHarness();
	p = await h.project('Hostile files');
});
afterAll(() => h.close());

/** What the browser would receive: throws where the real transport would answer 500. */
function overTheWire<T>(value: T): T {
	devalue.stringify(value);
	return superjson.parse<T>(superjson.stringify(value));
}

const preview = async (importId: string, extra: Record<string, unknown> = {}) =>
	overTheWire(await h.caller(p.admin).imports.preview({ projectId: p.projectId, importId, ...extra }));

async function uploadAndPreview(data: string | Buffer, fileName: string, extra: Record<string, unknown> = {}) {
	const importId = await h.upload(p, { data, fileName });
	return { importId, preview: await preview(importId, extra) };
}

const M = { externalId: 'id', prompt: 'prompt', system: 'model', answer: 'answer' };
const row = (i: number, extra: Record<string, unknown> = {}) =>
	JSON.stringify({ id: `q${i}`, prompt: `Prompt ${i}`, model: 'm', answer: `Answer ${i}`, ...extra });

async function datasetRows(name: string) {
	const ds = await h.db
		.selectFrom('dataset')
		.select('id')
		.where('project_id', '=', p.projectId)
		.where('name', '=', name);
	return h.db.selectFrom('dataset_item').select('id').where('dataset_id', 'in', ds).execute();
}

describe('deep nesting', () => {
	const deep = (levels: number) => '{"k":'.repeat(levels) + '1' + '}'.repeat(levels);

	it('names the line and field of a mapped field nested 10,000 levels deep, in preview and import', async () => {
		const data = [row(1), `{"id":"q2","prompt":"P","model":"m","answer":"A","extra":${deep(10_000)}}`, row(3)].join(
			'\n'
		);
		const mapping = { ...M, itemMetadata: ['extra'] };
		const { importId, preview: pv } = await uploadAndPreview(data, 'deep.jsonl', { format: 'jsonl', mapping });
		expect(pv.errors).toEqual([expect.objectContaining({ line: 2, field: 'extra' })]);
		expect(pv.errors[0].reason).toMatch(/more than 100 levels deep/);
		await h.caller(p.admin).imports.start({
			projectId: p.projectId,
			importId,
			newDatasetName: 'deep',
			format: 'jsonl',
			mapping
		});
		const r = overTheWire(await h.run(p, importId));
		expect(r.status).toBe('failed');
		expect(r.errors.map((e) => [e.line, e.field])).toEqual([[2, 'extra']]);
		expect(await datasetRows('deep')).toEqual([]);
	});

	it('names the line and column of a JSON cell nested 10,000 levels deep in a CSV', async () => {
		const conv = '[{"role":"user","content":"hi","x":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}]';
		const csv = `id,messages\n1,"${conv.replaceAll('"', '""')}"\n`;
		const r = await h.importFile(
			p,
			{ data: csv, fileName: 'deep.csv' },
			{ newDatasetName: 'deep-csv', format: 'csv', mapping: { externalId: 'id', conversation: 'messages' } }
		);
		expect(r.status).toBe('failed');
		expect(r.errors.map((e) => [e.line, e.field])).toEqual([[2, 'messages']]);
	});

	it('names the element of a JSON array holding 10,000 nested objects', async () => {
		const ok = { instruction: 'Say hi', output: 'hi', generator: 'g' };
		const data = `[${JSON.stringify(ok)},{"instruction":"x","output":"y","generator":"g","dataset":${deep(10_000)}}]`;
		const { importId, preview: pv } = await uploadAndPreview(data, 'outputs.json');
		expect(pv.format).toBe('alpaca-eval-outputs');
		expect(pv.errors).toEqual([expect.objectContaining({ line: 1, element: 2, field: 'dataset' })]);
		await h.caller(p.admin).imports.start({
			projectId: p.projectId,
			importId,
			newDatasetName: 'deep-array',
			format: 'alpaca-eval-outputs',
			mapping: {}
		});
		const r = await h.run(p, importId);
		expect(r.status).toBe('failed');
		expect(r.errors).toEqual([expect.objectContaining({ line: 1, element: 2, field: 'dataset' })]);
	});
});

describe('NUL characters quoted in errors', () => {
	it('reports UTF-16 without a byte-order mark as such, on line 1', async () => {
		const data = Buffer.from(row(1) + '\n' + row(2) + '\n', 'utf16le');
		const r = await h.importFile(
			p,
			{ data, fileName: 'utf16.jsonl' },
			{ newDatasetName: 'utf16', format: 'jsonl', mapping: M }
		);
		expect(r.status).toBe('failed');
		expect(r.errors).toEqual([expect.objectContaining({ line: 1 })]);
		expect(r.errors[0].reason).toMatch(/UTF-16 without a byte-order mark/);
	});

	it('stores the parse error of a line starting with NUL, with its line', async () => {
		const data = [row(1), '\u0000oops', row(3)].join('\n') + '\n';
		const r = await h.importFile(
			p,
			{ data, fileName: 'nul.jsonl' },
			{ newDatasetName: 'nul', format: 'jsonl', mapping: M }
		);
		expect(r.status).toBe('failed');
		expect(r.errors.map((e) => [e.line, e.field])).toEqual([[2, null]]);
		expect(r.errors[0].reason).toMatch(/Invalid JSON on line 2/);
		expect(r.errors[0].reason).toContain('\\0oops');
		expect(JSON.stringify(r.errors)).not.toContain('\\u0000');
	});
});

describe('keys named __proto__ and constructor are data', () => {
	// jsonb keeps its own key order.
	const byKey = <T extends { key: string }>(entries: T[]) => [...entries].sort((a, b) => a.key.localeCompare(b.key));
	const expectedMeta = [
		{ key: '__proto__', json: '{"polluted":true}' },
		{ key: 'constructor', json: '"ctor"' },
		{ key: 'plain', json: '1' }
	];

	async function itemProcedures(datasetId: string) {
		const out: unknown[] = [];
		for (const user of [p.admin, p.viewer, p.annotator]) {
			const c = h.caller(user);
			const ref = { projectId: p.projectId, datasetId };
			out.push(overTheWire(await c.datasets.list({ projectId: p.projectId })));
			out.push(overTheWire(await c.datasets.get(ref)));
			out.push(overTheWire(await c.datasets.systems(ref)));
			out.push(overTheWire(await c.datasets.categories(ref)));
			const page = overTheWire(await c.datasets.items(ref));
			expect(page.items).toHaveLength(1);
			const item = overTheWire(await c.datasets.item({ ...ref, itemId: page.items[0].id }));
			expect(byKey(item.metadata)).toEqual(expectedMeta);
			// Answer metadata can name the system, so a blind annotator gets none (auth/policy.ts seesSystemNames).
			const answerMeta = user === p.annotator ? [] : [{ key: 'constructor', json: '"ctor"' }];
			expect(item.answers[0].metadata).toEqual(answerMeta);
		}
		return out;
	}

	it('round-trips them from JSON Lines through import and every item procedure', async () => {
		const line =
			'{"id":"q1","prompt":"P","model":"m","answer":"A","__proto__":{"polluted":true},"constructor":"ctor","plain":1}';
		const mapping = { ...M, itemMetadata: ['__proto__', 'constructor', 'plain'], answerMetadata: ['constructor'] };
		const { importId, preview: pv } = await uploadAndPreview(line + '\n', 'proto.jsonl', { format: 'jsonl', mapping });
		expect(pv.errors).toEqual([]);
		expect(pv.fields).toContain('__proto__');
		expect(byKey(pv.rows[0].item!.metadata)).toEqual(expectedMeta);
		await h.caller(p.admin).imports.start({
			projectId: p.projectId,
			importId,
			newDatasetName: 'proto-jsonl',
			format: 'jsonl',
			mapping
		});
		const r = overTheWire(await h.run(p, importId));
		expect(r.status).toBe('succeeded');
		await itemProcedures(await h.datasetId(p, 'proto-jsonl'));
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('keeps a __proto__ CSV header in the header list and in metadata', async () => {
		const csv = 'id,prompt,model,answer,__proto__,constructor,plain\nq1,P,m,A,"{""polluted"":true}",ctor,1\n';
		const { importId, preview: pv } = await uploadAndPreview(csv, 'proto.csv');
		expect(pv.fields).toEqual(['id', 'prompt', 'model', 'answer', '__proto__', 'constructor', 'plain']);
		const mapping = { ...M, itemMetadata: ['__proto__', 'constructor', 'plain'], answerMetadata: ['constructor'] };
		await h.caller(p.admin).imports.start({
			projectId: p.projectId,
			importId,
			newDatasetName: 'proto-csv',
			format: 'csv',
			mapping
		});
		expect((await h.run(p, importId)).status).toBe('succeeded');
		const datasetId = await h.datasetId(p, 'proto-csv');
		const c = h.caller(p.viewer);
		const page = await c.datasets.items({ projectId: p.projectId, datasetId });
		const item = overTheWire(await c.datasets.item({ projectId: p.projectId, datasetId, itemId: page.items[0].id }));
		// CSV cells are text: the cell is kept as written, not parsed.
		expect(byKey(item.metadata)).toEqual([
			{ key: '__proto__', json: JSON.stringify('{"polluted":true}') },
			{ key: 'constructor', json: '"ctor"' },
			{ key: 'plain', json: '"1"' }
		]);
	});

	it('refuses __proto__ as a wide answer column with a clear error instead of dropping it', async () => {
		const importId = await h.upload(p, { data: 'id,prompt,__proto__\n1,P,A\n', fileName: 'wide.csv' });
		await expect(
			h.caller(p.admin).imports.start({
				projectId: p.projectId,
				importId,
				newDatasetName: 'wide-proto',
				format: 'csv',
				mapping: JSON.parse('{"externalId":"id","prompt":"prompt","answerColumns":{"__proto__":"sys"}}')
			})
		).rejects.toMatchObject({ code: 'BAD_REQUEST' });
	});
});

describe('compressed bombs and the preview', () => {
	/** Many gzip members of the same block: a few MB that inflate to gigabytes, built in a second. */
	function bomb(prefix: string, inflatedBytes: number): Buffer {
		const block = gzipSync(Buffer.alloc(64 * 1024 * 1024, 'a'), { level: 9 });
		const parts = [gzipSync(prefix)];
		for (let n = 0; n < inflatedBytes; n += 64 * 1024 * 1024) parts.push(block);
		return Buffer.concat(parts);
	}

	it('previews a gzip that inflates to 3 GiB by reading only its beginning', async () => {
		const data = bomb('{"id":"q1","prompt":"', 3 * 1024 ** 3);
		expect(data.byteLength).toBeLessThan(8 * 1024 * 1024);
		const started = Date.now();
		const { preview: pv } = await uploadAndPreview(data, 'bomb.jsonl.gz');
		expect(Date.now() - started).toBeLessThan(30_000);
		expect(pv.rows).toEqual([]);
		expect(pv.fileError?.reason).toMatch(/No complete record in the first/);
	}, 60_000);

	it('shows the first rows of a bomb that starts with good rows', async () => {
		const rows = Array.from({ length: 30 }, (_, i) => row(i)).join('\n') + '\n';
		const started = Date.now();
		const { preview: pv } = await uploadAndPreview(bomb(rows, 3 * 1024 ** 3), 'rows.jsonl.gz', {
			format: 'jsonl',
			mapping: M
		});
		expect(Date.now() - started).toBeLessThan(30_000);
		expect(pv.rows).toHaveLength(20);
		expect(pv.fileError).toBeNull();
	}, 60_000);
});

describe('blank lines and one-line arrays', () => {
	it('imports a row that follows 1,000,000 blank lines, with its real line number', async () => {
		const data = '\n'.repeat(1_000_000) + row(1) + '\n';
		const { importId, preview: pv } = await uploadAndPreview(data, 'blank.jsonl', { format: 'jsonl', mapping: M });
		expect(pv.container).toBe('jsonl');
		expect(pv.rows.map((r) => r.line)).toEqual([1_000_001]);
		await h.caller(p.admin).imports.start({
			projectId: p.projectId,
			importId,
			newDatasetName: 'blank',
			format: 'jsonl',
			mapping: M
		});
		expect((await h.run(p, importId)).status).toBe('succeeded');
		expect(await datasetRows('blank')).toHaveLength(1);
	});

	it('detects a CSV after blank lines', async () => {
		const { preview: pv } = await uploadAndPreview('\n\n\nid,prompt\n1,P\n', 'blank.csv');
		expect(pv.container).toBe('csv');
		expect(pv.fields).toEqual(['id', 'prompt']);
	});

	it('names the element of a bad LLMBar pair in an array on one line', async () => {
		const pair = (label: unknown) => ({ input: 'Q', output_1: `a${String(label)}`, output_2: 'b', label });
		const data = JSON.stringify([pair(1), pair(2), pair(7), pair(1)]);
		const r = await h.importFile(
			p,
			{ data, fileName: 'llmbar.json' },
			{ newDatasetName: 'one-line', format: 'llmbar', mapping: { judgeName: null } }
		);
		expect(r.status).toBe('failed');
		expect(r.errors).toEqual([expect.objectContaining({ line: 1, element: 3, field: 'label' })]);
	});
});

describe('exact duplicate lines', () => {
	it('skips an identical repeated row and counts it, in preview and import', async () => {
		const data = [row(1), row(2), row(2), row(3), row(2)].join('\n') + '\n';
		const { importId, preview: pv } = await uploadAndPreview(data, 'dups.jsonl', { format: 'jsonl', mapping: M });
		expect(pv.errors).toEqual([]);
		expect(pv.rows.map((r) => r.line)).toEqual([1, 2, 4]);
		await h.caller(p.admin).imports.start({
			projectId: p.projectId,
			importId,
			newDatasetName: 'dups',
			format: 'jsonl',
			mapping: M
		});
		const r = await h.run(p, importId);
		expect(r.status).toBe('succeeded');
		expect(r.stats).toMatchObject({ rows: 5, itemsAdded: 3, answersAdded: 3, duplicatesSkipped: 4 });
	});

	it('skips a repeated vote line instead of counting the vote twice', async () => {
		const vote = JSON.stringify({ num: 7, question_id: 'q', model_a: 'a', model_b: 'b', winner: 'model_a' });
		const r = await h.importFile(
			p,
			{ data: `${vote}\n${vote}\n`, fileName: 'votes.jsonl' },
			{ newDatasetName: 'dup-votes', format: 'arena-votes', mapping: { voter: 'judge', judgeName: 'j' } }
		);
		expect(r.status).toBe('succeeded');
		expect(r.stats).toMatchObject({ judgmentsAdded: 1 });
	});

	it('still rejects the same key with different content', async () => {
		const r = await h.importFile(
			p,
			{ data: [row(1), row(1, { answer: 'Changed' })].join('\n'), fileName: 'conflict.jsonl' },
			{ newDatasetName: 'dup-conflict', format: 'jsonl', mapping: M }
		);
		expect(r.status).toBe('failed');
		// Both are true: the key repeats, and its answer differs.
		expect(r.errors.map((e) => [e.line, e.field])).toEqual([
			[2, 'id'],
			[2, 'answer']
		]);
		expect(r.errors[0].reason).toMatch(/with different content: first seen at line 1/);
	});
});
