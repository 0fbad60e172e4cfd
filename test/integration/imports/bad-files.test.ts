/**
 * A corpus of bad files, generated here. Each goes through the real path
 * (upload → start → job body) and must end as a failed import that names every
 * bad row (line + field), with NOTHING written: no dataset, no items, answers,
 * judgments, annotations or systems from it. Errors are returned, never thrown.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormatId } from '../../../src/lib/server/importers/formats/types';
import type { ProjectWithMembers } from '../projects/factories';
import { createImportHarness, type ImportHarness } from './support/import-harness';

let h: ImportHarness;
let p: ProjectWithMembers;
beforeAll(async () => {
	h = await createImportHarness();
	p = await h.project('Bad files');
});
afterAll(() => h.close());

const FIELD_LIMIT = 2000;
const LIMITS = { maxFieldBytes: FIELD_LIMIT, maxRecordBytes: 100_000, maxFileBytes: 4 * 1024 * 1024 };

const M = { externalId: 'id', prompt: 'prompt', system: 'model', answer: 'answer' };
const jl = (...rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
const ok = (i: number, extra: Record<string, unknown> = {}) => ({
	id: `q${i}`,
	prompt: `Prompt ${i}`,
	model: 'm',
	answer: `Answer ${i}`,
	...extra
});
const q = (id: unknown, turns: unknown, extra: Record<string, unknown> = {}) => ({
	question_id: id,
	category: 'writing',
	turns,
	...extra
});
const ans = (id: unknown, choices: unknown) => ({ question_id: id, model_id: 'm1', choices });
const pair = (extra: Record<string, unknown> = {}) => ({
	instruction: 'Say hi',
	output_1: 'hi',
	generator_1: 'a',
	output_2: 'hello',
	generator_2: 'b',
	preference: 1.2,
	...extra
});
const vote = (num: number, extra: Record<string, unknown> = {}) => ({
	num,
	question_id: `x${num}`,
	model_a: 'a',
	model_b: 'b',
	winner: 'model_a',
	...extra
});
const bytes = (...parts: (string | number[])[]) =>
	Buffer.concat(parts.map((x) => (typeof x === 'string' ? Buffer.from(x) : Buffer.from(x))));

interface Case {
	name: string;
	fileName: string;
	data: string | Buffer;
	format: FormatId;
	mapping?: Record<string, unknown>;
	/** Every bad row: line and field (null: the line as a whole). */
	rows?: [number, string | null][];
	/** A problem with the whole file. */
	file?: RegExp;
}

const big = 'x'.repeat(FIELD_LIMIT + 10);

