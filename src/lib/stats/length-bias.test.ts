import { describe, expect, it } from 'vitest';
import { lengthBias } from './length-bias';
import { alpacaPreferenceToWin, lengthControlledWinRate, type LengthControlledItem } from './length-controlled';
import { spearman } from './correlation';
import { resampleSpearman } from './resample-spearman';
import { createRng } from './rng';

describe('lengthBias', () => {
	it('P(prefers longer) over decisive pairs with different lengths, soft preferences as expectations', () => {
		const r = lengthBias({
			pairs: [
				{ lengthA: 10, lengthB: 20, verdict: 'B' }, // longer wins → 1
				{ lengthA: 30, lengthB: 20, verdict: 'A' }, // longer wins → 1
				{ lengthA: 30, lengthB: 20, verdict: 'B' }, // shorter wins → 0
				{ lengthA: 5, lengthB: 50, verdict: 0.8 }, // B longer, P(B) = 0.8 → 0.8
				{ lengthA: 50, lengthB: 5, verdict: 0.8 }, // A longer → 0.2
				{ lengthA: 10, lengthB: 20, verdict: 'tie' }, // a hard tie counts as 0.5
				{ lengthA: 20, lengthB: 10, verdict: 0.5 }, // … exactly like a soft 0.5
				{ lengthA: 10, lengthB: 10, verdict: 'A' }, // equal lengths
				{ lengthA: 10, lengthB: 20, verdict: null }
			],
			resamples: 200
		});
		expect(r.prefersLonger!.n).toBe(7);
		expect(r.prefersLonger!.estimate).toBeCloseTo(4 / 7, 15);
		expect(r.prefersLonger!.ci[0]).toBeLessThanOrEqual(4 / 7);
		// The measured inconsistency: a hard tie was dropped while a soft 0.5 counted as half.
		const hard = lengthBias({
			pairs: [
				{ lengthA: 1, lengthB: 2, verdict: 'B' },
				{ lengthA: 1, lengthB: 2, verdict: 'tie' }
			],
			resamples: 20
		});
		const soft = lengthBias({
			pairs: [
				{ lengthA: 1, lengthB: 2, verdict: 'B' },
				{ lengthA: 1, lengthB: 2, verdict: 0.5 }
			],
			resamples: 20
		});
		expect(hard.prefersLonger).toEqual(soft.prefersLonger);
		expect(hard.prefersLonger!.estimate).toBe(0.75);
		expect(r.scoreCorrelation).toBeNull();
	});

	it('length–score Spearman correlation with a bootstrap CI', () => {
		const lengths = [100, 300, 200, 50, 400, 250, 80, 500, 150, 350];
		const values = [2, 4, 3, 1, 3, 5, 2, 4, 1, 3];
		const scores = [
			...lengths.map((length, i) => ({ length, score: values[i] as number | null })),
			{ length: 120, score: null }
		];
		const r = lengthBias({ scores, resamples: 300, seed: 9 });
		// scipy 1.10 spearmanr(lengths, values).correlation
		expect(r.scoreCorrelation!.estimate).toBeCloseTo(0.7308217967859612, 12);
		expect(r.scoreCorrelation!.n).toBe(10);
		expect(r.scoreCorrelation!.ci[0]).toBeLessThan(0.7308217967859612);
		expect(r.prefersLonger).toBeNull();
	});

	it('validates its input', () => {
		expect(() => lengthBias({})).toThrow(TypeError);
		expect(() => lengthBias({ pairs: [{ lengthA: -1, lengthB: 2, verdict: 'A' }] })).toThrow(RangeError);
		expect(() => lengthBias({ pairs: [{ lengthA: 1, lengthB: 2, verdict: 1.5 }] })).toThrow(RangeError);
		expect(() => lengthBias({ pairs: [{ lengthA: 1, lengthB: 2, verdict: 'x' as 'A' }] })).toThrow(TypeError);
		expect(() => lengthBias({ pairs: [{ lengthA: 1, lengthB: 1, verdict: 'A' }] })).toThrow(
			/no pair with different lengths/
		);
		expect(() => lengthBias({ scores: [{ length: 1, score: 2 }] })).toThrow(RangeError);
	});
});

