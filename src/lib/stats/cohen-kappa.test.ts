import { describe, it, expect } from 'vitest';
import {
	cohenKappa,
	cohenKappaDetails,
	cohenKappaFromTable,
	kappaWeightMatrix,
	type KappaWeights
} from './cohen-kappa';
import { createRng } from './rng';

/** Expand a square table of counts (rows rater a, columns rater b) into label vectors. */
function expand<T>(table: number[][], labels: T[]): [T[], T[]] {
	const a: T[] = [];
	const b: T[] = [];
	table.forEach((row, i) =>
		row.forEach((count, j) => {
			for (let c = 0; c < count; c++) {
				a.push(labels[i]);
				b.push(labels[j]);
			}
		})
	);
	return [a, b];
}

/**
 * Independent O(n²) reference: chance disagreement as the mean weight over all
 * n² cross pairs (a_i, b_j), observed as the mean weight over the n item pairs.
 */
function bruteKappa<T>(a: T[], b: T[], weight: (x: T, y: T) => number): number {
	const n = a.length;
	let observed = 0;
	let expected = 0;
	for (let i = 0; i < n; i++) {
		observed += weight(a[i], b[i]);
		for (let j = 0; j < n; j++) expected += weight(a[i], b[j]);
	}
	return 1 - observed / n / (expected / (n * n));
}

// R irr `anxiety` data (Gamer et al., irr package), 20 subjects, raters 2 and 3,
// as listed in statsmodels' test_inter_rater.py.
const rater2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4];
const rater3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2];

describe('cohenKappa — published examples', () => {
	it('Wikipedia "Cohen\'s kappa" simple example: 50 proposals, 20/5/10/15 → p_o 0.7, p_e 0.5, κ 0.4', () => {
		const [a, b] = expand(
			[
				[20, 5],
				[10, 15]
			],
			['yes', 'no']
		);
		const d = cohenKappaDetails(a, b);
		expect(d.kappa).toBeCloseTo(0.4, 12);
		expect(1 - d.observedDisagreement).toBeCloseTo(0.7, 12);
		expect(1 - d.expectedDisagreement).toBeCloseTo(0.5, 12);
		expect(d.n).toBe(50);
	});

	it('sklearn cohen_kappa_score docstring example → 0.6875', () => {
		const y1 = ['negative', 'positive', 'negative', 'neutral', 'positive'];
		const y2 = ['negative', 'positive', 'negative', 'neutral', 'negative'];
		expect(cohenKappa(y1, y2)).toBeCloseTo(0.6875, 12);
	});

	it('SAS PROC FREQ example quoted in statsmodels test_inter_rater.py: κ 0.4842, linear weighted κ 0.4701', () => {
		const [a, b] = expand(
			[
				[0, 4, 1],
				[0, 8, 0],
				[0, 1, 5]
			],
			[0, 1, 2]
		);
		// SAS prints 4 decimals; the exact values come from the O(n²) reference.
		expect(cohenKappa(a, b)).toBeCloseTo(0.4842, 4);
		expect(cohenKappa(a, b, { weights: 'linear' })).toBeCloseTo(0.4701, 4);
		expect(cohenKappa(a, b)).toBeCloseTo(
			bruteKappa(a, b, (x, y) => (x === y ? 0 : 1)),
			12
		);
		expect(cohenKappa(a, b, { weights: 'linear' })).toBeCloseTo(
			bruteKappa(a, b, (x, y) => Math.abs(x - y)),
			12
		);
	});

	it('R irr::kappa2(anxiety[, 2:3]) unweighted, "equal" and "squared" (values from statsmodels tests)', () => {
		// irr prints 7 significant digits.
		expect(Math.abs(cohenKappa(rater2, rater3) - -0.006289308)).toBeLessThan(5e-10);
		expect(Math.abs(cohenKappa(rater2, rater3, { weights: 'linear' }) - 0.1459075)).toBeLessThan(5e-8);
		expect(Math.abs(cohenKappa(rater2, rater3, { weights: 'quadratic' }) - 0.2520325)).toBeLessThan(5e-8);
	});
});

