import { describe, expect, it } from 'vitest';
import { normalCdf, normalPdf, normalQuantile, zCritical } from './distributions';

/** |a − b| ≤ tol·|b| (relative error), with an absolute floor for b = 0. */
function expectRel(actual: number, expected: number, tol: number): void {
	const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
	expect(err, `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

// Reference values: mpmath 1.3 (50-digit arithmetic), `ncdf(x)` and
// `sqrt(2)·erfinv(2p − 1)` (400 digits for the tiny p), rounded to the nearest double.
const CDF: [number, number][] = [
	[-37, 5.725571222524577e-300],
	[-20, 2.7536241186062337e-89],
	[-8.5, 9.479534822203318e-18],
	[-5, 2.866515718791939e-7],
	[-3, 0.0013498980316300946],
	[-1, 0.15865525393145705],
	[-0.5, 0.3085375387259869],
	[0, 0.5],
	[0.3, 0.6179114221889527],
	[1, 0.8413447460685429],
	[1.96, 0.9750021048517795],
	[2.5, 0.9937903346742238],
	[5, 0.9999997133484281],
	[8, 0.9999999999999993]
];

const QUANTILE: [number, number][] = [
	[1e-300, -37.0470962993612],
	[1e-100, -21.273453560965326],
	[1e-20, -9.262340089798407],
	[1e-10, -6.361340902404057],
	[1e-5, -4.264890793922825],
	[0.001, -3.0902323061678136],
	[0.01, -2.326347874040841],
	[0.02425, -1.972961051311885], // Acklam's region boundary
	[0.025, -1.9599639845400543],
	[0.1, -1.2815515655446004],
	[0.3, -0.5244005127080408],
	[0.6, 0.2533471031357997],
	[0.9, 1.2815515655446006],
	[0.975, 1.9599639845400538],
	[0.995, 2.5758293035489004],
	[0.999999, 4.753424308817087]
];

describe('normalCdf', () => {
	it('matches 50-digit references with relative error ≤ 1e-14 (lower tail) / 1e-15 absolute', () => {
		for (const [x, p] of CDF) {
			if (x <= 0) expectRel(normalCdf(x), p, 1e-14);
			else expect(Math.abs(normalCdf(x) - p)).toBeLessThanOrEqual(2e-16);
		}
	});

	it('is symmetric, monotone and saturates', () => {
		for (let x = -10; x <= 10; x += 0.37) {
			expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 15);
			expect(normalCdf(x + 0.01)).toBeGreaterThanOrEqual(normalCdf(x));
			if (x < 7) expect(normalCdf(x + 0.01)).toBeGreaterThan(normalCdf(x));
		}
		expect(normalCdf(-Infinity)).toBe(0);
		expect(normalCdf(Infinity)).toBe(1);
		expect(normalCdf(-40)).toBe(0);
	});

	it('rejects NaN and non-numbers', () => {
		expect(() => normalCdf(NaN)).toThrow(RangeError);
		expect(() => normalCdf('1' as unknown as number)).toThrow(TypeError);
	});
});

describe('normalPdf', () => {
	it('equals exp(−x²/2)/√(2π)', () => {
		expect(normalPdf(0)).toBeCloseTo(0.3989422804014327, 16);
		expectRel(normalPdf(1.5), Math.exp(-1.125) / Math.sqrt(2 * Math.PI), 1e-15);
		// mpmath npdf(30) = 1.4736461348785476e-196
		expectRel(normalPdf(30), 1.4736461348785476e-196, 1e-13);
	});
});

describe('normalQuantile', () => {
	it('matches 50-digit references to 1e-14 relative (4e-16 absolute near 0)', () => {
		for (const [p, x] of QUANTILE) {
			expect(Math.abs(normalQuantile(p) - x)).toBeLessThanOrEqual(Math.max(1e-14 * Math.abs(x), 4e-16));
		}
		expect(normalQuantile(0.5)).toBe(0);
	});

	it('agrees with scipy.stats.norm.ppf (AS 241) on the usual critical values', () => {
		// scipy 1.10.1: norm.ppf(0.975) = 1.959963984540054, norm.ppf(1e-300) = -37.0470962993612
		expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
		expect(normalQuantile(1e-300)).toBeCloseTo(-37.0470962993612, 12);
	});

	it('inverts normalCdf', () => {
		for (let p = 0.0005; p < 1; p += 0.0173) {
			expect(Math.abs(normalCdf(normalQuantile(p)) - p)).toBeLessThan(1e-15);
		}
	});

	it('returns ∓Infinity at 0 and 1 and rejects p outside [0, 1]', () => {
		expect(normalQuantile(0)).toBe(-Infinity);
		expect(normalQuantile(1)).toBe(Infinity);
		expect(() => normalQuantile(1.1)).toThrow(RangeError);
		expect(() => normalQuantile(-0.1)).toThrow(RangeError);
		expect(() => normalQuantile(NaN)).toThrow(RangeError);
	});
});

describe('zCritical', () => {
	it('gives the two-sided z for a confidence level', () => {
		expect(zCritical(0.95)).toBeCloseTo(1.959963984540054, 14);
		expect(zCritical(0.9)).toBeCloseTo(1.6448536269514729, 14);
		expect(zCritical(0.99)).toBeCloseTo(2.5758293035489004, 14);
		expect(() => zCritical(1)).toThrow(RangeError);
	});
});