describe('resampleSpearman (O(n) bootstrap Spearman)', () => {
	it('equals spearman() on the expanded resample, ties and duplicates included', () => {
		const rng = createRng(13);
		for (let rep = 0; rep < 200; rep++) {
			const n = 3 + Math.floor(rng() * 40);
			const x = Float64Array.from({ length: n }, () => Math.floor(rng() * 8));
			const y = Float64Array.from({ length: n }, (_, i) => x[i] + Math.floor(rng() * 6));
			const stat = resampleSpearman(x, y);
			const idx = Int32Array.from({ length: n }, () => Math.floor(rng() * n));
			const ex = Array.from(idx, (i) => x[i]);
			const ey = Array.from(idx, (i) => y[i]);
			let expected: number | null = null;
			try {
				expected = spearman(ex, ey);
			} catch {
				expect(() => stat(idx, n)).toThrow(RangeError);
				continue;
			}
			expect(stat(idx, n)).toBeCloseTo(expected, 12);
		}
	});
});

describe('lengthControlledWinRate', () => {
	it('symmetric two-valued length difference: closed-form saturated fit', () => {
		// Differences ±300 → tanh(±300/s) = ±t: two groups, so the 2-parameter model is
		// saturated: σ(β₀ ± β₁t) = group mean ⇒ β₀ = (logit m₊ + logit m₋)/2.
		// Each pattern ×6 so that no bootstrap resample is all wins or all losses in a group.
		const times6 = (a: number[]) => [...a, ...a, ...a, ...a, ...a, ...a];
		const longer = times6([1, 1, 0.9, 0, 1, 0.6]); // model 300 chars longer: mean 0.75
		const shorter = times6([0, 0.5, 1, 0, 0]); // model 300 chars shorter: mean 0.3
		const items: LengthControlledItem[] = [
			...longer.map((win) => ({ win, modelLength: 800, baselineLength: 500 })),
			...shorter.map((win) => ({ win, modelLength: 200, baselineLength: 500 })),
			{ win: null, modelLength: 1, baselineLength: 2 }
		];
		const r = lengthControlledWinRate(items, { resamples: 200, seed: 2 });
		const logit = (p: number) => Math.log(p / (1 - p));
		const diffs = [...longer.map(() => 300), ...shorter.map(() => -300)];
		const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
		const s = Math.sqrt(diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / (diffs.length - 1));
		const t = Math.tanh(300 / s);
		const b0 = (logit(0.75) + logit(0.3)) / 2;
		expect(r.scale).toBeCloseTo(s, 12);
		const [sys] = r.systems;
		expect(r.systems).toHaveLength(1);
		expect(r.difficulty).toBe(false);
		expect(sys.intercept).toBeCloseTo(b0, 9);
		expect(r.slope.estimate).toBeCloseTo((logit(0.75) - logit(0.3)) / (2 * t), 9);
		expect(sys.winRate!).toBeCloseTo(1 / (1 + Math.exp(-b0)), 10);
		expect(sys.rawWinRate).toBeCloseTo((4.5 + 1.5) / 11, 14);
		expect(r.n).toBe(66);
		expect(sys.longerShare).toBeCloseTo(36 / 66, 15);
		expect(sys.flag).toBeNull();
		expect(sys.ci![0]).toBeLessThanOrEqual(sys.winRate!);
		expect(sys.ci![1]).toBeGreaterThanOrEqual(sys.winRate!);
		// A fixed scale changes β₁ but not the (saturated) intercept.
		const fixed = lengthControlledWinRate(items, { scale: 150, resamples: 20 });
		expect(fixed.scale).toBe(150);
		expect(fixed.systems[0].intercept).toBeCloseTo(b0, 9);
	});

	it('removes a pure verbosity advantage and leaves an unbiased judge alone', () => {
		const rng = createRng(21);
		const make = (lengthEffect: number) =>
			Array.from({ length: 3000 }, () => {
				const d = (rng() - 0.3) * 2000; // the model tends to be longer
				const p = 1 / (1 + Math.exp(-(-0.4 + lengthEffect * Math.tanh(d / 800))));
				return { win: rng() < p ? 1 : 0, modelLength: 1000 + d, baselineLength: 1000 };
			});
		const truth = 1 / (1 + Math.exp(0.4));
		const biased = lengthControlledWinRate(make(1.5), { resamples: 100, scale: 800 }).systems[0];
		expect(biased.rawWinRate - truth).toBeGreaterThan(0.1);
		expect(Math.abs(biased.winRate! - truth)).toBeLessThan(0.03);
		const fair = lengthControlledWinRate(make(0), { resamples: 100, scale: 800 }).systems[0];
		expect(Math.abs(fair.winRate! - fair.rawWinRate)).toBeLessThan(0.02);
	});

	it('joint fit: one shared slope, instruction difficulty, and a flag instead of an extrapolated rate', () => {
		const rng = createRng(5);
		const sigma = (t: number) => 1 / (1 + Math.exp(-t));
		const rows: LengthControlledItem[] = [];
		const truth = { long: -0.2, short: -1 };
		for (let x = 0; x < 400; x++) {
			const difficulty = (rng() - 0.5) * 2;
			for (const [system, shift] of [
				['long', 0.2],
				['short', -0.95]
			] as const) {
				const d = (rng() - 0.5 + shift) * 1000; // 'short' is longer than the baseline on ~5% of items
				const p = sigma(truth[system] + 1.2 * Math.tanh(d / 500) + difficulty);
				rows.push({ system, item: `x${x}`, win: rng() < p ? 1 : 0, modelLength: 2000 + d, baselineLength: 2000 });
			}
		}
		const r = lengthControlledWinRate(rows, { resamples: 200, seed: 3 });
		expect(r.difficulty).toBe(true);
		expect(r.sharedItems).toBe(400);
		expect(r.slope.se).toBeGreaterThan(0);
		expect(r.slope.ci[0]).toBeLessThan(r.slope.estimate);
		const [long, short] = r.systems;
		expect(long.system).toBe('long');
		expect(long.flag).toBeNull();
		expect(long.winRate).toBe(long.extrapolated);
		expect(short.longerShare).toBeLessThan(0.1);
		expect(short.flag).toMatch(/longer than the baseline's.*extrapolate/);
		expect(short.winRate).toBeNull();
		expect(short.ci).toBeNull();
		// Sensitivity: a steeper slope credits the mostly-shorter system more.
		expect(short.sensitivity.slopePlusSE).toBeGreaterThan(short.extrapolated);
		expect(short.sensitivity.slopeMinusSE).toBeLessThan(short.extrapolated);
		// Deterministic, and the true shared slope lies within 3 SE.
		const fitted = lengthControlledWinRate(rows, { resamples: 2 });
		expect(fitted.slope.estimate).toBeCloseTo(r.slope.estimate, 12);
		expect(Math.abs(r.slope.estimate - 1.2)).toBeLessThan(3 * r.slope.se);
		// Without items there is no difficulty term; the slope is still shared.
		const noItems = lengthControlledWinRate(
			rows.map(({ item: _item, ...rest }) => rest),
			{ resamples: 2 }
		);
		expect(noItems.difficulty).toBe(false);
		expect(noItems.systems).toHaveLength(2);
		expect(() => lengthControlledWinRate([{ ...rows[0], system: undefined }, rows[1]], { resamples: 2 })).toThrow(
			/system/
		);
	});

	it('converts AlpacaEval preferences and validates input', () => {
		expect(alpacaPreferenceToWin(2)).toBe(1);
		expect(alpacaPreferenceToWin(1)).toBe(0);
		expect(alpacaPreferenceToWin(1.25)).toBe(0.25);
		expect(alpacaPreferenceToWin(0)).toBe(0.5);
		expect(() => alpacaPreferenceToWin(2.5)).toThrow(RangeError);
		expect(() => lengthControlledWinRate([{ win: 1, modelLength: 1, baselineLength: 1 }])).toThrow(/at least 2/);
		expect(() => lengthControlledWinRate([{ win: 2, modelLength: 1, baselineLength: 1 }])).toThrow(RangeError);
		expect(() =>
			lengthControlledWinRate([
				{ win: 1, modelLength: 5, baselineLength: 1 },
				{ win: 0, modelLength: 5, baselineLength: 1 }
			])
		).toThrow(/length differences are equal/);
		expect(() => lengthControlledWinRate([], { scale: -1 })).toThrow(RangeError);
	});
});
