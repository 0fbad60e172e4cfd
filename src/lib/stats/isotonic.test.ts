import { describe, expect, it } from 'vitest';
import { fitIsotonic, pava } from './isotonic';
import { isotonicCalibration } from './isotonic-calibration';
import { createRng, randomNormal } from './rng';

/**
 * Independent brute force: the isotonic fit of an ordered sequence is
 *   f_i = max_{s ≤ i} min_{t ≥ i} Av_w(s..t)
 * (the max–min formula, Barlow et al. 1972, Thm 1.4.4), O(n³).
 */
function maxMin(y: number[], w: number[]): number[] {
	const n = y.length;
	const av = (s: number, t: number) => {
		let a = 0;
		let b = 0;
		for (let i = s; i <= t; i++) {
			a += w[i] * y[i];
			b += w[i];
		}
		return a / b;
	};
	return y.map((_, i) => {
		let best = -Infinity;
		for (let s = 0; s <= i; s++) {
			let worst = Infinity;
			for (let t = i; t < n; t++) worst = Math.min(worst, av(s, t));
			best = Math.max(best, worst);
		}
		return best;
	});
}

describe('pava', () => {
	it('pools adjacent violators: [1,3,2,4,3,5] → [1,2.5,2.5,3.5,3.5,5] (sklearn isotonic_regression)', () => {
		expect(Array.from(pava([1, 3, 2, 4, 3, 5]))).toEqual([1, 2.5, 2.5, 3.5, 3.5, 5]);
		expect(Array.from(pava([3, 2, 1]))).toEqual([2, 2, 2]);
		expect(Array.from(pava([1, 2, 3]))).toEqual([1, 2, 3]);
		expect(Array.from(pava([5]))).toEqual([5]);
	});

	it('equals the max–min formula on 500 random weighted sequences (1e-12)', () => {
		const rng = createRng(11);
		for (let rep = 0; rep < 500; rep++) {
			const n = 1 + Math.floor(rng() * 9);
			// Coarse values so that ties and equal block means occur often.
			const y = Array.from({ length: n }, () => Math.floor(rng() * 5));
			const w = Array.from({ length: n }, () => 0.5 + Math.floor(rng() * 4));
			const fit = pava(y, w);
			const ref = maxMin(y, w);
			for (let i = 0; i < n; i++) expect(fit[i]).toBeCloseTo(ref[i], 12);
		}
	});
});

describe('fitIsotonic', () => {
	it('reproduces the sklearn IsotonicRegression docstring example (make_regression, random_state=41)', () => {
		// X, y from sklearn 1.2.1 `make_regression(n_samples=10, n_features=1, random_state=41)`.
		const x = [
			-0.9251999652780767, -0.2707123230673205, -1.2262158464418542, -0.9480069877134585, 0.25052781572357197,
			-1.040180216082938, 0.10484805260974006, -0.15367595145793744, 0.7898518103468191, 0.567143660285906
		];
		const y = [
			-17.23483473287586, -5.042890535362112, -22.842226819482157, -17.65968911806237, 4.666888955931152,
			-19.376712915470474, 1.95313329724307, -2.862710468216406, 14.713538613999779, 10.564880697858689
		];
		const { predict, steps } = fitIsotonic(x, y);
		// Documented: iso_reg.predict([.1, .2]) → array([1.8628..., 3.7256...])
		expect(predict(0.1)).toBeCloseTo(1.8628226739822447, 12);
		expect(predict(0.2)).toBeCloseTo(3.7256453479644884, 12);
		expect(steps).toHaveLength(10); // already monotone: every point is a knot
	});

	it('merges tied x by weighted mean and matches sklearn thresholds and clipped predictions', () => {
		const x = [3, 1, 2, 2, 5, 4, 4, 6, 7, 7, 8];
		const y = [2.0, 1.5, 4.0, 1.0, 3.0, 2.5, 6.0, 1.0, 4.0, 5.0, 4.5];
		const w = [1, 2, 1, 3, 1, 1, 0.5, 2, 1, 1, 1];
		const { predict, steps } = fitIsotonic(x, y, w);
		// sklearn 1.2.1 IsotonicRegression(out_of_bounds='clip').fit(x, y, sample_weight=w)
		expect(steps.map((s) => s.x)).toEqual([1, 2, 3, 4, 6, 7, 8]);
		const ky = [1.5, 1.75, 2.0, 7 / 3, 7 / 3, 4.5, 4.5];
		steps.forEach((s, i) => expect(s.y).toBeCloseTo(ky[i], 14));
		const t = [0, 1, 1.5, 2, 2.5, 3, 3.7, 4, 5.5, 6.2, 7, 7.5, 8, 9];
		const expected = [
			1.5, 1.5, 1.625, 1.75, 1.875, 2.0, 2.2333333333333334, 2.3333333333333335, 2.3333333333333335, 2.766666666666667,
			4.5, 4.5, 4.5, 4.5
		];
		t.forEach((ti, i) => expect(predict(ti)).toBeCloseTo(expected[i], 14));
		expect(() => predict(NaN)).toThrow(TypeError);
	});

	it('validates its input', () => {
		expect(() => fitIsotonic([1, 2], [1])).toThrow(RangeError);
		expect(() => fitIsotonic([], [])).toThrow(RangeError);
		expect(() => fitIsotonic([1, 2], [1, NaN])).toThrow(RangeError);
		expect(() => fitIsotonic([1, 2], [1, 2], [1, 0])).toThrow(/weights\[1\] must be > 0/);
		expect(() => pava([1, 2], [1])).toThrow(RangeError);
	});

	it('handles a single distinct x (constant prediction)', () => {
		const { predict, steps } = fitIsotonic([2, 2, 2], [1, 2, 6]);
		expect(steps).toEqual([{ x: 2, y: 3 }]);
		expect(predict(-5)).toBe(3);
		expect(predict(10)).toBe(3);
	});
});