describe('cohenKappa — position vs value weighting', () => {
	// The anxiety raters never use 5, so the observed categories are 1, 2, 3, 4, 6:
	// by position, 4 → 6 is one step; by value it is two.
	const position = (cats: number[]) => (x: number, y: number) => Math.abs(cats.indexOf(x) - cats.indexOf(y));

	it('default is by position among the sorted observed labels (irr / sklearn convention)', () => {
		const pos = position([1, 2, 3, 4, 6]);
		expect(cohenKappa(rater2, rater3, { weights: 'linear' })).toBeCloseTo(bruteKappa(rater2, rater3, pos), 12);
		expect(cohenKappa(rater2, rater3, { weights: 'quadratic' })).toBeCloseTo(
			bruteKappa(rater2, rater3, (x, y) => pos(x, y) ** 2),
			12
		);
	});

	it("weightBy 'value' uses numeric distances and equals position weighting over the full scale", () => {
		for (const weights of ['linear', 'quadratic'] as const) {
			const power = weights === 'linear' ? 1 : 2;
			const byValue = cohenKappa(rater2, rater3, { weights, weightBy: 'value' });
			expect(byValue).toBeCloseTo(
				bruteKappa(rater2, rater3, (x, y) => Math.abs(x - y) ** power),
				12
			);
			expect(byValue).toBeCloseTo(cohenKappa(rater2, rater3, { weights, categories: [1, 2, 3, 4, 5, 6] }), 12);
			expect(Math.abs(byValue - cohenKappa(rater2, rater3, { weights }))).toBeGreaterThan(1e-3);
		}
		// Unweighted κ does not depend on distances at all.
		expect(cohenKappa(rater2, rater3, { weightBy: 'value' })).toBeCloseTo(cohenKappa(rater2, rater3), 14);
	});

	it("weightBy 'value' rejects string categories", () => {
		expect(() => cohenKappa(['a', 'b'], ['b', 'a'], { weights: 'linear', weightBy: 'value' })).toThrow(TypeError);
	});
});

describe('cohenKappa — weighted κ on text labels needs the scale order', () => {
	// Position of each label in the true scale order: the weight function of the reference.
	const byScale = (scale: string[], power: number) => (x: string, y: string) =>
		Math.abs(scale.indexOf(x) - scale.indexOf(y)) ** power;

	it('low/medium/high, quadratic: throws without categories, 0.667 (not 0.275) with them', () => {
		const scale = ['low', 'medium', 'high'];
		const [a, b] = expand(
			[
				[2, 1, 0],
				[1, 2, 1],
				[0, 1, 2]
			],
			scale
		);
		expect(() => cohenKappa(a, b, { weights: 'quadratic' })).toThrow(TypeError);
		expect(() => cohenKappa(a, b, { weights: 'quadratic' })).toThrow(/categories.*scale order/);
		const kappa = cohenKappa(a, b, { weights: 'quadratic', categories: scale });
		expect(kappa).toBeCloseTo(bruteKappa(a, b, byScale(scale, 2)), 12);
		expect(kappa).toBeCloseTo(2 / 3, 12);
		// What character-code order (high < low < medium) gave before: the measured 0.275.
		const codeOrder = cohenKappa(a, b, { weights: 'quadratic', categories: ['high', 'low', 'medium'] });
		expect(codeOrder).toBeCloseTo(bruteKappa(a, b, byScale(['high', 'low', 'medium'], 2)), 12);
		expect(codeOrder).toBeCloseTo(0.275, 3);
	});

	it('"1", "2", "9", "10" as text, linear: throws without categories, 0.474 (not −0.053) with them', () => {
		const scale = ['1', '2', '9', '10'];
		const [a, b] = expand(
			[
				[0, 1, 0, 0],
				[2, 1, 0, 0],
				[0, 0, 1, 1],
				[0, 0, 1, 1]
			],
			scale
		);
		expect(() => cohenKappa(a, b, { weights: 'linear' })).toThrow(/categories.*scale order/);
		const kappa = cohenKappa(a, b, { weights: 'linear', categories: scale });
		expect(kappa).toBeCloseTo(bruteKappa(a, b, byScale(scale, 1)), 12);
		expect(kappa).toBeCloseTo(0.474, 3);
		const codeOrder = cohenKappa(a, b, { weights: 'linear', categories: ['1', '10', '2', '9'] });
		expect(codeOrder).toBeCloseTo(bruteKappa(a, b, byScale(['1', '10', '2', '9'], 1)), 12);
		expect(codeOrder).toBeCloseTo(-0.053, 3);
		// The same labels as numbers sort numerically and need no categories.
		expect(cohenKappa(a.map(Number), b.map(Number), { weights: 'linear' })).toBeCloseTo(kappa, 12);
	});

	it('pairwise verdicts A/B/tie: weighted κ needs the order, unweighted κ does not', () => {
		const judge = ['A', 'tie', 'B', 'A', 'B'];
		const human = ['A', 'A', 'B', 'tie', 'B'];
		expect(() => cohenKappa(judge, human, { weights: 'linear' })).toThrow(/\['A', 'tie', 'B'\]/);
		expect(cohenKappa(judge, human, { weights: 'linear', categories: ['A', 'tie', 'B'] })).toBeCloseTo(
			bruteKappa(judge, human, byScale(['A', 'tie', 'B'], 1)),
			12
		);
		expect(() => cohenKappa(judge, human)).not.toThrow();
	});
});

