import { describe, expect, it } from 'vitest';
import { positionBias, swapVerdict, type BothOrderVerdict } from './position-bias';
import { wilsonInterval } from './wilson';

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
		// (A, tie) and (tie, B) both picked the first-shown answer once and tied once.
		expect(r.leaningFirst).toBe(2 / 10);
		expect(r.leaningSecond).toBe(0);
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

	it('MT-Bench Table 2: a tie in one order and a decisive verdict in the other gets a direction', () => {
		// The measured gap: strict flips alone leave (A, tie) etc. without a direction, so
		// consistency + favoursFirst + favoursSecond fell short of 1.
		const rows = [
			row('A', 'A'),
			row('tie', 'tie'),
			row('A', 'B'), // strict first
			row('A', 'tie'), // first-shown (A, forward), then tie
			row('tie', 'B'), // tie, then first-shown (B, reversed)
			row('B', 'A'), // strict second
			row('B', 'tie'), // second-shown (B, forward), then tie
			row('tie', 'A'), // tie, then second-shown (A, reversed)
			row('B', 'tie'),
			row(null, 'A'), // error: no usable verdict
			row('A', null)
		];
		const r = positionBias(rows, { resamples: 50 });
		expect(r.consistency.estimate + r.favoursFirst + r.favoursSecond).toBeCloseTo(4 / 9, 15);
		expect(r.leaningFirst).toBe(2 / 9);
		expect(r.leaningSecond).toBe(3 / 9);
		expect(r.consistency.estimate + r.favoursFirst + r.leaningFirst + r.favoursSecond + r.leaningSecond).toBeCloseTo(
			1,
			15
		);
		const b = r.breakdown;
		expect(b.rows).toBe(11);
		expect([b.consistent.count, b.biasedFirst.count, b.biasedSecond.count, b.error.count]).toEqual([2, 3, 4, 2]);
		expect(b.consistent.share + b.biasedFirst.share + b.biasedSecond.share + b.error.share).toBeCloseTo(1, 15);
		for (const s of [b.consistent, b.biasedFirst, b.biasedSecond, b.error]) {
			expect(s.method).toBe('wilson');
			expect(s.share).toBe(s.count / 11);
			expect(s.ci).toEqual(wilsonInterval(s.count, 11, 0.95));
			expect(s.ci[0]).toBeLessThan(s.share);
			expect(s.ci[1]).toBeGreaterThan(s.share);
		}
	});

	it('breakdown intervals: Wilson for independent rows, cluster bootstrap over items otherwise', () => {
		// MT-Bench reports GPT-4 at 65% consistent, 30% biased toward first, 5% toward second.
		const rows = [
			...Array.from({ length: 13 }, () => row('A', 'A')),
			...Array.from({ length: 4 }, () => row('A', 'B')),
			...Array.from({ length: 2 }, () => row('tie', 'B')),
			row('B', 'tie')
		];
		const r = positionBias(rows, { resamples: 50 });
		expect(r.breakdown.consistent.share).toBe(0.65);
		expect(r.breakdown.biasedFirst.share).toBe(0.3);
		expect(r.breakdown.biasedSecond.share).toBe(0.05);
		expect(r.breakdown.error).toMatchObject({ count: 0, share: 0 });
		// Wilson keeps a non-zero width where a percentile interval would be [0, 0].
		expect(r.breakdown.error.ci[0]).toBe(0);
		expect(r.breakdown.error.ci[1]).toBeGreaterThan(0.1);
		const clustered = positionBias(
			rows.map((v, i) => ({ ...v, item: `q${i % 5}` })),
			{ resamples: 300, seed: 4 }
		);
		for (const s of Object.values(clustered.breakdown).filter((v) => typeof v === 'object')) {
			expect(s.method).toBe('bootstrap');
			expect(s.ci[0]).toBeLessThanOrEqual(s.share);
			expect(s.ci[1]).toBeGreaterThanOrEqual(s.share);
		}
		expect(clustered.breakdown.consistent.share).toBe(0.65);
	});

	it('wilsonInterval matches the closed form (Brown, Cai & DasGupta 2001) and validates', () => {
		// Values of the formula evaluated independently in double precision.
		expect(wilsonInterval(0, 10)[1]).toBeCloseTo(0.2775327998628892, 12);
		const [lo, hi] = wilsonInterval(5, 10);
		expect(lo).toBeCloseTo(0.236593090512564, 12);
		expect(hi).toBeCloseTo(0.7634069094874361, 12);
		expect(wilsonInterval(3, 20)).toEqual([
			expect.closeTo(0.052368745896216595, 12),
			expect.closeTo(0.36041886474075696, 12)
		]);
		expect(wilsonInterval(10, 10)).toEqual([expect.closeTo(1 - 0.2775327998628892, 12), 1]);
		expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
		expect(() => wilsonInterval(1, 0)).toThrow(RangeError);
		expect(() => wilsonInterval(1, 2, 1.5)).toThrow(RangeError);
	});

	it('validates its input', () => {
		expect(() => positionBias([row(null, 'A')])).toThrow(/no item/);
		expect(() => positionBias([{ forward: 'a' as 'A', reversed: 'A' }])).toThrow(TypeError);
		expect(() => positionBias('x' as unknown as BothOrderVerdict[])).toThrow(TypeError);
		expect(() => positionBias([row('A', 'A', 'x'), row('A', 'B')])).toThrow(/every row or on none/);
		expect(() => positionBias([row('A', 'A')], { level: 95 })).toThrow(RangeError);
	});
});
