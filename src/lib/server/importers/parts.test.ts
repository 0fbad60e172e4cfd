import { describe, expect, it } from 'vitest';
import { copyText, copyTextArray } from '../db/bulk/copy-from';
import { detectFormats } from './formats/index';
import { suggestGenericMapping } from './formats/generic';
import { canonicalJson } from './hashing';
import { makeAnswer, makeItem } from './normalized';
import { measureText } from './text-metrics';
import { splitJsonArray } from './json-array';
import { chunked } from './test-support';

describe('text metrics', () => {
	it('counts code points and estimates tokens (CJK one each, others one per four)', () => {
		expect(measureText('')).toEqual({ charCount: 0, approxTokens: 0 });
		expect(measureText('hello world!')).toEqual({ charCount: 12, approxTokens: 3 });
		expect(measureText('数学很难')).toEqual({ charCount: 4, approxTokens: 4 });
		expect(measureText('😀😀')).toEqual({ charCount: 2, approxTokens: 1 });
		expect(measureText('カタカナ and 한국어')).toEqual({ charCount: 12, approxTokens: 4 + 3 + 2 });
	});
});

describe('content hashes', () => {
	it('ignore key order and metadata, and tell text from per-turn answers', () => {
		expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
		const a = makeItem({ externalId: '1', prompt: 'p', category: 'c', tags: ['x'], metadata: { k: 1 } });
		const b = makeItem({ externalId: '1', prompt: 'p', category: 'c', tags: ['x'], metadata: { k: 2 } });
		expect(a.contentHash).toBe(b.contentHash);
		expect(makeItem({ externalId: '1', prompt: 'p', category: 'd', tags: ['x'] }).contentHash).not.toBe(a.contentHash);
		const one = makeAnswer({ itemExternalId: '1', field: 'a', system: 's', content: ['x'] });
		const text = makeAnswer({ itemExternalId: '1', field: 'a', system: 's', content: 'x' });
		expect(one).toMatchObject({ content: 'x', turns: null, perTurn: true });
		expect(one.contentHash).toBe(text.contentHash);
		expect(makeAnswer({ itemExternalId: '1', field: 'a', system: 's', content: ['x', 'y'] }).contentHash).not.toBe(
			text.contentHash
		);
		expect(makeAnswer({ itemExternalId: '1', field: 'a', system: 's', content: null })).toMatchObject({
			available: false,
			charCount: 0
		});
	});
});

describe('COPY text escaping', () => {
	it('escapes backslash, tab, newline, CR and marks NULL', () => {
		expect(copyText(null)).toBe('\\N');
		expect(copyText('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
		expect(copyText('\\N')).toBe('\\\\N');
		expect(copyTextArray(['a', 'b"c', 'd\\e', 'x,y'])).toBe('{"a","b\\\\"c","d\\\\\\\\e","x,y"}');
	});
});

describe('format detection', () => {
	const top = (fields: string[], name: string, c: 'jsonl' | 'json' | 'csv' = 'jsonl') =>
		detectFormats(fields, name, c)[0]?.id;
	it('recognises the public formats by their fields and file names', () => {
		expect(top(['question_id', 'category', 'turns'], 'question.jsonl')).toBe('mt-bench-questions');
		expect(top(['question_id', 'model_id', 'choices', 'answer_id'], 'model_answer/gpt-4.jsonl')).toBe(
			'mt-bench-answers'
		);
		expect(top(['question_id', 'model_id', 'choices'], 'reference_answer/gpt-4.jsonl')).toBe('mt-bench-reference');
		expect(top(['instruction', 'output', 'generator'], 'outputs.json', 'json')).toBe('alpaca-eval-outputs');
		expect(top(['instruction', 'output_1', 'output_2', 'preference'], 'a.json', 'json')).toBe(
			'alpaca-eval-annotations'
		);
		expect(top(['input', 'output_1', 'output_2', 'label'], 'dataset.json', 'json')).toBe('llmbar');
		expect(top(['num', 'question_id', 'model_a', 'model_b', 'winner'], 'human.jsonl')).toBe('arena-votes');
		expect(top(['foo', 'bar'], 'x.jsonl')).toBe('jsonl');
		expect(top(['foo', 'bar'], 'x.csv', 'csv')).toBe('csv');
	});

	it('suggests a generic mapping from common column names', () => {
		expect(suggestGenericMapping(['ID', 'messages', 'gold', 'model', 'response', 'extra'])).toEqual({
			externalId: 'ID',
			conversation: 'messages',
			reference: 'gold',
			system: 'model',
			answer: 'response',
			itemMetadata: ['extra'],
			answerMetadata: []
		});
	});
});

describe('JSON array splitter', () => {
	async function split(text: string, chunk = 3, max = 1000) {
		const out: { no: number; text?: string; reason?: string }[] = [];
		for await (const batch of splitJsonArray(chunked(Buffer.from(text), chunk) as AsyncIterable<Buffer>, max)) {
			for (const e of batch) out.push(e.error ? { no: e.no, reason: e.error.reason } : { no: e.no, text: e.text });
		}
		return out;
	}
	it('splits nested values, strings with brackets and escaped quotes, keeping start lines', async () => {
		expect(await split('[ {"a": "]\\"}"},\n [1, [2]], "s,t" ,\n\n3 ]\n')).toEqual([
			{ no: 1, text: '{"a": "]\\"}"}' },
			{ no: 2, text: '[1, [2]]' },
			{ no: 2, text: '"s,t" ' },
			{ no: 4, text: '3 ' }
		]);
		expect(await split('[]')).toEqual([]);
	});
	it('skips an oversized element without buffering it and goes on', async () => {
		const r = await split(`[{"a": "${'x'.repeat(5000)}"},\n{"b": 1}]`, 100, 1000);
		expect(r[0]).toMatchObject({ no: 1, reason: expect.stringMatching(/larger than/) });
		expect(r[1]).toEqual({ no: 2, text: '{"b": 1}' });
	});
	it('refuses what is not an array, or not closed', async () => {
		await expect(split('{"a": 1}')).rejects.toThrow(/Expected a JSON array/);
		await expect(split('[1, 2')).rejects.toThrow(/not closed/);
		await expect(split('[1] x')).rejects.toThrow(/after the end/);
	});
});
