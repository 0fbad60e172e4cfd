/**
 * Isotonic (monotone non-decreasing) regression by pool-adjacent-violators.
 *
 * Problem: given points (x_i, y_i) with weights w_i > 0, find the
 * non-decreasing f minimising Σ w_i (y_i − f(x_i))². Solution: sort by x,
 * merge equal x into one point (weighted mean of y, summed weight), then PAVA
 * (Ayer et al. 1955; Barlow, Bartholomew, Bremner & Brunk, "Statistical
 * Inference under Order Restrictions", 1972): scan left to right keeping
 * blocks of pooled points; whenever a block's weighted mean falls below its
 * left neighbour's, merge the two. Each fitted value is its block's weighted
 * mean, so the fit lies in [min y, max y]. O(n log n) for the sort, O(n)
 * for the pooling.
 *
 * Prediction follows scikit-learn's `IsotonicRegression(out_of_bounds='clip')`:
 * linear interpolation between the fitted points and the end values outside
 * the observed x range. On the observed x values (e.g. a 1–5 judge scale)
 * interpolation never matters.
 */
import { assertArrayLike, assertFiniteNumbers, assertNonEmpty, assertSameLength } from './validate';

/** y: non-empty finite numbers; w: same length, finite and > 0. */
function checkSeries(y: ArrayLike<number>, w: ArrayLike<number> | undefined, fn: string): void {
	assertArrayLike(y, `${fn}: y`);
	assertNonEmpty(y, `${fn}: y`);
	assertFiniteNumbers(y, `${fn}: y`);
	if (w === undefined) return;
	assertArrayLike(w, `${fn}: weights`);
	assertSameLength(y, w, [`${fn}: y`, `${fn}: weights`]);
	assertFiniteNumbers(w, `${fn}: weights`);
	for (let i = 0; i < w.length; i++) {
		if (!(w[i] > 0)) throw new RangeError(`${fn}: weights[${i}] must be > 0, got ${w[i]}`);
	}
}

export interface IsotonicStep {
	x: number;
	y: number;
}

export interface IsotonicFit {
	/** Calibrated value at x (interpolated; clipped outside the fitted range). */
	predict: (x: number) => number;
	/**
	 * Knots of the piecewise-linear fit, ascending in x: for each pooled block
	 * its first and last distinct x (a single point if they coincide). Same as
	 * sklearn's `X_thresholds_` / `y_thresholds_`.
	 */
	steps: IsotonicStep[];
}

/**
 * Weighted PAVA on an already ordered sequence: returns the non-decreasing
 * sequence f minimising Σ w_i (y_i − f_i)².
 */
export function pava(y: ArrayLike<number>, w?: ArrayLike<number>): Float64Array {
	checkSeries(y, w, 'pava');
	const n = y.length;
	// Block stack: weighted sum, weight, and the index where the block ends.
	const sum = new Float64Array(n);
	const weight = new Float64Array(n);
	const end = new Int32Array(n);
	let top = -1;
	for (let i = 0; i < n; i++) {
		const wi = w ? w[i] : 1;
		top++;
		sum[top] = wi * y[i];
		weight[top] = wi;
		end[top] = i;
		// Merge while the new block's mean is below the previous block's mean
		// (compared by cross-multiplication: weights are positive).
		while (top > 0 && sum[top - 1] * weight[top] > sum[top] * weight[top - 1]) {
			sum[top - 1] += sum[top];
			weight[top - 1] += weight[top];
			end[top - 1] = end[top];
			top--;
		}
	}
	const fit = new Float64Array(n);
	let start = 0;
	for (let b = 0; b <= top; b++) {
		const mean = sum[b] / weight[b];
		for (let i = start; i <= end[b]; i++) fit[i] = mean;
		start = end[b] + 1;
	}
	return fit;
}

/**
 * Fit isotonic regression of y on x (finite numbers, equal lengths, n ≥ 1;
 * optional positive weights).
 */
export function fitIsotonic(x: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): IsotonicFit {
	assertArrayLike(x, 'fitIsotonic: x');
	assertFiniteNumbers(x, 'fitIsotonic: x');
	checkSeries(y, w, 'fitIsotonic');
	assertSameLength(x, y, ['fitIsotonic: x', 'fitIsotonic: y']);
	const n = x.length;
	const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b] || y[a] - y[b]);
	// Merge ties in x: weighted mean of y, summed weight (sklearn `_make_unique`).
	const ux: number[] = [];
	const uy: number[] = [];
	const uw: number[] = [];
	for (const i of order) {
		const wi = w ? w[i] : 1;
		const last = ux.length - 1;
		if (last >= 0 && ux[last] === x[i]) {
			uy[last] += wi * y[i];
			uw[last] += wi;
		} else {
			ux.push(x[i]);
			uy.push(wi * y[i]);
			uw.push(wi);
		}
	}
	for (let j = 0; j < ux.length; j++) uy[j] /= uw[j];
	const fitted = pava(uy, uw);
	// Keep only knots where the fitted value changes on one side (block ends).
	const steps: IsotonicStep[] = [];
	for (let j = 0; j < ux.length; j++) {
		const interior = j > 0 && j < ux.length - 1 && fitted[j] === fitted[j - 1] && fitted[j] === fitted[j + 1];
		if (!interior) steps.push({ x: ux[j], y: fitted[j] });
	}
	const kx = Float64Array.from(steps, (s) => s.x);
	const ky = Float64Array.from(steps, (s) => s.y);
	const predict = (t: number): number => {
		if (typeof t !== 'number' || Number.isNaN(t))
			throw new TypeError(`isotonic predict: x must be a number, got ${String(t)}`);
		if (t <= kx[0]) return ky[0];
		const last = kx.length - 1;
		if (t >= kx[last]) return ky[last];
		// Largest knot index with kx[lo] ≤ t.
		let lo = 0;
		let hi = last;
		while (hi - lo > 1) {
			const mid = (lo + hi) >> 1;
			if (kx[mid] <= t) lo = mid;
			else hi = mid;
		}
		const f = (t - kx[lo]) / (kx[lo + 1] - kx[lo]);
		return ky[lo] + f * (ky[lo + 1] - ky[lo]);
	};
	return { predict, steps };
}