const cases: Case[] = [
	// JSON Lines with a mapping: syntax
	{
		name: 'invalid JSON line',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1), ok(2), '{"id": "q3", "prompt": ', ok(4)),
		rows: [[3, null]]
	},
	{
		name: 'two invalid JSON lines',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1), '{oops}', ok(3), ok(4), "{'single': 'quotes'}"),
		rows: [
			[2, null],
			[5, null]
		]
	},
	{
		name: 'line is an array',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1), '[1, 2]'),
		rows: [[2, null]]
	},
	{
		name: 'line is a string',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl('"just text"', ok(2)),
		rows: [[1, null]]
	},
	{
		name: 'trailing garbage after object',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1), JSON.stringify(ok(2)) + ' x'),
		rows: [[2, null]]
	},
	// types and required fields
	{
		name: 'missing prompt',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1), { id: 'q2', model: 'm', answer: 'a' }),
		rows: [[2, 'prompt']]
	},
	{
		name: 'prompt is a number',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1, { prompt: 42 })),
		rows: [[1, 'prompt']]
	},
	{
		name: 'prompt is empty',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1), ok(2, { prompt: '   ' })),
		rows: [[2, 'prompt']]
	},
	{
		name: 'missing id',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1), { prompt: 'p', model: 'm', answer: 'a' }),
		rows: [[2, 'id']]
	},
	{
		name: 'id is an object',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1, { id: { a: 1 } })),
		rows: [[1, 'id']]
	},
	{
		name: 'id is a fraction',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1, { id: 1.5 })),
		rows: [[1, 'id']]
	},
	{
		name: 'answer missing',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl({ id: 'q1', prompt: 'p', model: 'm' }),
		rows: [[1, 'answer']]
	},
	{
		name: 'answer is a number',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1, { answer: 7 })),
		rows: [[1, 'answer']]
	},
	{
		name: 'answer turns hold a number',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1, { answer: ['a', 2] })),
		rows: [[1, 'answer[1]']]
	},
	{
		name: 'system missing',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1), { id: 'q2', prompt: 'p', answer: 'a' }),
		rows: [[2, 'model']]
	},
	{
		name: 'system is an array',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1, { model: ['m'] })),
		rows: [[1, 'model']]
	},
	{
		name: 'several bad fields in several rows',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1, { prompt: 1, answer: 2 }), ok(2), ok(3, { model: null })),
		rows: [
			[1, 'prompt'],
			[1, 'answer'],
			[3, 'model']
		]
	},
	// duplicates and inconsistencies inside the file
	{
		name: 'duplicate item × system',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1), ok(2), ok(3), ok(2, { answer: 'Another answer' })),
		rows: [
			[4, 'id'],
			[4, 'answer']
		]
	},
	{
		name: 'duplicate item × system three times',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1), ok(1, { answer: 'x' }), ok(1, { answer: 'y' })),
		rows: [
			[2, 'id'],
			[2, 'answer'],
			[3, 'id'],
			[3, 'answer']
		]
	},
	{
		name: 'same id, different prompt',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1), ok(1, { model: 'n', prompt: 'Other' })),
		rows: [[2, 'prompt']]
	},
	{
		name: 'items-only file with a duplicate id',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: { externalId: 'id', prompt: 'prompt' },
		data: jl({ id: 1, prompt: 'a' }, { id: 2, prompt: 'b' }, { id: 1, prompt: 'c' }),
		rows: [
			[3, 'id'],
			[3, 'prompt']
		]
	},
	// sizes and characters
	{
		name: 'oversized answer',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1), ok(2, { answer: big })),
		rows: [[2, 'answer']]
	},
	{
		name: 'oversized prompt',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1, { prompt: big })),
		rows: [[1, 'prompt']]
	},
	{
		name: 'oversized metadata',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: { ...M, itemMetadata: ['meta'] },
		data: jl(ok(1, { meta: { blob: big } })),
		rows: [[1, 'meta']]
	},
	{
		name: 'NUL character in prompt',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1), ok(2, { prompt: 'a\u0000b' })),
		rows: [[2, 'prompt']]
	},
	{
		name: 'NUL character nested in metadata',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: { ...M, itemMetadata: ['meta'] },
		data: jl(ok(1, { meta: { a: ['x\u0000'] } })),
		rows: [[1, 'meta']]
	},
	{
		name: 'unpaired surrogate escape',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1), '{"id": "q2", "prompt": "p", "model": "m", "answer": "bad \\ud800 half"}'),
		rows: [[2, 'answer']]
	},
	{
		name: 'conversation is not an array',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: { externalId: 'id', conversation: 'messages' },
		data: jl({ id: 1, messages: 'hello' }),
		rows: [[1, 'messages']]
	},
	{
		name: 'conversation with a bad role',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: { externalId: 'id', conversation: 'messages' },
		data: jl({
			id: 1,
			messages: [
				{ role: 'wizard', content: 'x' },
				{ role: 'user', content: 'y' }
			]
		}),
		rows: [[1, 'messages[0].role']]
	},
	{
		name: 'conversation without a user message',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: { externalId: 'id', conversation: 'messages' },
		data: jl({ id: 1, messages: [{ role: 'system', content: 'x' }] }),
		rows: [[1, 'messages']]
	},
	{
		name: 'tags hold numbers',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: { ...M, tags: 'tags' },
		data: jl(ok(1, { tags: ['a', 3] })),
		rows: [[1, 'tags[1]']]
	},
	// encoding and shape of the file
	{
		name: 'invalid UTF-8 in a line',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: bytes(jl(ok(1)), '{"id": "q2", "prompt": "caf', [0xe9], '", "model": "m", "answer": "a"}\n', jl(ok(3))),
		rows: [[2, null]]
	},
	{
		name: 'Latin-1 file',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: bytes('{"id": "q1", "prompt": "', [0xfc, 0x62, 0x65, 0x72], '", "model": "m", "answer": "a"}\n'),
		rows: [[1, null]]
	},
	{
		name: 'a single huge line',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: jl(ok(1), ok(2, { answer: 'y'.repeat(150_000) }), ok(3)),
		rows: [[2, null]]
	},
	{
		name: 'UTF-16 LE with BOM',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(jl(ok(1)), 'utf16le')]),
		file: /UTF-16/
	},
	{
		name: 'UTF-16 BE with BOM',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(jl(ok(1)), 'utf16le').swap16()]),
		file: /UTF-16/
	},
	{
		name: 'only blank lines',
		fileName: 'a.jsonl',
		format: 'jsonl',
		mapping: M,
		data: '\n\n   \n\t\n',
		file: /no records/
	},
	{
		name: 'compressed bomb',
		fileName: 'a.jsonl.gz',
		format: 'jsonl',
		mapping: M,
		data: gzipSync(Buffer.concat([Buffer.from(jl(ok(1))), Buffer.alloc(40 * 1024 * 1024, 0x20)])),
		file: /compressed bomb/
	},
	{
		name: 'corrupt gzip',
		fileName: 'a.jsonl.gz',
		format: 'jsonl',
		mapping: M,
		data: Buffer.concat([gzipSync(jl(ok(1), ok(2))).subarray(0, 20), Buffer.from('garbage that is not deflate')]),
		file: /gzip/
	},
	{
		name: 'zip archive',
		fileName: 'a.zip',
		format: 'jsonl',
		mapping: M,
		data: bytes([0x50, 0x4b, 0x03, 0x04], 'rest of a zip'),
		file: /Zip archives/
	},
	{
		name: 'binary junk: unknown format',
		fileName: 'upload.bin',
		format: 'jsonl',
		mapping: M,
		data: bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]),
		file: /Unknown format/
	},
	{
		name: 'CSV uploaded as a vote file',
		fileName: 'votes.csv',
		format: 'arena-votes',
		mapping: { voter: 'human' },
		data: 'question_id,model_a,model_b,winner\n1,a,b,model_a\n',
		file: /reads jsonl or json/
	},
	// CSV with a mapping
	{
		name: 'CSV ragged row (too many fields)',
		fileName: 'a.csv',
		format: 'csv',
		mapping: M,
		data: 'id,prompt,model,answer\nq1,p,m,a\nq2,p,m,a,extra\nq3,p,m,a\n',
		rows: [[3, null]]
	},
	{
		name: 'CSV ragged row (too few fields)',
		fileName: 'a.csv',
		format: 'csv',
		mapping: M,
		data: 'id,prompt,model,answer\nq1,p,m\nq2,p,m,a\n',
		rows: [[2, null]]
	},
	{
		name: 'CSV unterminated quote',
		fileName: 'a.csv',
		format: 'csv',
		mapping: M,
		data: 'id,prompt,model,answer\nq1,p,m,a\nq2,"never closed,m,a\n',
		rows: [[3, null]]
	},
	{
		name: 'CSV text after a closing quote',
		fileName: 'a.csv',
		format: 'csv',
		mapping: M,
		data: 'id,prompt,model,answer\nq1,"quoted"tail,m,a\n',
		rows: [[2, null]]
	},
	{
		name: 'CSV duplicate column name',
		fileName: 'a.csv',
		format: 'csv',
		mapping: M,
		data: 'id,prompt,model,answer,prompt\nq1,p,m,a,p\n',
		file: /appears twice/
	},
	{
		name: 'CSV empty column name',
		fileName: 'a.csv',
		format: 'csv',
		mapping: M,
		data: 'id,prompt,,answer\nq1,p,m,a\n',
		file: /no name/
	},
	{
		name: 'CSV mapping names a missing column',
		fileName: 'a.csv',
		format: 'csv',
		mapping: { ...M, answer: 'response' },
		data: 'id,prompt,model,answer\nq1,p,m,a\n',
		rows: [[1, 'response']]
	},
	{
		name: 'CSV invalid UTF-8 row',
		fileName: 'a.csv',
		format: 'csv',
		mapping: M,
		data: bytes('id,prompt,model,answer\nq1,p,m,a\nq2,', [0xc3, 0x28], ',m,a\n'),
		rows: [[3, null]]
	},
	{
		name: 'CSV duplicate item × system',
		fileName: 'a.csv',
		format: 'csv',
		mapping: M,
		data: 'id,prompt,model,answer\nq1,p,m,a\nq2,p,m,a\nq1,p,m,b\n',
		rows: [
			[4, 'id'],
			[4, 'answer']
		]
	},
	{
		name: 'CSV empty prompt cell',
		fileName: 'a.csv',
		format: 'csv',
		mapping: M,
		data: 'id,prompt,model,answer\nq1,,m,a\n',
		rows: [[2, 'prompt']]
	},
	{
		name: 'CSV tags with broken JSON',
		fileName: 'a.csv',
		format: 'csv',
		mapping: { ...M, tags: 'tags' },
		data: 'id,prompt,model,answer,tags\nq1,p,m,a,"[""x"", "\n',
		rows: [[2, 'tags']]
	},
	{
		name: 'CSV conversation cell is not JSON',
		fileName: 'a.csv',
		format: 'csv',
		mapping: { externalId: 'id', conversation: 'conv' },
		data: 'id,conv\n1,hello there\n',
		rows: [[2, 'conv']]
	},
	// MT-Bench
	{
		name: 'MT-Bench turns not an array',
		fileName: 'question.jsonl',
		format: 'mt-bench-questions',
		data: jl(q(81, ['a']), q(82, 'just text')),
		rows: [[2, 'turns']]
	},
	{
		name: 'MT-Bench turn is a number',
		fileName: 'question.jsonl',
		format: 'mt-bench-questions',
		data: jl(q(81, ['a', 5])),
		rows: [[1, 'turns[1]']]
	},
	{
		name: 'MT-Bench empty turns',
		fileName: 'question.jsonl',
		format: 'mt-bench-questions',
		data: jl(q(81, [])),
		rows: [[1, 'turns']]
	},
	{
		name: 'MT-Bench duplicate question_id',
		fileName: 'question.jsonl',
		format: 'mt-bench-questions',
		data: jl(q(81, ['a']), q(82, ['b']), q(81, ['c'])),
		rows: [
			[3, 'question_id'],
			[3, 'turns']
		]
	},
	{
		name: 'MT-Bench reference count mismatch',
		fileName: 'question.jsonl',
		format: 'mt-bench-questions',
		data: jl(q(81, ['a', 'b', 'c'], { reference: ['r1', 'r2'] })),
		rows: [[1, 'reference']]
	},
	{
		name: 'MT-Bench answers without choices',
		fileName: 'gpt-4.jsonl',
		format: 'mt-bench-answers',
		data: jl({ question_id: 81, model_id: 'm1' }),
		rows: [[1, 'choices']]
	},
	{
		name: 'MT-Bench answers without turns',
		fileName: 'gpt-4.jsonl',
		format: 'mt-bench-answers',
		data: jl(ans(81, [{ index: 0 }])),
		rows: [[1, 'choices[0].turns']]
	},
	{
		name: 'MT-Bench answers to unknown questions',
		fileName: 'gpt-4.jsonl',
		format: 'mt-bench-answers',
		data: jl(ans(81, [{ turns: ['x'] }]), ans(82, [{ turns: ['y'] }])),
		rows: [
			[1, 'question_id'],
			[2, 'question_id']
		]
	},
	// AlpacaEval / LLMBar / Arena
	{
		name: 'AlpacaEval preference out of range',
		fileName: 'annotations.json',
		format: 'alpaca-eval-annotations',
		data: JSON.stringify([pair(), pair({ instruction: 'b', preference: 2.5 })], null, 1),
		rows: [[10, 'preference']]
	},
	{
		name: 'AlpacaEval same generator twice',
		fileName: 'annotations.json',
		format: 'alpaca-eval-annotations',
		data: JSON.stringify([pair({ generator_2: 'a' })]),
		rows: [[1, 'generator_2']]
	},
	{
		name: 'AlpacaEval duplicate instruction pair',
		fileName: 'annotations.json',
		format: 'alpaca-eval-annotations',
		data: JSON.stringify([pair(), pair({ preference: 1.8 })], null, 1),
		rows: [[10, 'instruction']]
	},
	{
		name: 'JSON array never closed',
		fileName: 'outputs.json',
		format: 'alpaca-eval-outputs',
		data: '[{"instruction": "a", "output": "b", "generator": "g"},\n',
		file: /not closed/
	},
	{
		name: 'JSON array trailing comma',
		fileName: 'outputs.json',
		format: 'alpaca-eval-outputs',
		data: '[{"instruction": "a", "output": "b", "generator": "g"},\n]',
		file: /trailing comma/
	},
	{
		name: 'JSON array element is a number',
		fileName: 'outputs.json',
		format: 'alpaca-eval-outputs',
		data: '[\n{"instruction": "a", "output": "b", "generator": "g"},\n42\n]',
		rows: [[3, null]]
	},
	{
		name: 'JSON array element invalid',
		fileName: 'outputs.json',
		format: 'alpaca-eval-outputs',
		data: '[\n{"instruction": "a", "output": "b", "generator": "g"},\n{"instruction": nope}\n]',
		rows: [[3, null]]
	},
	{
		name: 'LLMBar label 3',
		fileName: 'dataset.json',
		format: 'llmbar',
		data: JSON.stringify([{ input: 'i', output_1: 'a', output_2: 'b', label: 3 }]),
		rows: [[1, 'label']]
	},
	{
		name: 'LLMBar unknown winner',
		fileName: 'both.json',
		format: 'llmbar',
		mapping: { judgeName: 'both' },
		data: JSON.stringify([
			{
				input: 'i',
				output_1: 'a',
				output_2: 'b',
				label: 1,
				results: [{ 'swap = False': { winner: 'x' }, 'swap = True': { winner: '1' } }]
			}
		]),
		rows: [[1, 'results[0]["swap = False"].winner']]
	},
	{
		name: 'Arena unknown winner',
		fileName: 'human.jsonl',
		format: 'arena-votes',
		mapping: { voter: 'human' },
		data: jl(vote(1), vote(2, { winner: 'draw' })),
		rows: [[2, 'winner']]
	},
	{
		name: 'Arena model against itself',
		fileName: 'human.jsonl',
		format: 'arena-votes',
		mapping: { voter: 'human' },
		data: jl(vote(1, { model_b: 'a' })),
		rows: [[1, 'model_b']]
	},
	{
		name: 'Arena duplicate battle num',
		fileName: 'human.jsonl',
		format: 'arena-votes',
		mapping: { voter: 'human' },
		data: jl(vote(1), vote(2), vote(1, { question_id: 'other' })),
		rows: [[3, 'num']]
	},
	{
		name: 'Arena missing question_id',
		fileName: 'judge.jsonl',
		format: 'arena-votes',
		mapping: { voter: 'judge', judgeName: 'judge' },
		data: jl(vote(1, { question_id: null })),
		rows: [[1, 'question_id']]
	}
];

