import { describe, it, expect } from 'vitest';
import { fleissKappa, fleissKappaDetails, ratingsToCounts } from './fleiss-kappa';
import { createRng } from './rng';

// Wikipedia "Fleiss' kappa" worked example: 10 subjects, 14 raters, 5 categories
// (also table0 in statsmodels' test_inter_rater.py, with the per-subject P_i).
const wikipedia = [
	[0, 0, 0, 0, 14],
	[0, 2, 6, 4, 2],
	[0, 0, 3, 5, 6],
	[0, 3, 9, 2, 0],
	[2, 2, 8, 1, 1],
	[7, 7, 0, 0, 0],
	[3, 2, 6, 3, 0],
	[2, 5, 3, 2, 2],
	[6, 5, 2, 1, 0],
	[0, 2, 2, 3, 7]
];

// Fleiss (1971) Table 1: 30 patients × 6 psychiatrists, diagnoses 1–5 (Depression,
// Personality disorder, Schizophrenia, Neurosis, Other); R irr `diagnoses`, as
// listed in statsmodels' test_inter_rater.py.
const diagnoses = [
	[4, 4, 4, 4, 4, 4],
	[2, 2, 2, 5, 5, 5],
	[2, 3, 3, 3, 3, 5],
	[5, 5, 5, 5, 5, 5],
	[2, 2, 2, 4, 4, 4],
	[1, 1, 3, 3, 3, 3],
	[3, 3, 3, 3, 5, 5],
	[1, 1, 3, 3, 3, 4],
	[1, 1, 4, 4, 4, 4],
	[5, 5, 5, 5, 5, 5],
	[1, 4, 4, 4, 4, 4],
	[1, 2, 4, 4, 4, 4],
	[2, 2, 2, 3, 3, 3],
	[1, 4, 4, 4, 4, 4],
	[2, 2, 4, 4, 4, 5],
	[3, 3, 3, 3, 3, 5],
	[1, 1, 1, 4, 5, 5],
	[1, 1, 1, 1, 1, 2],
	[2, 2, 4, 4, 4, 4],
	[1, 3, 3, 5, 5, 5],
	[5, 5, 5, 5, 5, 5],
	[2, 4, 4, 4, 4, 4],
	[2, 2, 4, 5, 5, 5],
	[1, 1, 4, 4, 4, 4],
	[1, 4, 4, 4, 4, 5],
	[2, 2, 2, 2, 2, 4],
	[1, 1, 1, 1, 5, 5],
	[2, 2, 4, 4, 4, 4],
	[1, 3, 3, 3, 3, 3],
	[5, 5, 5, 5, 5, 5]
];

/**
 * Independent reference: P_i as the share of agreeing (ordered) rater pairs,
 * enumerated one by one from the expanded ratings; p_j from the ratings list.
 */
function bruteFleiss(counts: number[][]): number {
	let agreeShare = 0;
	const all: number[] = [];
	for (const row of counts) {
		const labels = row.flatMap((c, j) => new Array<number>(c).fill(j));
		all.push(...labels);
		let agree = 0;
		let pairs = 0;
		for (let r = 0; r < labels.length; r++) {
			for (let s = 0; s < labels.length; s++) {
				if (r === s) continue;
				pairs++;
				if (labels[r] === labels[s]) agree++;
			}
		}
		agreeShare += agree / pairs;
	}
	const pBar = agreeShare / counts.length;
	let pe = 0;
	for (let j = 0; j < counts[0].length; j++) pe += (all.filter((v) => v === j).length / all.length) ** 2;
	return (pBar - pe) / (1 - pe);
}

describe('fleissKappa — Wikipedia worked example (14 raters)', () => {
	const d = fleissKappaDetails(wikipedia);

	it('κ = 0.210, P̄ = 0.378, P̄_e = 0.213 as published', () => {
		expect(d.kappa).toBeCloseTo(0.21, 3);
		expect(d.observedAgreement).toBeCloseTo(0.378, 3);
		expect(d.expectedAgreement).toBeCloseTo(0.213, 3);
		expect(d.raters).toBe(14);
		expect(d.subjects).toBe(10);
	});

	it('p_j and P_i as published', () => {
		[0.143, 0.2, 0.279, 0.15, 0.229].forEach((p, j) => expect(d.categoryProportions[j]).toBeCloseTo(p, 3));
		[1.0, 0.253, 0.308, 0.44, 0.33, 0.462, 0.242, 0.176, 0.286, 0.286].forEach((p, i) =>
			expect(d.subjectAgreement[i]).toBeCloseTo(p, 3)
		);
	});

	it('exact value: integer sums by hand and the pairwise reference agree to 1e-12', () => {
		// N n = 140 ratings, n − 1 = 13; sums computed here, not by the library.
		let sumSq = 0;
		const totals = [0, 0, 0, 0, 0];
		for (const row of wikipedia) row.forEach((c, j) => ((sumSq += c * c), (totals[j] += c)));
		const pBar = (sumSq - 140) / (140 * 13);
		const pe = totals.reduce((s, t) => s + t * t, 0) / (140 * 140);
		expect(d.kappa).toBeCloseTo((pBar - pe) / (1 - pe), 14);
		expect(d.kappa).toBeCloseTo(bruteFleiss(wikipedia), 12);
	});
});

