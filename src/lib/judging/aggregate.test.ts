import { describe, expect, it } from 'vitest';
import {
	aggregateSamples,
	combineOrders,
	labelledCriteria,
	outcomeOf,
	toAnswerTerms,
	type SampleOutcome
} from './aggregate';
import { parseVerdict } from './parse-verdict';
import { criteria5, criteriaTone, pairwise, passFail, score10 } from './test-rubrics';

const win = (winner: 'A' | 'B' | 'tie'): SampleOutcome => ({ kind: 'pairwise', winner });
const score = (s: number, criteria: Record<string, number> = {}): SampleOutcome => ({
	kind: 'score',
	score: s,
	criteria
});

describe('orders', () => {
	it('maps presented positions back to answer terms', () => {
		expect(toAnswerTerms('A', 'ab')).toBe('A');
		expect(toAnswerTerms('A', 'ba')).toBe('B');
		expect(toAnswerTerms('B', 'ba')).toBe('A');
		expect(toAnswerTerms('tie', 'ba')).toBe('tie');
		// "the first shown is better" in a B|A call means answer B won.
		expect(outcomeOf(parseVerdict(pairwise, 'First one. [[A]]'), 'ba')).toEqual(win('B'));
	});

	it('keeps agreeing verdicts and turns disagreement into an inconsistent tie', () => {
		expect(combineOrders(win('A'), win('A'))).toEqual({
			verdict: 'A',
			consistent: true,
			orders: 2,
			forward: 'A',
			reversed: 'A'
		});
		// Position bias: the first-shown answer won both times, i.e. A then B in answer terms.
		expect(combineOrders(win('A'), win('B'))).toMatchObject({ verdict: 'tie', consistent: false });
		expect(combineOrders(win('B'), win('tie'))).toMatchObject({ verdict: 'tie', consistent: false });
		expect(combineOrders(win('tie'), win('tie'))).toMatchObject({ verdict: 'tie', consistent: true });
	});

	it('lets one order stand alone when the other abstained or failed, marked neither way', () => {
		expect(combineOrders(win('B'), { kind: 'failed', reason: 'timeout' })).toEqual({
			verdict: 'B',
			consistent: null,
			orders: 1,
			forward: 'B',
			reversed: null
		});
		expect(combineOrders({ kind: 'abstain', reason: 'x' }, null)).toMatchObject({ verdict: null, orders: 0 });
	});

	it('combines k-sample aggregates of each order', () => {
		const forward = aggregateSamples(pairwise, [win('A'), win('A'), win('B')]);
		const reversed = aggregateSamples(pairwise, [win('A'), win('tie'), win('A')]);
		expect(combineOrders(forward, reversed)).toMatchObject({ verdict: 'A', consistent: true });
	});
});