async function writtenBy(importId: string, datasetName: string) {
	const n = async (table: 'dataset_item' | 'candidate_answer' | 'judgment' | 'annotation') =>
		Number(
			(
				await h.db
					.selectFrom(table)
					.select((e) => e.fn.countAll().as('n'))
					.where('import_id', '=', importId)
					.executeTakeFirstOrThrow()
			).n
		);
	const datasets = await h.db
		.selectFrom('dataset')
		.select('id')
		.where('project_id', '=', p.projectId)
		.where('name', '=', datasetName)
		.execute();
	return {
		datasets: datasets.length,
		items: await n('dataset_item'),
		answers: await n('candidate_answer'),
		judgments: await n('judgment'),
		annotations: await n('annotation')
	};
}

async function systemCount() {
	return Number(
		(
			await h.db
				.selectFrom('system')
				.select((e) => e.fn.countAll().as('n'))
				.where('project_id', '=', p.projectId)
				.executeTakeFirstOrThrow()
		).n
	);
}

describe('bad files write nothing and name every bad row', () => {
	it('has a corpus of at least 50 files', () => {
		expect(cases.length).toBeGreaterThanOrEqual(50);
	});

	it.each(cases.map((c, i) => [i, c.name, c] as const))('#%i %s', async (i, _name, c) => {
		const systemsBefore = await systemCount();
		const name = `bad-${i}`;
		const result = await h.importFile(
			p,
			{ data: c.data, fileName: c.fileName },
			{ newDatasetName: name, format: c.format, mapping: c.mapping },
			{ limits: LIMITS }
		);
		expect(result.status).toBe('failed');
		expect(await writtenBy(result.id, name)).toEqual({
			datasets: 0,
			items: 0,
			answers: 0,
			judgments: 0,
			annotations: 0
		});
		expect(await systemCount()).toBe(systemsBefore);
		if (c.file) {
			expect(result.errors).toHaveLength(1);
			expect(result.errors[0].reason).toMatch(c.file);
		} else {
			const got = result.errors.map((e) => [e.line, e.field]);
			expect(got).toEqual(c.rows);
			expect(result.errorCount).toBe(c.rows!.length);
		}
		for (const e of result.errors) expect(e.reason.length).toBeGreaterThan(5);
	});
});