describe('fleissKappa — Fleiss (1971) psychiatric diagnoses', () => {
	const { counts, categories } = ratingsToCounts(diagnoses);
	const d = fleissKappaDetails(counts);

	it('category totals 26, 26, 30, 55, 43 (statsmodels aggregate_raters test)', () => {
		expect(categories).toEqual([1, 2, 3, 4, 5]);
		expect([0, 1, 2, 3, 4].map((j) => counts.reduce((s, row) => s + row[j], 0))).toEqual([26, 26, 30, 55, 43]);
	});

	it('κ = 0.4302445 and z = 17.65183 as printed by R irr::kappam.fleiss(diagnoses)', () => {
		expect(Math.abs(d.kappa - 0.4302445)).toBeLessThan(5e-8);
		expect(Math.abs(d.z - 17.65183)).toBeLessThan(5e-5);
		expect(d.kappa).toBeCloseTo(bruteFleiss(counts), 12);
	});

	it('per-category κ_j equals Fleiss κ of the collapsed "j vs. rest" table', () => {
		d.categoryKappa.forEach((kj, j) => {
			const binary = counts.map((row) => [row[j], 6 - row[j]]);
			expect(kj).not.toBeNull();
			expect(kj as number).toBeCloseTo(fleissKappa(binary), 12);
		});
	});

	it('SE₀(κ_j) = √(2 / (N n (n − 1))) and SE₀(κ) from Fleiss, Nee & Landis (1979)', () => {
		expect(d.categoryStandardError).toBeCloseTo(Math.sqrt(2 / (30 * 6 * 5)), 14);
		const p = d.categoryProportions;
		const pq = p.reduce((s, x) => s + x * (1 - x), 0);
		const pqqp = p.reduce((s, x) => s + x * (1 - x) * (1 - x - x), 0);
		const se = Math.sqrt((2 * (pq * pq - pqqp)) / (pq * pq * 30 * 6 * 5));
		expect(d.standardError).toBeCloseTo(se, 14);
	});
});

describe('fleissKappa — random tables against the pairwise reference', () => {
	it('matches', () => {
		const rng = createRng(5);
		let checked = 0;
		for (let t = 0; t < 30; t++) {
			const raters = 2 + Math.floor(rng() * 6);
			const k = 2 + Math.floor(rng() * 4);
			const counts = Array.from({ length: 1 + Math.floor(rng() * 25) }, () => {
				const row = new Array<number>(k).fill(0);
				for (let r = 0; r < raters; r++) row[Math.floor(rng() * rng() * k)]++;
				return row;
			});
			const used = counts[0].map((_, j) => counts.some((row) => row[j] > 0));
			if (used.filter(Boolean).length < 2) continue;
			checked++;
			const d = fleissKappaDetails(counts);
			expect(d.kappa).toBeCloseTo(bruteFleiss(counts), 12);
			d.categoryKappa.forEach((kj, j) => expect(kj === null).toBe(!used[j]));
		}
		expect(checked).toBeGreaterThan(20);
	});
});

describe('fleissKappa — validation', () => {
	it('throws on bad input and degenerate data', () => {
		expect(() => fleissKappa([])).toThrow(RangeError);
		expect(() => fleissKappa([[1, 1], [2]])).toThrow(RangeError);
		expect(() =>
			fleissKappa([
				[1, 1],
				[2, 1]
			])
		).toThrow(/same number of ratings/);
		expect(() =>
			fleissKappa([
				[1, 0],
				[0, 1]
			])
		).toThrow(/at least 2/);
		expect(() =>
			fleissKappa([
				[3, 0],
				[3, 0]
			])
		).toThrow(/single category/);
		expect(() => fleissKappa([[-1, 3]])).toThrow(/non-negative integer/);
		expect(() => fleissKappa([[1.5, 0.5]])).toThrow(RangeError);
		expect(() => ratingsToCounts([[1, 2]], [1])).toThrow(/not one of the categories/);
	});
});
