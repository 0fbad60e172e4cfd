/**
 * Spearman's ρ on bootstrap resamples in O(n) each, without sorting.
 *
 * A resample is a multiset of the original n points, described by counts
 * c_i (how often point i was drawn). Sorting the original points once by x
 * (and by y) is enough: walking that order, a run of equal values with total
 * multiplicity g starting after `cum` drawn elements gets the average rank
 * cum + (g + 1)/2 — exactly the tie-averaged rank every copy of those points
 * has in the resample. ρ is then the count-weighted Pearson correlation of
 * the ranks, identical (up to rounding) to `spearman` on the expanded
 * resample. Internal to the library (used by `lengthBias`).
 */

export interface ResampleSpearman {
	/** ρ of the resample given by `indices[0 .. length − 1]`; throws if x or y is constant in it. */
	(indices: Int32Array, length: number): number;
}

/** Precompute the sort orders of x and y (finite numbers, equal lengths ≥ 2). */
export function resampleSpearman(x: Float64Array, y: Float64Array): ResampleSpearman {
	const n = x.length;
	const orderX = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b]);
	const orderY = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => y[a] - y[b]);
	const counts = new Float64Array(n);
	const rx = new Float64Array(n);
	const ry = new Float64Array(n);

	const rank = (values: Float64Array, order: Int32Array, out: Float64Array): void => {
		let cum = 0;
		let start = 0;
		while (start < n) {
			let end = start + 1;
			while (end < n && values[order[end]] === values[order[start]]) end++;
			let g = 0;
			for (let t = start; t < end; t++) g += counts[order[t]];
			const r = cum + (g + 1) / 2;
			for (let t = start; t < end; t++) out[order[t]] = r;
			cum += g;
			start = end;
		}
	};

	return (indices, length) => {
		counts.fill(0);
		for (let t = 0; t < length; t++) counts[indices[t]]++;
		rank(x, orderX, rx);
		rank(y, orderY, ry);
		// Mean rank is (length + 1)/2 for both variables by construction.
		const mean = (length + 1) / 2;
		let sxy = 0;
		let sxx = 0;
		let syy = 0;
		for (let i = 0; i < n; i++) {
			const c = counts[i];
			if (c === 0) continue;
			const dx = rx[i] - mean;
			const dy = ry[i] - mean;
			sxy += c * dx * dy;
			sxx += c * dx * dx;
			syy += c * dy * dy;
		}
		if (sxx === 0 || syy === 0) {
			throw new RangeError(`spearman: undefined because ${sxx === 0 ? 'x' : 'y'} is constant in a bootstrap resample`);
		}
		return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
	};
}