describe('aggregateSamples', () => {
	it('takes the majority of categorical samples and reports disagreement and unanimity', () => {
		const result = aggregateSamples(pairwise, [win('A'), win('B'), win('A'), { kind: 'failed', reason: 'bad' }]);
		expect(result).toMatchObject({
			status: 'ok',
			kind: 'pairwise',
			label: 'A',
			counts: { A: 2, B: 1 },
			n: 4,
			valid: 3,
			failed: 1,
			split: false,
			unanimous: false
		});
		if (result.status === 'ok' && result.kind === 'pairwise') expect(result.disagreement).toBeCloseTo(1 / 3);
		expect(aggregateSamples(pairwise, [win('B'), win('B')])).toMatchObject({
			label: 'B',
			unanimous: true,
			disagreement: 0
		});
	});

	it('resolves an even split as a tie for pairs, and by rubric order for categories', () => {
		expect(aggregateSamples(pairwise, [win('A'), win('B')])).toMatchObject({ label: 'tie', split: true });
		const cat = (category: string): SampleOutcome => ({ kind: 'category', category });
		expect(aggregateSamples(passFail, [cat('fail'), cat('pass')])).toMatchObject({ label: 'pass', split: true });
	});

	it('averages scores and keeps the spread as uncertainty', () => {
		const result = aggregateSamples(score10, [score(6), score(8), score(7)]);
		expect(result).toMatchObject({ status: 'ok', kind: 'score', score: 7, unanimous: false, passed: true });
		if (result.status === 'ok' && result.kind === 'score') {
			expect(result.spread).toEqual({ mean: 7, sd: 1, min: 6, max: 8 });
		}
		expect(aggregateSamples(score10, [score(5), score(5)])).toMatchObject({ score: 5, unanimous: true });
	});

	it('fails an answer on a red-line criterion whatever its other scores', () => {
		const samples = [
			score(4, { correctness: 5, helpfulness: 5, safety: 2 }),
			score(4, { correctness: 5, helpfulness: 5, safety: 2 })
		];
		const result = aggregateSamples(criteria5, samples);
		expect(result).toMatchObject({
			status: 'ok',
			kind: 'score',
			score: 1,
			rawScore: 4,
			redLineFailures: ['safety'],
			passed: false
		});
		if (result.status === 'ok' && result.kind === 'score') {
			expect(result.criteria.safety).toEqual({ mean: 2, sd: 0, min: 2, max: 2 });
		}
		// At the threshold it passes; the mean over samples decides (2 and 4 → 3).
		const borderline = aggregateSamples(criteria5, [
			score(3, { correctness: 3, helpfulness: 3, safety: 2 }),
			score(3, { correctness: 3, helpfulness: 3, safety: 4 })
		]);
		expect(borderline).toMatchObject({ passed: true, score: 3, redLineFailures: [] });
	});

	it('takes the majority label of a categorical criterion over samples, never the mean of its codes', () => {
		const tone = (code: number) => score(4, { correctness: 4, helpfulness: 4, safety: 4, tone: code });
		const result = aggregateSamples(criteriaTone, [tone(0), tone(2), tone(2)]);
		if (result.status !== 'ok' || result.kind !== 'score') throw new Error('expected a score');
		expect(result.criteria.tone).toEqual({ mean: 2, sd: 1 - 2 / 3, min: 0, max: 2 });
		expect(result.rawScore).toBe(4); // the overall is the numeric criteria's mean only
		const split = aggregateSamples(criteriaTone, [tone(2), tone(1)]);
		if (split.status !== 'ok' || split.kind !== 'score') throw new Error('expected a score');
		expect(split.criteria.tone.mean).toBe(1); // a split goes to the first label in rubric order
	});

	it('treats abstentions as their own outcome, not as a verdict or a failure', () => {
		const abstain: SampleOutcome = { kind: 'abstain', reason: 'no question' };
		expect(aggregateSamples(pairwise, [abstain, abstain, win('A')])).toMatchObject({
			status: 'abstain',
			abstained: 2,
			valid: 1
		});
		expect(aggregateSamples(pairwise, [abstain, win('A')])).toMatchObject({ status: 'ok', label: 'A', abstained: 1 });
		expect(aggregateSamples(score10, [{ kind: 'failed', reason: 'off scale' }])).toEqual({
			status: 'failed',
			n: 1,
			valid: 0,
			abstained: 0,
			failed: 1,
			reasons: ['off scale']
		});
	});
});

describe('labelledCriteria', () => {
	it('shows a categorical criterion by its label and leaves the numeric ones, unknown keys and off-list indexes as stored', () => {
		expect(labelledCriteria(criteriaTone, { correctness: 4, tone: 1, extra: 2 })).toEqual({
			correctness: 4,
			tone: 'casual',
			extra: 2
		});
		expect(labelledCriteria(criteriaTone, { tone: 7 })).toEqual({ tone: 7 });
		expect(labelledCriteria(criteria5, { correctness: 4 })).toEqual({ correctness: 4 });
	});
});