describe('isotonicCalibration', () => {
	it('leave-one-out errors match a hand computation', () => {
		// folds = n is leave-one-out, so the result cannot depend on the seed.
		// Fits without each point: (1) [2.5,2.5,4] → 2.5 at x=1, (2) 1.5 by interpolation,
		// (3) 3.5 by interpolation, (4) 2.5 clipped: errors ±1.5 → MSE 2.25, MAE 1.5.
		const res = isotonicCalibration([1, 2, 3, 4], [1, 3, 2, 4], { folds: 4, seed: 99 });
		expect(res.cvError.after.mse).toBeCloseTo(2.25, 14);
		expect(res.cvError.after.mae).toBeCloseTo(1.5, 14);
		// Raw judge = human scale: errors 0, −1, 1, 0.
		expect(res.cvError.before).toEqual({ mse: 0.5, mae: 0.5 });
		// Leave-one-out means 3, 7/3, 8/3, 2.
		expect(res.cvError.constant.mse).toBeCloseTo((4 + 4 / 9 + 4 / 9 + 4) / 4, 14);
		expect(res.cvError.constant.mae).toBeCloseTo((2 + 2 / 3 + 2 / 3 + 2) / 4, 14);
		expect(res.steps).toEqual([
			{ x: 1, y: 1 },
			{ x: 2, y: 2.5 },
			{ x: 3, y: 2.5 },
			{ x: 4, y: 4 }
		]);
		expect(res.predict(2.5)).toBe(2.5);
	});

	it('recovers a shifted judge scale and beats the raw scores out of fold', () => {
		const rng = createRng(5);
		const human: number[] = [];
		const judge: (number | null)[] = [];
		for (let i = 0; i < 400; i++) {
			const h = 1 + Math.floor(rng() * 5);
			human.push(h);
			// The judge is one point too generous, capped at 5, and sometimes silent.
			judge.push(i % 17 === 0 ? null : Math.min(5, h + 1));
		}
		const res = isotonicCalibration(judge, human, { seed: 3 });
		expect(res.n).toBe(400 - Math.ceil(400 / 17));
		expect(res.predict(2)).toBe(1);
		expect(res.predict(4)).toBe(3);
		expect(res.predict(5)).toBeCloseTo(4.5, 1); // humans 4 and 5 both map to judge 5
		expect(res.cvError.after.mse).toBeLessThan(res.cvError.before.mse / 2);
		expect(res.cvError.after.mse).toBeLessThan(res.cvError.constant.mse);
		// Seeded folds: identical on rerun.
		expect(isotonicCalibration(judge, human, { seed: 3 }).cvError).toEqual(res.cvError);
	});

	it("grouped folds: leave-one-item-out does not depend on the seed, and keeps an item's rows together", () => {
		// Items a, b, c, d with two ratings each; folds = 4 groups = leave one item out.
		const judge = [1, 1, 2, 2, 3, 3, 4, 4];
		const human = [1, 2, 2, 3, 2, 4, 4, 5];
		const groups = ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd'];
		const one = isotonicCalibration(judge, human, { folds: 4, groups, seed: 1 });
		const two = isotonicCalibration(judge, human, { folds: 4, groups, seed: 77 });
		expect(one.cvError).toEqual(two.cvError);
		expect(one.cvError.groups).toBe(4);
		// Without item d the fit on a, b, c is 1.5, 2.5, 3 → item d predicted 3 (clipped): errors 1, 2.
		// Without a: fit 2.5, 3, 4.5 → a predicted 2.5: errors 1.5, 0.5. Without b: 1.5, 3, 4.5 →
		// b predicted by interpolation 2.25: errors 0.25, 0.75. Without c: 1.5, 2.5, 4.5 → 3.5: 1.5, 0.5.
		expect(one.cvError.after.mae).toBeCloseTo((1 + 2 + 1.5 + 0.5 + 0.25 + 0.75 + 1.5 + 0.5) / 8, 14);
		expect(() => isotonicCalibration(judge, human, { folds: 5, groups })).toThrow(/4 groups \(items\) is fewer/);
		expect(() => isotonicCalibration(judge, human, { groups: groups.slice(1) })).toThrow(RangeError);
		expect(() => isotonicCalibration([1, 2], [1, 2], { folds: 2, groups: ['a', null] })).toThrow(/groups\[1\]/);
	});

	it('grouped folds: with three ratings per item, CV error tracks the error on new items (row folds do not)', () => {
		// μ ~ N(0, 1) per item; judge x = μ + N(0, 0.3); three human ratings y = μ + N(0, 0.5); 50 items.
		// Irreducible error of predicting a rating from x: 0.5 + Var(μ | x) = 0.5 + 0.3/1.3 = 0.731.
		// Row folds put the other two ratings of a test item in the training fold at the same x,
		// so the isotonic fit partly memorises the item. Averages over 60 simulated studies
		// (measured: rows 0.730, items 0.819, new items 0.809; Monte Carlo SE of each mean ≈ 0.01).
		const irreducible = 0.5 + 0.3 / 1.3;
		const rng = createRng(7);
		const draw = () => randomNormal(rng);
		const studies = 60;
		let byRow = 0;
		let byItem = 0;
		let fresh = 0;
		for (let study = 0; study < studies; study++) {
			const judge: number[] = [];
			const human: number[] = [];
			const item: number[] = [];
			for (let i = 0; i < 50; i++) {
				const mu = draw();
				const x = mu + Math.sqrt(0.3) * draw();
				for (let r = 0; r < 3; r++) {
					judge.push(x);
					human.push(mu + Math.sqrt(0.5) * draw());
					item.push(i);
				}
			}
			byRow += isotonicCalibration(judge, human, { seed: study + 1 }).cvError.after.mse / studies;
			const grouped = isotonicCalibration(judge, human, { seed: study + 1, groups: item });
			byItem += grouped.cvError.after.mse / studies;
			// Error of the full-data fit on 4,000 new items.
			let se = 0;
			for (let t = 0; t < 4000; t++) {
				const mu = draw();
				se += (grouped.predict(mu + Math.sqrt(0.3) * draw()) - (mu + Math.sqrt(0.5) * draw())) ** 2;
			}
			fresh += se / 4000 / studies;
		}
		console.log('isotonic CV MSE: row folds', byRow, 'item folds', byItem, 'new items', fresh);
		expect(fresh).toBeGreaterThan(irreducible);
		expect(byRow).toBeLessThan(fresh - 0.05); // the measured problem: optimistic
		expect(byItem).toBeGreaterThan(irreducible);
		// Grouped CV trains on 80% of the items, so it may sit a little above the full fit's error.
		expect(Math.abs(byItem - fresh)).toBeLessThan(0.04);
	}, 20_000);

	it('validates its input', () => {
		expect(() => isotonicCalibration([1, 2], [1])).toThrow(RangeError);
		expect(() => isotonicCalibration([1, 2, 3], [1, 2, 3], { folds: 5 })).toThrow(/fewer than folds/);
		expect(() => isotonicCalibration([1, NaN], [1, 2], { folds: 2 })).toThrow(RangeError);
		expect(() => isotonicCalibration([1, '2' as unknown as number], [1, 2], { folds: 2 })).toThrow(TypeError);
		expect(() => isotonicCalibration([1, 2], [1, 2], { folds: 1 })).toThrow(RangeError);
	});
});
