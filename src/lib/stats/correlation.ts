/**
 * Correlation of two score vectors: Pearson's r, Spearman's ρ (average ranks
 * for ties) and Kendall's τ-b (O(n log n), Knight 1966).
 *
 * Pairs where either value is `null` are dropped (pairwise deletion). All
 * three are in [−1, 1] and undefined when either variable is constant among
 * the kept pairs; they throw a RangeError then instead of returning NaN.
 *
 * Which to use: Pearson measures linear association on interval scores and is
 * sensitive to outliers; Spearman and τ-b depend only on order, so they suit
 * Likert-type judge scores. On coarse scales with many ties τ-b is the
 * better-behaved choice (its tie correction is exact; Spearman's average ranks
 * are a convention). The table forms (`…FromTable`) compute the same values
 * from a contingency table of ordered categories, for fast bootstraps.
 */
import { assertArrayLike, assertFiniteNumbers, assertSameLength } from './validate';

/** Complete pairs of two numeric vectors as typed arrays. */
function completePairs(
	x: ArrayLike<number | null>,
	y: ArrayLike<number | null>,
	fn: string
): [Float64Array, Float64Array] {
	assertArrayLike(x, `${fn}: x`);
	assertArrayLike(y, `${fn}: y`);
	assertSameLength(x, y, ['x', 'y']);
	assertFiniteNumbers(x, `${fn}: x`, { allowNull: true });
	assertFiniteNumbers(y, `${fn}: y`, { allowNull: true });
	let n = 0;
	for (let i = 0; i < x.length; i++) if (x[i] !== null && y[i] !== null) n++;
	if (n < 2) throw new RangeError(`${fn}: needs at least 2 complete (x, y) pairs, got ${n}`);
	const xs = new Float64Array(n);
	const ys = new Float64Array(n);
	let j = 0;
	for (let i = 0; i < x.length; i++) {
		if (x[i] === null || y[i] === null) continue;
		xs[j] = x[i] as number;
		ys[j++] = y[i] as number;
	}
	return [xs, ys];
}