describe('limits and caps', () => {
	it('names the field limit and its setting in the error', async () => {
		const r = await h.importFile(
			p,
			{ data: jl(ok(1, { answer: big })), fileName: 'a.jsonl' },
			{ newDatasetName: 'limit-msg', format: 'jsonl', mapping: M },
			{ limits: LIMITS }
		);
		expect(r.errors[0].reason).toMatch(/over the limit of 2000 bytes per field \(CONCORD_IMPORT_MAX_FIELD_BYTES\)/);
	});

	it('lists the first 100 bad rows and counts them all', async () => {
		const rows = Array.from({ length: 150 }, (_, i) => (i % 2 === 0 ? '{broken' : ok(i)));
		const r = await h.importFile(
			p,
			{ data: jl(...rows), fileName: 'a.jsonl' },
			{ newDatasetName: 'many-bad', format: 'jsonl', mapping: M },
			{ limits: LIMITS }
		);
		expect(r.status).toBe('failed');
		expect(r.errorCount).toBe(75);
		expect(r.errors).toHaveLength(75);
		const worse = Array.from({ length: 250 }, () => '{broken');
		const r2 = await h.importFile(
			p,
			{ data: jl(...worse), fileName: 'a.jsonl' },
			{ newDatasetName: 'many-bad-2', format: 'jsonl', mapping: M },
			{ limits: LIMITS }
		);
		expect(r2.errorCount).toBe(250);
		expect(r2.errors).toHaveLength(100);
		expect(r2.errors.map((e) => e.line)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
	});

	it('rejects an invalid mapping when the import is started', async () => {
		const importId = await h.upload(p, { data: jl(ok(1)), fileName: 'a.jsonl' });
		await expect(
			h.caller(p.admin).imports.start({
				projectId: p.projectId,
				importId,
				newDatasetName: 'bad-mapping',
				format: 'jsonl',
				mapping: { prompt: 'prompt', conversation: 'messages' }
			})
		).rejects.toMatchObject({ code: 'BAD_REQUEST' });
	});
});

describe('conflicts with rows already imported', () => {
	it('reports a changed prompt or answer under an existing id and writes nothing', async () => {
		const first = await h.importFile(
			p,
			{ data: jl(ok(1), ok(2), ok(3)), fileName: 'base.jsonl' },
			{ newDatasetName: 'conflicts', format: 'jsonl', mapping: M }
		);
		expect(first.status).toBe('succeeded');
		const datasetId = await h.datasetId(p, 'conflicts');
		const before = await h.db
			.selectFrom('candidate_answer')
			.select(['id', 'content'])
			.where('dataset_id', '=', datasetId)
			.orderBy('id')
			.execute();
		const second = await h.importFile(
			p,
			{
				data: jl(ok(1), ok(2, { prompt: 'Changed prompt' }), ok(3, { answer: 'Changed answer' }), ok(4)),
				fileName: 'changed.jsonl'
			},
			{ datasetId, format: 'jsonl', mapping: M }
		);
		expect(second.status).toBe('failed');
		expect(second.errors.map((e) => [e.line, e.field])).toEqual([
			[2, 'prompt'],
			[3, 'answer']
		]);
		expect(second.errors[0].reason).toMatch(/already exists in this dataset with a different prompt/);
		expect(
			await h.db
				.selectFrom('candidate_answer')
				.select(['id', 'content'])
				.where('dataset_id', '=', datasetId)
				.orderBy('id')
				.execute()
		).toEqual(before);
		expect(await writtenBy(second.id, 'none')).toMatchObject({ items: 0, answers: 0 });
	});
});
