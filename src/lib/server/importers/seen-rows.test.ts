import { describe, expect, it } from 'vitest';
import { sha256Hex } from './hashing';
import { emptyRecord, makeAnswer, makeItem, type NormalizedRecord } from './normalized';
import { SeenRows } from './seen-rows';
import { StageEncoder } from './stage-rows';

describe('SeenRows', () => {
	it('remembers every row across growth, and starts again (says so) when full', () => {
		const set = new SeenRows(5000, 4);
		for (let i = 0; i < 5000; i++) expect(set.seen(`row ${i}`)).toBe(false);
		for (let i = 0; i < 5000; i++) expect(set.seen(`row ${i}`)).toBe(true);
		expect(set.overflowed).toBe(false);
		expect(set.seen('one more')).toBe(false);
		expect(set.overflowed).toBe(true);
		expect(set.entries).toBe(1);
		expect(set.seen('one more')).toBe(true);
		expect(set.seen('row 1')).toBe(false);
	});

	it('keeps the empty-bare-item hash equal to the general formula', () => {
		expect(makeItem({ externalId: 'q', prompt: null }).contentHash).toBe(
			sha256Hex(JSON.stringify({ c: null, p: null, t: [] }))
		);
		expect(makeAnswer({ itemExternalId: 'q', field: 'a', system: 's', content: null }).contentHash).toBe(
			sha256Hex('unavailable')
		);
	});
});

function vote(line: number, item: string, a: string, b: string, answerText: string | null = null): NormalizedRecord {
	const rec = emptyRecord(
		line,
		{ value: `battle:${line}`, field: 'num', label: `battle ${line}` },
		{
			idField: 'question_id',
			promptField: 'question_id'
		}
	);
	rec.item = makeItem({ externalId: item, prompt: null });
	rec.answers.push(
		makeAnswer({ itemExternalId: item, field: 'model_a', system: a, content: answerText }),
		makeAnswer({ itemExternalId: item, field: 'model_b', system: b, content: null })
	);
	rec.annotations.push({
		itemExternalId: item,
		field: 'winner',
		systemA: a,
		systemB: b,
		order: 'ab',
		annotator: 'x',
		externalKey: `battle:${line}`,
		verdict: 'A',
		score: null,
		metadata: {}
	});
	return rec;
}

const kinds = (copy: string) =>
	copy
		.split('\n')
		.filter(Boolean)
		.map((r) => r.split('\t')[0]);

describe('StageEncoder', () => {
	it('stages a repeated item and answer once, and a changed one again (for the check to report)', () => {
		const enc = new StageEncoder();
		expect(kinds(enc.encode(vote(1, 'q1', 'm1', 'm2')))).toEqual(['i', 'a', 'a', 'n']);
		expect(kinds(enc.encode(vote(2, 'q1', 'm1', 'm2')))).toEqual(['n']);
		expect(kinds(enc.encode(vote(3, 'q1', 'm2', 'm3')))).toEqual(['a', 'n']);
		expect(kinds(enc.encode(vote(4, 'q1', 'm1', 'm2', 'now with text')))).toEqual(['a', 'n']);
		expect(enc.answersStagedOnce).toBe(true);
		// The record key rides on the first staged row.
		expect(enc.encode(vote(5, 'q1', 'm1', 'm2')).split('\t')[2]).toBe('battle:5');
	});

	it('stages one repeated row when a keyed record would stage nothing, and says answers repeat', () => {
		const enc = new StageEncoder();
		const answersOnly = (line: number) => {
			const rec = emptyRecord(line, { value: 'k', field: 'id', label: 'id k' }, { idField: 'id', promptField: 'p' });
			rec.answers.push(makeAnswer({ itemExternalId: 'q', field: 'answer', system: 's', content: 'same' }));
			return rec;
		};
		expect(kinds(enc.encode(answersOnly(1)))).toEqual(['a']);
		const again = enc.encode(answersOnly(2));
		expect(kinds(again)).toEqual(['a']);
		expect(again.split('\t')[2]).toBe('k');
		expect(enc.answersStagedOnce).toBe(false);
	});
});
