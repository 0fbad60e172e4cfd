import { describe, it, expect } from 'vitest';
import { krippendorffAlpha, krippendorffAlphaDetails, type MeasurementLevel } from './krippendorff-alpha';
import { createRng } from './rng';

type Cell = number | string | null;
const _ = null;

// Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C:
// 4 observers × 12 units with missing values. Published: α_nominal = .743,
// α_ordinal = .815, α_interval = .849, α_ratio = .797.
const krippendorff2011: Cell[][] = [
	[1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
	[1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
	[_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
	[1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _]
];

// Wikipedia "Krippendorff's alpha" computational example, 3 coders × 15 units;
// α_nominal = 0.691358, α_interval = 0.810845 (to 6 decimals, as asserted in the
// tests of the `krippendorff` Python package, pln-fing-udelar/fast-krippendorff).
const wikipedia: Cell[][] = [
	[_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
	[1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
	[_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4]
];

/**
 * Independent reference straight from the pairwise definition:
 *   D_o = (1/n) Σ_u 1/(m_u − 1) Σ_{i≠j in u} δ²(v_i, v_j)
 *   D_e = 1/(n(n − 1)) Σ_{a≠b among all pairable values} δ²(v_a, v_b)
 * with the ordinal δ² summing the frequencies n_g over the rank range by loop.
 */
function bruteAlpha(data: Cell[][], level: MeasurementLevel, order?: Cell[]): number {
	const units = data[0].map((_, u) => data.map((row) => row[u]).filter((v) => v !== null));
	const pairable = units.filter((vals) => vals.length >= 2);
	const all = pairable.flat();
	const n = all.length;
	const domain = order ?? [...new Set(all)].sort((x, y) => (x as number) - (y as number));
	const freq = domain.map((v) => all.filter((w) => w === v).length);
	const delta = (x: Cell, y: Cell): number => {
		if (level === 'nominal') return x === y ? 0 : 1;
		if (level === 'interval') return ((x as number) - (y as number)) ** 2;
		if (level === 'ratio') {
			const s = (x as number) + (y as number);
			return s === 0 ? 0 : (((x as number) - (y as number)) / s) ** 2;
		}
		let lo = domain.indexOf(x);
		let hi = domain.indexOf(y);
		if (lo > hi) [lo, hi] = [hi, lo];
		let sum = 0;
		for (let g = lo; g <= hi; g++) sum += freq[g];
		return (sum - (freq[lo] + freq[hi]) / 2) ** 2;
	};
	let dObserved = 0;
	for (const vals of pairable) {
		let s = 0;
		for (let i = 0; i < vals.length; i++)
			for (let j = 0; j < vals.length; j++) if (i !== j) s += delta(vals[i], vals[j]);
		dObserved += s / (vals.length - 1);
	}
	dObserved /= n;
	let dExpected = 0;
	for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b) dExpected += delta(all[a], all[b]);
	dExpected /= n * (n - 1);
	return 1 - dObserved / dExpected;
}

const LEVELS: MeasurementLevel[] = ['nominal', 'ordinal', 'interval', 'ratio'];

describe('krippendorffAlpha — Krippendorff (2011) worked example', () => {
	it('α_nominal .743, α_ordinal .815, α_interval .849, α_ratio .797 (published to 3 decimals)', () => {
		const published = { nominal: 0.743, ordinal: 0.815, interval: 0.849, ratio: 0.797 };
		for (const level of LEVELS) {
			expect(krippendorffAlpha(krippendorff2011, { level })).toBeCloseTo(published[level], 3);
		}
	});

	it('equals the pairwise-definition reference to 1e-12 at every level', () => {
		for (const level of LEVELS) {
			expect(krippendorffAlpha(krippendorff2011, { level })).toBeCloseTo(bruteAlpha(krippendorff2011, level), 12);
		}
	});

	it('has n = 40 pairable values in 11 pairable units (unit 12 has a single value)', () => {
		const d = krippendorffAlphaDetails(krippendorff2011, { level: 'nominal' });
		expect(d.pairableValues).toBeCloseTo(40, 12);
		expect(d.pairableUnits).toBe(11);
		expect(d.values).toEqual([1, 2, 3, 4, 5]);
		// The coincidence matrix is symmetric and its total is n.
		const total = d.coincidence.flat().reduce((s, x) => s + x, 0);
		expect(total).toBeCloseTo(40, 12);
		d.coincidence.forEach((row, c) => row.forEach((x, k) => expect(x).toBeCloseTo(d.coincidence[k][c], 14)));
	});

	it('ordinal α with string labels in a given rank order equals the numeric result (.815)', () => {
		const names = ['very low', 'low', 'mid', 'high', 'very high'];
		const data = krippendorff2011.map((row) => row.map((v) => (v === null ? null : names[(v as number) - 1])));
		const alpha = krippendorffAlpha(data, { level: 'ordinal', categories: names });
		expect(alpha).toBeCloseTo(krippendorffAlpha(krippendorff2011, { level: 'ordinal' }), 14);
		expect(alpha).toBeCloseTo(0.815, 3);
	});
});

describe('krippendorffAlpha — Wikipedia example and other package tests', () => {
	it('α_nominal = 0.691358, α_interval = 0.810845', () => {
		expect(Math.abs(krippendorffAlpha(wikipedia, { level: 'nominal' }) - 0.691358)).toBeLessThan(5e-7);
		expect(Math.abs(krippendorffAlpha(wikipedia, { level: 'interval' }) - 0.810845)).toBeLessThan(5e-7);
		for (const level of LEVELS) {
			expect(krippendorffAlpha(wikipedia, { level })).toBeCloseTo(bruteAlpha(wikipedia, level), 12);
		}
	});

	it('nominal string labels with a missing value → 0.722222', () => {
		const data = [
			['pos', 'neg', 'neu', null],
			['pos', 'neg', 'neu', 'pos'],
			['pos', 'neg', 'pos', 'pos']
		];
		expect(Math.abs(krippendorffAlpha(data, { level: 'nominal' }) - 0.722222)).toBeLessThan(5e-7);
	});

	it('perfect agreement gives 1, also for ratio data containing zeros', () => {
		const same = [
			[1, 2, 3, 4],
			[1, 2, 3, 4],
			[1, 2, 3, 4]
		];
		for (const level of LEVELS) expect(krippendorffAlpha(same, { level })).toBe(1);
		expect(
			krippendorffAlpha(
				[
					[0, 1, 2],
					[0, 1, 2]
				],
				{ level: 'ratio' }
			)
		).toBe(1);
	});
});

describe('krippendorffAlpha — random data with missing values', () => {
	it('matches the pairwise reference at all levels, including unused scale points', () => {
		const rng = createRng(2011);
		let checked = 0;
		for (let t = 0; t < 25; t++) {
			const raters = 2 + Math.floor(rng() * 4);
			const units = 2 + Math.floor(rng() * 25);
			const data: Cell[][] = Array.from({ length: raters }, () =>
				Array.from({ length: units }, () => (rng() < 0.25 ? null : 1 + Math.floor(rng() * 5)))
			);
			const values = new Set(data.flat().filter((v) => v !== null));
			let ok = true;
			try {
				krippendorffAlpha(data, { level: 'nominal' });
			} catch {
				ok = false; // too few pairable values or no variation in this draw
			}
			if (!ok || values.size < 2) continue;
			checked++;
			for (const level of LEVELS) {
				expect(krippendorffAlpha(data, { level })).toBeCloseTo(bruteAlpha(data, level), 10);
			}
			// Declaring the full 1–5 scale (unused points included) changes nothing.
			expect(krippendorffAlpha(data, { level: 'ordinal', categories: [1, 2, 3, 4, 5] })).toBeCloseTo(
				krippendorffAlpha(data, { level: 'ordinal' }),
				12
			);
		}
		expect(checked).toBeGreaterThan(15);
	});
});

describe('krippendorffAlpha — validation', () => {
	it('throws instead of returning NaN', () => {
		expect(() =>
			krippendorffAlpha(
				[
					[1, 1],
					[1, 1]
				],
				{ level: 'nominal' }
			)
		).toThrow(/no variation/);
		expect(() =>
			krippendorffAlpha(
				[
					[1, null],
					[null, 2]
				],
				{ level: 'nominal' }
			)
		).toThrow(/pairable/);
		expect(() =>
			krippendorffAlpha(
				[
					[1, 2],
					[1, 3]
				],
				{ level: 'nominal', categories: [1, 2] }
			)
		).toThrow(/not one of the categories/);
		expect(() =>
			krippendorffAlpha(
				[
					['low', 'high'],
					['low', 'high']
				],
				{ level: 'ordinal' }
			)
		).toThrow(TypeError);
		expect(() =>
			krippendorffAlpha(
				[
					['a', 'b'],
					['a', 'b']
				],
				{ level: 'interval' }
			)
		).toThrow(TypeError);
		expect(() =>
			krippendorffAlpha(
				[
					[-1, 2],
					[-1, 2]
				],
				{ level: 'ratio' }
			)
		).toThrow(RangeError);
		expect(() => krippendorffAlpha([[1, 2], [1]], { level: 'nominal' })).toThrow(RangeError);
		expect(() => krippendorffAlpha([], { level: 'nominal' })).toThrow(RangeError);
		expect(() => krippendorffAlpha([[null, null]], { level: 'nominal' })).toThrow(RangeError);
		expect(() =>
			krippendorffAlpha(
				[
					[1, 2],
					[1, 2]
				],
				{ level: 'metric' as MeasurementLevel }
			)
		).toThrow(RangeError);
		expect(() =>
			krippendorffAlpha(
				[
					[1, Number.NaN],
					[1, 2]
				],
				{ level: 'interval' }
			)
		).toThrow(TypeError);
	});
});
