import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseAll } from './test-support';

describe('import pipeline', () => {
	it('reads JSON Lines with a mapping, across chunk boundaries, with line numbers', async () => {
		const lines = Array.from({ length: 50 }, (_, i) =>
			JSON.stringify({ id: `q${i}`, prompt: `Question ${i} ✓ 数学`, model: 'm1', answer: 'x'.repeat(i) })
		);
		const r = await parseAll(lines.join('\n') + '\n', { fileName: 'a.jsonl', chunkSize: 13 });
		expect(r.format).toBe('jsonl');
		expect(r.issues).toEqual([]);
		expect(r.records).toHaveLength(50);
		expect(r.records[7].line).toBe(8);
		expect(r.records[7].item?.promptText).toBe('Question 7 ✓ 数学');
		expect(r.records[7].answers[0]).toMatchObject({ system: 'm1', content: 'xxxxxxx', charCount: 7, approxTokens: 2 });
	});

	it('splits a JSON array incrementally with strings containing brackets and escapes', async () => {
		const arr = [
			{ instruction: 'a [b] {c}', output: 'he said "hi\\" ]', generator: 'g' },
			{ instruction: 'line\nbreak', output: '', generator: 'g' }
		];
		const text = JSON.stringify(arr, null, 2);
		for (const chunkSize of [1, 3, 64]) {
			const r = await parseAll(text, { fileName: 'outputs.json', chunkSize });
			expect(r.format).toBe('alpaca-eval-outputs');
			expect(r.issues).toEqual([]);
			expect(r.records.map((x) => x.item?.promptText)).toEqual(['a [b] {c}', 'line\nbreak']);
			expect(r.records[1].line).toBe(7);
		}
	});

	it('reads gzip and refuses a compressed bomb', async () => {
		const ok = await parseAll(gzipSync('{"question_id": 1, "turns": ["hi"]}\n'), { fileName: 'q.jsonl.gz' });
		expect(ok.records[0].item?.externalId).toBe('1');
		const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20));
		const r = await parseAll(bomb, { fileName: 'b.jsonl.gz', limits: { maxFileBytes: 1024 * 1024 } });
		expect(r.fileError?.reason).toMatch(/compressed bomb/);
		expect(r.fileError?.reason).toMatch(/1 MiB/);
	});

	it('names invalid UTF-8 and over-long lines without stopping', async () => {
		const good = Buffer.from('{"question_id": 1, "turns": ["a"]}\n');
		const bad = Buffer.concat([
			Buffer.from('{"question_id": 2, "turns": ["'),
			Buffer.from([0xff, 0xfe]),
			Buffer.from('"]}\n')
		]);
		const long = Buffer.from(`{"question_id": 3, "turns": ["${'y'.repeat(5000)}"]}\n`);
		const r = await parseAll(Buffer.concat([good, bad, long, good]), {
			fileName: 'q.jsonl',
			format: 'mt-bench-questions',
			limits: { maxRecordBytes: 1000 },
			chunkSize: 100
		});
		expect(r.issues.map((i) => i.line)).toEqual([2, 3]);
		expect(r.issues[0].reason).toMatch(/not valid UTF-8/);
		expect(r.issues[1].reason).toMatch(/longer than/);
	});

	it('reads CSV with quoted multi-line fields and reports ragged rows by line', async () => {
		const csv = 'id,prompt,tags\n1,"multi\nline",a|b\n2,short,"x, y"\n3,too,many,fields\n';
		const r = await parseAll(csv, { fileName: 't.csv', mapping: { externalId: 'id', prompt: 'prompt', tags: 'tags' } });
		expect(r.format).toBe('csv');
		expect(r.records.map((x) => [x.line, x.item?.promptText, x.item?.tags])).toEqual([
			[2, 'multi\nline', ['a|b']],
			[4, 'short', ['x', 'y']]
		]);
		expect(r.issues).toEqual([
			{
				line: 5,
				field: null,
				reason: expect.stringMatching(/ragged/),
				key: 'import_err_ragged_row',
				params: { fields: 4, header: 3 }
			}
		]);
	});

	it('refuses UTF-16 files and empty files', async () => {
		const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":1}', 'utf16le')]);
		expect((await parseAll(utf16, { fileName: 'x.jsonl' })).fileError?.reason).toMatch(/UTF-16/);
		expect((await parseAll('', { fileName: 'x.jsonl' })).fileError?.reason).toMatch(/empty/);
		expect((await parseAll('\n\n  \n', { fileName: 'x.jsonl' })).fileError?.reason).toMatch(/no records/);
	});
});
