import { describe, expect, it } from 'vitest';
import { sha256Hex } from './hashing';
import { emptyRecord, makeAnswer, makeItem, type NormalizedRecord } from './normalized';
import { SeenRows } from './seen-rows';
import { recordHash, StageEncoder } from './stage-rows';

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

	it('says whether a record key or a vote identity was staged twice, so the checks can skip looking', () => {
		const enc = new StageEncoder();
		enc.encode(vote(1, 'q1', 'm1', 'm2'));
		enc.encode(vote(2, 'q1', 'm1', 'm2'));
		expect([enc.keysRepeated, enc.votesRepeated]).toEqual([false, false]);
		// The same battle key again (whatever its line): the duplicate checks must run.
		const again = vote(3, 'q1', 'm1', 'm2');
		again.key = { value: 'battle:1', field: 'num', label: 'battle 1' };
		enc.encode(again);
		expect([enc.keysRepeated, enc.votesRepeated]).toEqual([true, false]);

		// A label with the same item, answers, annotator and key under another record key.
		const labels = new StageEncoder();
		labels.encode(vote(1, 'q1', 'm1', 'm2'));
		const label = vote(2, 'q1', 'm1', 'm2');
		label.annotations[0].externalKey = 'battle:1';
		labels.encode(label);
		expect([labels.keysRepeated, labels.votesRepeated]).toEqual([false, true]);

		// Two verdicts of one judge on the same answers and order (samples to number).
		const verdicts = new StageEncoder();
		for (const line of [1, 2]) {
			const rec = vote(line, 'q1', 'm1', 'm2');
			rec.annotations = [];
			rec.judgments.push({
				itemExternalId: 'q1',
				field: 'winner',
				run: { name: 'judge', model: null, mode: 'pairwise' },
				systemA: 'm1',
				systemB: 'm2',
				order: 'ab',
				sample: null,
				verdict: 'A',
				score: null,
				preference: null,
				raw: null
			});
			verdicts.encode(rec);
		}
		expect([verdicts.keysRepeated, verdicts.votesRepeated]).toEqual([false, true]);
	});

	it('does not change the staged text: the record hash ignores the line and leaves the record as it was', () => {
		const rec = vote(7, 'q1', 'm1', 'm2');
		const other = vote(8, 'q1', 'm1', 'm2');
		other.key = rec.key;
		other.annotations[0].externalKey = rec.annotations[0].externalKey;
		expect(recordHash(rec)).toBe(recordHash(other));
		expect(rec.line).toBe(7);
		expect(recordHash(rec)).toBe(sha256Hex(JSON.stringify({ ...rec, line: 0 })));
	});
});