describe('cohenKappa — against the O(n²) reference on random data', () => {
	it('matches for all weightings, with missing values and unused categories', () => {
		const rng = createRng(11);
		let checked = 0;
		for (let trial = 0; trial < 40; trial++) {
			const n = 2 + Math.floor(rng() * 80);
			const a: (number | null)[] = [];
			const b: (number | null)[] = [];
			for (let i = 0; i < n; i++) {
				const truth = Math.floor(rng() * 5);
				a.push(rng() < 0.1 ? null : truth);
				b.push(rng() < 0.1 ? null : Math.min(4, Math.max(0, truth + Math.floor(rng() * 3) - 1)));
			}
			const keep = a.map((v, i) => v !== null && b[i] !== null);
			const ca = a.filter((_, i) => keep[i]) as number[];
			const cb = b.filter((_, i) => keep[i]) as number[];
			if (ca.length === 0 || new Set([...ca, ...cb]).size < 2) continue;
			checked++;
			const scale = [0, 1, 2, 3, 4];
			const w: Record<KappaWeights, (x: number, y: number) => number> = {
				none: (x, y) => (x === y ? 0 : 1),
				linear: (x, y) => Math.abs(x - y),
				quadratic: (x, y) => (x - y) ** 2
			};
			for (const weights of ['none', 'linear', 'quadratic'] as const) {
				expect(cohenKappa(a, b, { weights, categories: scale })).toBeCloseTo(bruteKappa(ca, cb, w[weights]), 10);
			}
		}
		expect(checked).toBeGreaterThan(30);
	});

	it('cohenKappaFromTable equals cohenKappa on the same counts', () => {
		const [a, b] = expand(
			[
				[7, 2, 0],
				[1, 5, 3],
				[0, 2, 9]
			],
			[1, 2, 3]
		);
		const table = [7, 2, 0, 1, 5, 3, 0, 2, 9];
		const w = kappaWeightMatrix('quadratic', [0, 1, 2]);
		expect(cohenKappaFromTable(table, w, 3)).toBeCloseTo(cohenKappa(a, b, { weights: 'quadratic' }), 14);
	});
});

describe('cohenKappa — validation', () => {
	it('throws instead of returning NaN', () => {
		expect(() => cohenKappa([1, 1, 1], [1, 1, 1])).toThrow(/p_e = 1/);
		expect(() => cohenKappa([1, 1], [1, 1], { weights: 'quadratic' })).toThrow(RangeError);
		expect(() => cohenKappa([1, 2], [1])).toThrow(RangeError);
		expect(() => cohenKappa([], [])).toThrow(RangeError);
		expect(() => cohenKappa([null, 1], [2, null])).toThrow(/no item/);
		expect(() => cohenKappa([1, 2, 3], [1, 2, 2], { categories: [1, 2] })).toThrow(/not one of the categories/);
		expect(() => cohenKappa([1, 'x'], [1, 'x'], { weights: 'linear' })).toThrow(/scale order/);
		expect(cohenKappa([1, 'x'], [1, 'x'])).toBe(1);
		expect(() => cohenKappa([1, Number.NaN], [1, 2])).toThrow(TypeError);
		expect(() => cohenKappa([1, 2], [1, 2], { weights: 'cubic' as KappaWeights })).toThrow(RangeError);
		expect(() => cohenKappa([1, 2], [1, 2], { categories: [1, 2, 2] })).toThrow(/duplicate/);
	});

	it('skips pairs with a missing rating', () => {
		expect(cohenKappa([1, 2, null, 1, 2], [1, 2, 1, 1, 2])).toBe(1);
	});
});