/** r of two complete typed arrays, two-pass (centred) for accuracy. */
function pearsonOf(x: Float64Array, y: Float64Array, fn: string): number {
	const n = x.length;
	let mx = 0;
	let my = 0;
	for (let i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= n;
	my /= n;
	let sxy = 0;
	let sxx = 0;
	let syy = 0;
	for (let i = 0; i < n; i++) {
		const dx = x[i] - mx;
		const dy = y[i] - my;
		sxy += dx * dy;
		sxx += dx * dx;
		syy += dy * dy;
	}
	if (sxx === 0 || syy === 0) throw new RangeError(`${fn}: undefined because ${sxx === 0 ? 'x' : 'y'} is constant`);
	// Clamp: rounding can push |r| a hair above 1 for perfectly linear data.
	return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/**
 * Pearson's product-moment correlation
 *   r = Σ (x_i − x̄)(y_i − ȳ) / √(Σ (x_i − x̄)² Σ (y_i − ȳ)²)
 * (Pearson 1896). Range [−1, 1]. Assumes interval-scale scores; measures
 * linear association only.
 */
export function pearson(x: ArrayLike<number | null>, y: ArrayLike<number | null>): number {
	const [xs, ys] = completePairs(x, y, 'pearson');
	return pearsonOf(xs, ys, 'pearson');
}

/** 1-based ranks with ties given the average of the ranks they span. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
	const n = values.length;
	const order = new Int32Array(n);
	for (let i = 0; i < n; i++) order[i] = i;
	order.sort((a, b) => values[a] - values[b]);
	const ranks = new Float64Array(n);
	let start = 0;
	while (start < n) {
		let end = start + 1;
		while (end < n && values[order[end]] === values[order[start]]) end++;
		const rank = (start + 1 + end) / 2; // mean of ranks start+1 … end
		for (let i = start; i < end; i++) ranks[order[i]] = rank;
		start = end;
	}
	return ranks;
}

/**
 * Spearman's rank correlation ρ = Pearson's r of the ranks, tied values
 * getting their average rank (Spearman 1904; the tie handling of
 * `scipy.stats.spearmanr`). Range [−1, 1]. Only the order of values matters.
 */
export function spearman(x: ArrayLike<number | null>, y: ArrayLike<number | null>): number {
	const [xs, ys] = completePairs(x, y, 'spearman');
	return pearsonOf(averageRanks(xs), averageRanks(ys), 'spearman');
}

/** Σ t(t − 1)/2 over runs of equal values in an array sorted by `same`. */
function tiedPairs(n: number, same: (i: number, j: number) => boolean): number {
	let total = 0;
	let run = 1;
	for (let i = 1; i <= n; i++) {
		if (i < n && same(i - 1, i)) run++;
		else {
			total += (run * (run - 1)) / 2;
			run = 1;
		}
	}
	return total;
}

/** Stable bottom-up merge sort of `a` (in place); returns the number of strict inversions. */
function mergeSortCountingSwaps(a: Float64Array): number {
	const n = a.length;
	let src: Float64Array = a;
	let dst: Float64Array = new Float64Array(n);
	let swaps = 0;
	for (let width = 1; width < n; width *= 2) {
		for (let lo = 0; lo < n; lo += 2 * width) {
			const mid = Math.min(lo + width, n);
			const hi = Math.min(lo + 2 * width, n);
			let i = lo;
			let j = mid;
			let k = lo;
			while (i < mid && j < hi) {
				// Take from the right only when strictly smaller: equal y are not discordant.
				if (src[j] < src[i]) {
					swaps += mid - i;
					dst[k++] = src[j++];
				} else dst[k++] = src[i++];
			}
			while (i < mid) dst[k++] = src[i++];
			while (j < hi) dst[k++] = src[j++];
		}
		[src, dst] = [dst, src];
	}
	if (src !== a) a.set(src);
	return swaps;
}

/**
 * Kendall's τ-b (Kendall 1945), in O(n log n) by Knight's (1966) algorithm:
 * sort pairs by (x, y), count ties in x (n₁) and joint ties (n₃), merge-sort
 * y counting swaps (= discordant pairs D), count ties in y (n₂); then with
 * n₀ = n(n − 1)/2,
 *   τ_b = (n₀ − n₁ − n₂ + n₃ − 2D) / √((n₀ − n₁)(n₀ − n₂))
 * Range [−1, 1]; equals `scipy.stats.kendalltau` (variant 'b') and R
 * `cor(method = "kendall")`. Reference: Knight, W. R. (1966) JASA 61, 436–439.
 */
export function kendallTauB(x: ArrayLike<number | null>, y: ArrayLike<number | null>): number {
	const [xs, ys] = completePairs(x, y, 'kendallTauB');
	const n = xs.length;
	const order = new Int32Array(n);
	for (let i = 0; i < n; i++) order[i] = i;
	order.sort((a, b) => xs[a] - xs[b] || ys[a] - ys[b]);
	const sx = new Float64Array(n);
	const sy = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		sx[i] = xs[order[i]];
		sy[i] = ys[order[i]];
	}
	const n1 = tiedPairs(n, (i, j) => sx[i] === sx[j]);
	const n3 = tiedPairs(n, (i, j) => sx[i] === sx[j] && sy[i] === sy[j]);
	const discordant = mergeSortCountingSwaps(sy);
	const n2 = tiedPairs(n, (i, j) => sy[i] === sy[j]);
	return tauBFromCounts(n, n1, n2, n3, discordant);
}

/** τ-b from pair counts; shared by the sample and table forms. */
function tauBFromCounts(n: number, n1: number, n2: number, n3: number, discordant: number): number {
	const n0 = (n * (n - 1)) / 2;
	if (n0 - n1 === 0 || n0 - n2 === 0) {
		throw new RangeError(`kendallTauB: undefined because ${n0 - n1 === 0 ? 'x' : 'y'} is constant`);
	}
	const tau = (n0 - n1 - n2 + n3 - 2 * discordant) / Math.sqrt((n0 - n1) * (n0 - n2));
	return Math.max(-1, Math.min(1, tau));
}

/** Validate a flat rows × cols table of non-negative counts; returns its total. */
function tableTotal(table: ArrayLike<number>, rows: number, cols: number, fn: string): number {
	if (table.length !== rows * cols) throw new RangeError(`${fn}: table must have rows × cols = ${rows * cols} cells`);
	let n = 0;
	for (let c = 0; c < table.length; c++) n += table[c];
	return n;
}

/**
 * τ-b from a flat rows × cols contingency table of counts (row = x category,
 * column = y category, both in ascending order); equals `kendallTauB` on the
 * expanded data. O(rows · cols): discordant pairs D = Σ n_ij Σ_{i'>i, j'<j} n_i'j',
 * tie counts from the margins and cells, then the τ-b formula above.
 */
export function kendallTauBFromTable(table: ArrayLike<number>, rows: number, cols: number): number {
	const n = tableTotal(table, rows, cols, 'kendallTauBFromTable');
	// below[j] = Σ over rows after the current one of column j (a running suffix).
	const below = new Float64Array(cols);
	let n1 = 0;
	let n3 = 0;
	let discordant = 0;
	const colTotals = new Float64Array(cols);
	for (let i = rows - 1; i >= 0; i--) {
		let rowTotal = 0;
		let belowLeft = 0; // Σ_{j' < j} below[j']: later x, smaller y → discordant
		for (let j = 0; j < cols; j++) {
			const c = table[i * cols + j];
			discordant += c * belowLeft;
			n3 += (c * (c - 1)) / 2;
			rowTotal += c;
			colTotals[j] += c;
			belowLeft += below[j];
		}
		n1 += (rowTotal * (rowTotal - 1)) / 2;
		for (let j = 0; j < cols; j++) below[j] += table[i * cols + j];
	}
	let n2 = 0;
	for (let j = 0; j < cols; j++) n2 += (colTotals[j] * (colTotals[j] - 1)) / 2;
	if (n < 2) throw new RangeError('kendallTauBFromTable: needs at least 2 observations');
	return tauBFromCounts(n, n1, n2, n3, discordant);
}

/**
 * Spearman's ρ from a flat rows × cols contingency table of ordered
 * categories: each category gets the average rank of the observations in it,
 * then Pearson's r of the ranks weighted by the cell counts. Equals `spearman`
 * on the expanded data.
 */
export function spearmanFromTable(table: ArrayLike<number>, rows: number, cols: number): number {
	const n = tableTotal(table, rows, cols, 'spearmanFromTable');
	if (n < 2) throw new RangeError('spearmanFromTable: needs at least 2 observations');
	const rowTotals = new Float64Array(rows);
	const colTotals = new Float64Array(cols);
	for (let i = 0; i < rows; i++) {
		for (let j = 0; j < cols; j++) {
			rowTotals[i] += table[i * cols + j];
			colTotals[j] += table[i * cols + j];
		}
	}
	const meanRank = (n + 1) / 2;
	// Centred average rank of each category: (cumulative before) + (count + 1)/2 − mean.
	const centred = (totals: Float64Array): Float64Array => {
		const out = new Float64Array(totals.length);
		let before = 0;
		for (let i = 0; i < totals.length; i++) {
			out[i] = before + (totals[i] + 1) / 2 - meanRank;
			before += totals[i];
		}
		return out;
	};
	const rx = centred(rowTotals);
	const ry = centred(colTotals);
	let sxy = 0;
	let sxx = 0;
	let syy = 0;
	for (let i = 0; i < rows; i++) {
		sxx += rowTotals[i] * rx[i] * rx[i];
		for (let j = 0; j < cols; j++) sxy += table[i * cols + j] * rx[i] * ry[j];
	}
	for (let j = 0; j < cols; j++) syy += colTotals[j] * ry[j] * ry[j];
	if (sxx === 0 || syy === 0) throw new RangeError(`spearman: undefined because ${sxx === 0 ? 'x' : 'y'} is constant`);
	return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}
