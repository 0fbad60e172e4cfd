import { describe, expect, it } from 'vitest';
import { positionBias, swapVerdict, type BothOrderVerdict } from './position-bias';

const row = (
	forward: BothOrderVerdict['forward'],
	reversed: BothOrderVerdict['reversed'],
	item?: string
): BothOrderVerdict => (item === undefined ? { forward, reversed } : { forward, reversed, item });

describe('positionBias', () => {
	// 10 items: 5 consistent (A/A ×3, B/B, tie/tie), 2 picked the first-shown answer twice
	// (A then B), 1 the second-shown twice (B then A), 2 with one tie.
	const verdicts = [
		row('A', 'A'),
		row('A', 'A'),
		row('A', 'A'),
		row('B', 'B'),
		row('tie', 'tie'),
		row('A', 'B'),
		row('A', 'B'),
		row('B', 'A'),
		row('A', 'tie'),
		row('tie', 'B'),
		row(null, 'A')
	];

	it('computes consistency, first-position preference and flip rate by their definitions', () => {
		const r = positionBias(verdicts, { resamples: 200, seed: 3 });
		expect(r.n).toBe(10);
		expect(r.skipped).toBe(1);
		expect(r.consistency.estimate).toBe(5 / 10);
		expect(r.flipRate.estimate).toBe(3 / 10);
		expect(r.favoursFirst).toBe(2 / 10);
		expect(r.favoursSecond).toBe(1 / 10);
		expect(r.partial).toBe(2 / 10);
		// Decisive verdicts: 20 − 2 (tie/tie) − 2 (one tie each) = 16. First-shown picks:
		// forward 'A' (3 + 2 + 1 = 6) + reversed 'B' (1 + 2 + 1 = 4) = 10.
		expect(r.firstPosition!.estimate).toBe(10 / 16);
		for (const s of [r.consistency, r.flipRate, r.firstPosition!]) {
			expect(s.ci[0]).toBeLessThanOrEqual(s.estimate);
			expect(s.ci[1]).toBeGreaterThanOrEqual(s.estimate);
			expect(s.resamples).toBe(200);
		}
		expect(positionBias(verdicts, { resamples: 200, seed: 3 })).toEqual(r);
	});

	it('a judge that always picks the first-shown answer has consistency 0 and preference 1', () => {
		const r = positionBias([row('A', 'B'), row('A', 'B'), row('A', 'B')], { resamples: 50 });
		expect(r.consistency.estimate).toBe(0);
		expect(r.firstPosition!.estimate).toBe(1);
		expect(r.firstPosition!.ci).toEqual([1, 1]);
		expect(r.flipRate.estimate).toBe(1);
	});

	it('converts verdicts stated in shown positions with swapVerdict', () => {
		// Judge said "the first one shown" in both runs: original labels A then B.
		expect(swapVerdict('A')).toBe('B');
		expect(swapVerdict('B')).toBe('A');
		expect(swapVerdict('tie')).toBe('tie');
		expect(swapVerdict(null)).toBeNull();
		const r = positionBias([{ forward: 'A', reversed: swapVerdict('A') }, row('A', 'A')], { resamples: 20 });
		expect(r.favoursFirst).toBe(0.5);
	});

	it('returns null first-position preference when no verdict is decisive, and clusters by item', () => {
		const r = positionBias([row('tie', 'tie'), row('tie', 'tie')], { resamples: 20 });
		expect(r.firstPosition).toBeNull();
		expect(r.consistency.estimate).toBe(1);
		const clustered = positionBias(
			verdicts.slice(0, 10).map((v, i) => ({ ...v, item: `p${i % 4}` })),
			{ resamples: 100 }
		);
		expect(clustered.consistency.estimate).toBe(0.5);
	});

	it('validates its input', () => {
		expect(() => positionBias([row(null, 'A')])).toThrow(/no item/);
		expect(() => positionBias([{ forward: 'a' as 'A', reversed: 'A' }])).toThrow(TypeError);
		expect(() => positionBias('x' as unknown as BothOrderVerdict[])).toThrow(TypeError);
		expect(() => positionBias([row('A', 'A', 'x'), row('A', 'B')])).toThrow(/every row or on none/);
		expect(() => positionBias([row('A', 'A')], { level: 95 })).toThrow(RangeError);
	});
});
