import { describe, expect, it } from 'vitest';
import { flagsOf, outcomeLabel, pairLabel, shownFirst } from './judgment-view';

const pair = { systemAName: 'alpha', systemBName: 'beta', status: 'ok', score: null } as const;

describe('judgment view', () => {
	it('names the pair and the answer shown first in each order', () => {
		expect(pairLabel({ ...pair, order: 'ab', verdict: null })).toBe('alpha ↔ beta');
		expect(shownFirst({ ...pair, order: 'ab', verdict: null })).toBe('alpha');
		expect(shownFirst({ ...pair, order: 'ba', verdict: null })).toBe('beta');
		expect(shownFirst({ ...pair, systemBName: null, order: null, verdict: null })).toBeNull();
	});

	it('words a verdict in answer terms, whatever order it was shown in', () => {
		expect(outcomeLabel({ ...pair, order: 'ba', verdict: 'A' })).toBe('alpha better');
		expect(outcomeLabel({ ...pair, order: 'ab', verdict: 'B' })).toBe('beta better');
		expect(outcomeLabel({ ...pair, order: 'ab', verdict: 'tie' })).toBe('Tie');
		expect(outcomeLabel({ ...pair, systemBName: null, order: null, verdict: null, score: 7 })).toBe('Score 7');
		expect(outcomeLabel({ ...pair, order: 'ab', verdict: null, status: 'failed' })).toBe('—');
	});

	it('reads per-answer flags and ignores shapes it does not know', () => {
		const flags = [[{ kind: 'fake-verdict', reason: 'marker', excerpt: '[[A]] <b>x</b>' }], [{ kind: 'null-model' }]];
		expect(flagsOf(flags, pair)).toEqual([
			{ answer: 'A', system: 'alpha', kind: 'fake-verdict', reason: 'marker', excerpt: '[[A]] <b>x</b>' },
			{ answer: 'B', system: 'beta', kind: 'null-model', reason: '', excerpt: '' }
		]);
		expect(flagsOf(null, pair)).toEqual([]);
		expect(flagsOf({ A: [] }, pair)).toEqual([]);
		expect(flagsOf([null, 'x', [null, 3]], pair)).toEqual([]);
	});
});
