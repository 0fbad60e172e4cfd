/**
 * Nonparametric bootstrap percentile intervals, optionally resampling whole
 * clusters.
 *
 * Method (Efron & Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 13):
 * draw B samples of the data with replacement, compute the statistic θ̂*_b on
 * each, and report [q_{α/2}, q_{1−α/2}] of the replicates, α = 1 − level.
 * Quantiles use linear interpolation between order statistics (Hyndman & Fan
 * 1996 type 7, the default of R `quantile` and NumPy `percentile`).
 *
 * Cluster bootstrap (Davison & Hinkley, "Bootstrap Methods and their
 * Application", 1997, §3.8): when labels are nested in items (several
 * responses, raters or turns per prompt) the items, not the labels, are the
 * independent units. Each resample draws as many clusters as exist, with
 * replacement, and keeps every element of a drawn cluster. Resampling labels
 * individually would pretend the labels are independent and give intervals
 * that are too narrow.
 *
 * BCa (`method: 'bca'`; Efron, "Better bootstrap confidence intervals",
 * JASA 82, 171–185, 1987; Efron & Tibshirani 1993, §14.3): the percentile
 * interval read at corrected levels
 *   α₁ = Φ(ẑ₀ + (ẑ₀ + z_{α/2}) / (1 − â(ẑ₀ + z_{α/2}))),  α₂ likewise with z_{1−α/2},
 * with bias correction ẑ₀ = Φ⁻¹((#{θ*_b < θ̂} + ½·#{θ*_b = θ̂}) / B) (ties
 * split in half, as discrete statistics like κ often equal θ̂ exactly) and
 * acceleration â = Σ(θ̄₍.₎ − θ̂₍ᵢ₎)³ / (6·[Σ(θ̄₍.₎ − θ̂₍ᵢ₎)²]^{3/2}) from the
 * jackknife, leaving out one element (one cluster with `clusters`) at a time.
 * Second-order accurate where the percentile interval is first-order, so it
 * helps for skewed statistics near a bound; it cannot help when every
 * resample gives the same value (see "Edges").
 *
 * Edges:
 * - Undefined resamples. A statistic that returns a non-finite value or
 *   throws a RangeError on a resample (κ when a resample holds one category
 *   only) marks that resample undefined. It is left out, the interval is
 *   computed on the rest (i.e. conditional on the statistic being defined),
 *   the count is reported as `undefinedResamples`, and a warning is added when
 *   more than `warnUndefinedShare` (default 5%) of the resamples are
 *   undefined. Fewer than 2 defined resamples is an error. Other errors
 *   (TypeError: a bug, not the data) propagate.
 * - Zero width. When every defined resample gives the same value (κ = 1 on a
 *   sample that agrees perfectly) the interval is [θ̂, θ̂]: `zeroWidth` is
 *   set and a warning says that the interval is not a statement of
 *   certainty. For κ near 1 or at small n, use `cohenKappaInterval`.
 * - BCa needs 0 < ẑ₀'s proportion < 1; otherwise it falls back to the
 *   percentile interval with a warning (`method` reports what was used).
 *
 * Assumptions: the (clusters of) observations are i.i.d.; the statistic is a
 * smooth-enough functional for the percentile interval to be valid; B ≥ 1000 is
 * advisable for 95% intervals.
 */
import { normalCdf, normalQuantile } from './distributions';
import { Xoshiro128 } from './rng';
import { assertArray, assertInteger, assertNonEmpty, assertProbabilityLevel, describe } from './validate';

export type BootstrapMethod = 'percentile' | 'bca';

export interface BootstrapOptions {
	/** Cluster key per data element; elements sharing a key are resampled together. */
	clusters?: readonly (string | number)[];
	/** Number of bootstrap resamples B (default 1000). */
	resamples?: number;
	/** Confidence level in (0, 1) (default 0.95). */
	level?: number;
	/** PRNG seed; equal seeds give equal intervals (default 1). */
	seed?: number;
	/** `'percentile'` (default) or `'bca'` (bias-corrected and accelerated; costs one jackknife pass). */
	method?: BootstrapMethod;
	/** Share of undefined resamples above which a warning is added (default 0.05). */
	warnUndefinedShare?: number;
}

export interface BootstrapResult {
	/** The statistic on the full data. */
	estimate: number;
	/** Interval [lower, upper] from the defined resamples. */
	ci: [number, number];
	/** Resamples drawn, including undefined ones. */
	resamples: number;
	level: number;
	/** The method actually used (BCa falls back to percentile when ẑ₀ is infinite). */
	method: BootstrapMethod;
	/** Resamples on which the statistic was undefined (non-finite or RangeError), left out of `ci`. */
	undefinedResamples: number;
	/** ci[0] === ci[1]: every defined resample gave the same value. */
	zeroWidth: boolean;
	/** Human-readable cautions (many undefined resamples, zero width, BCa fallback); empty when none. */
	warnings: string[];
}

/**
 * A statistic evaluated on a resample given as indices into the original data:
 * only `indices[0 .. length − 1]` are valid. The buffer is reused between
 * resamples, so the statistic must not keep a reference to it.
 */
export type IndexStatistic = (indices: Int32Array, length: number) => number;

/** Group element positions by cluster key (compressed sparse rows). */
function groupClusters(keys: readonly (string | number)[]): { start: Int32Array; members: Int32Array } {
	const idOf = new Map<string | number, number>();
	const clusterOfElement = new Int32Array(keys.length);
	const sizes: number[] = [];
	for (let i = 0; i < keys.length; i++) {
		const key = keys[i];
		if (typeof key !== 'string' && !(typeof key === 'number' && Number.isFinite(key))) {
			throw new TypeError(`bootstrap: clusters[${i}] must be a string or a finite number`);
		}
		let id = idOf.get(key);
		if (id === undefined) {
			id = sizes.length;
			idOf.set(key, id);
			sizes.push(0);
		}
		sizes[id]++;
		clusterOfElement[i] = id;
	}
	const start = new Int32Array(sizes.length + 1);
	for (let c = 0; c < sizes.length; c++) start[c + 1] = start[c] + sizes[c];
	const fill = start.slice(0, sizes.length);
	const members = new Int32Array(keys.length);
	for (let i = 0; i < keys.length; i++) members[fill[clusterOfElement[i]]++] = i;
	return { start, members };
}

/**
 * A statistic with several outputs (e.g. κ, τ-b and ρ from one contingency
 * table) evaluated once per resample: it writes `dims` numbers into `out`.
 * Same buffer rules as `IndexStatistic`.
 */
export type VectorIndexStatistic = (indices: Int32Array, length: number, out: Float64Array) => void;

/**
 * Drive B resamples of n elements, calling `visit(indices, length, b)` for
 * each. Draws are made in blocks by `Xoshiro128.fillBelow`; the loop allocates
 * nothing except to grow the index buffer when unequal clusters overflow it.
 */
function resample(
	n: number,
	{ clusters, resamples = 1000, seed = 1 }: Omit<BootstrapOptions, 'level'>,
	visit: (indices: Int32Array, length: number, b: number) => void
): void {
	assertInteger(n, 'bootstrap: number of data elements');
	assertInteger(resamples, 'bootstrap: resamples', 2);
	if (clusters !== undefined && clusters.length !== n) {
		throw new RangeError(`bootstrap: clusters must have one key per data element (got ${clusters.length} for ${n})`);
	}
	const generator = new Xoshiro128(seed);
	let buffer = new Int32Array(n);
	if (clusters === undefined) {
		for (let b = 0; b < resamples; b++) {
			generator.fillBelow(buffer, 0, n, n);
			visit(buffer, n, b);
		}
		return;
	}
	const { start, members } = groupClusters(clusters);
	const k = start.length - 1;
	const drawn = new Int32Array(k);
	for (let b = 0; b < resamples; b++) {
		generator.fillBelow(drawn, 0, k, k);
		let length = 0;
		for (let c = 0; c < k; c++) {
			const from = start[drawn[c]];
			const to = start[drawn[c] + 1];
			if (length + to - from > buffer.length) {
				const grown = new Int32Array(Math.max(buffer.length * 2, length + to - from));
				grown.set(buffer.subarray(0, length));
				buffer = grown;
			}
			for (let j = from; j < to; j++) buffer[length++] = members[j];
		}
		visit(buffer, length, b);
	}
}

/**
 * The statistic on one resample, NaN when it is undefined there: a
 * non-finite value or a RangeError (the library's "undefined on these data").
 */
function evaluate(statistic: IndexStatistic, indices: Int32Array, length: number): number {
	try {
		const value = statistic(indices, length);
		return Number.isFinite(value) ? value : Number.NaN;
	} catch (error) {
		if (error instanceof RangeError) return Number.NaN;
		throw error;
	}
}

/**
 * A vector statistic on one resample into `out`, NaN for every output that is
 * undefined there (non-finite or unwritten) and for all outputs on a RangeError.
 */
function evaluateVector(statistic: VectorIndexStatistic, indices: Int32Array, length: number, out: Float64Array): void {
	out.fill(Number.NaN);
	try {
		statistic(indices, length, out);
	} catch (error) {
		if (!(error instanceof RangeError)) throw error;
		out.fill(Number.NaN);
	}
	for (let d = 0; d < out.length; d++) if (!Number.isFinite(out[d])) out[d] = Number.NaN;
}

/**
 * The B bootstrap replicates of an index-based statistic over n elements;
 * NaN marks a resample on which the statistic is undefined (see "Edges").
 */
export function bootstrapReplicates(
	statistic: IndexStatistic,
	n: number,
	options: Omit<BootstrapOptions, 'level'> = {}
): Float64Array {
	const resamples = options.resamples ?? 1000;
	assertInteger(resamples, 'bootstrap: resamples', 2);
	const out = new Float64Array(resamples);
	resample(n, options, (indices, length, b) => {
		out[b] = evaluate(statistic, indices, length);
	});
	return out;
}

/**
 * Replicates of a vector statistic: result[d][b] is output d on resample b,
 * NaN where undefined (a non-finite output, an output left unwritten, or a
 * RangeError, which makes every output of that resample NaN). All outputs see
 * the same resamples, so their intervals are jointly valid and the resampling
 * cost is paid once.
 */
export function bootstrapVectorReplicates(
	statistic: VectorIndexStatistic,
	dims: number,
	n: number,
	options: Omit<BootstrapOptions, 'level'> = {}
): Float64Array[] {
	assertInteger(dims, 'bootstrap: dims');
	const resamples = options.resamples ?? 1000;
	assertInteger(resamples, 'bootstrap: resamples', 2);
	const series = Array.from({ length: dims }, () => new Float64Array(resamples));
	const out = new Float64Array(dims);
	resample(n, options, (indices, length, b) => {
		evaluateVector(statistic, indices, length, out);
		for (let d = 0; d < dims; d++) series[d][b] = out[d];
	});
	return series;
}

/** Type-7 quantile of an ascending-sorted array, p ∈ [0, 1]. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
	assertNonEmpty(sorted, 'quantileSorted: values');
	if (!(p >= 0 && p <= 1)) throw new RangeError(`quantileSorted: p must be in [0, 1], got ${p}`);
	const h = (sorted.length - 1) * p;
	const lo = Math.floor(h);
	const hi = Math.min(lo + 1, sorted.length - 1);
	return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Percentile interval of bootstrap replicates at the given level (sorts a
 * copy). Throws on a NaN or infinite replicate: drop undefined resamples
 * first (`bootstrapInterval` does, and counts them).
 */
export function percentileInterval(replicates: ArrayLike<number>, level = 0.95): [number, number] {
	assertProbabilityLevel(level);
	assertNonEmpty(replicates, 'percentileInterval: replicates');
	for (let b = 0; b < replicates.length; b++) {
		if (!Number.isFinite(replicates[b])) {
			throw new RangeError(
				`percentileInterval: replicates[${b}] is ${replicates[b]}; leave out undefined resamples first`
			);
		}
	}
	const sorted = Float64Array.from(replicates).sort();
	const tail = (1 - level) / 2;
	return [quantileSorted(sorted, tail), quantileSorted(sorted, 1 - tail)];
}

export interface BootstrapIntervalOptions {
	level?: number;
	method?: BootstrapMethod;
	/** Jackknife values of the statistic (leave one unit out; NaN = undefined), needed for BCa. */
	jackknife?: ArrayLike<number>;
	warnUndefinedShare?: number;
}

/**
 * Interval from bootstrap replicates (NaN = undefined resample) and the
 * full-data estimate: drops and counts undefined resamples, then applies the
 * percentile or BCa rule and flags zero width. See the module docblock.
 */
export function bootstrapInterval(
	replicates: ArrayLike<number>,
	estimate: number,
	{ level = 0.95, method = 'percentile', jackknife, warnUndefinedShare = 0.05 }: BootstrapIntervalOptions = {}
): BootstrapResult {
	assertProbabilityLevel(level);
	if (method !== 'percentile' && method !== 'bca') {
		throw new RangeError(`bootstrap: method must be 'percentile' or 'bca', got ${describe(method)}`);
	}
	if (typeof warnUndefinedShare !== 'number' || !(warnUndefinedShare >= 0 && warnUndefinedShare <= 1)) {
		throw new RangeError(`bootstrap: warnUndefinedShare must be in [0, 1], got ${describe(warnUndefinedShare)}`);
	}
	if (!Number.isFinite(estimate)) throw new RangeError(`bootstrap: the estimate is ${estimate}`);
	const resamples = replicates.length;
	const defined: number[] = [];
	for (let b = 0; b < resamples; b++) if (Number.isFinite(replicates[b])) defined.push(replicates[b]);
	const undefinedResamples = resamples - defined.length;
	if (defined.length < 2) {
		throw new RangeError(
			`bootstrap: the statistic is undefined on ${undefinedResamples} of ${resamples} resamples ` +
				'(too little data or too few categories?)'
		);
	}
	const warnings: string[] = [];
	if (undefinedResamples > warnUndefinedShare * resamples) {
		warnings.push(
			`The statistic is undefined on ${undefinedResamples} of ${resamples} resamples ` +
				`(${((100 * undefinedResamples) / resamples).toFixed(1)}%); the interval uses the other ` +
				`${defined.length} and is conditional on the statistic being defined.`
		);
	}
	const sorted = Float64Array.from(defined).sort();
	const tail = (1 - level) / 2;
	let used: BootstrapMethod = 'percentile';
	let lowP = tail;
	let highP = 1 - tail;
	if (method === 'bca') {
		const corrected = bcaLevels(sorted, estimate, level, jackknife);
		if (typeof corrected === 'string') warnings.push(corrected);
		else {
			[lowP, highP] = corrected;
			used = 'bca';
		}
	}
	const ci: [number, number] = [quantileSorted(sorted, lowP), quantileSorted(sorted, highP)];
	const zeroWidth = ci[0] === ci[1];
	if (zeroWidth) {
		warnings.push(
			`Every defined resample gives ${ci[0]}: the interval has zero width, which reflects the sample ` +
				'(e.g. perfect agreement), not certainty; use an analytic interval (cohenKappaInterval for κ) or more data.'
		);
	}
	return { estimate, ci, resamples, level, method: used, undefinedResamples, zeroWidth, warnings };
}

/**
 * BCa levels (α₁, α₂) of the sorted defined replicates, or the reason BCa is
 * unavailable (then the caller falls back to the percentile interval).
 */
function bcaLevels(
	sorted: Float64Array,
	estimate: number,
	level: number,
	jackknife: ArrayLike<number> | undefined
): [number, number] | string {
	if (jackknife === undefined) throw new RangeError("bootstrap: method 'bca' needs the jackknife values");
	let below = 0;
	let equal = 0;
	for (let b = 0; b < sorted.length; b++) {
		if (sorted[b] < estimate) below++;
		else if (sorted[b] === estimate) equal++;
	}
	const share = (below + equal / 2) / sorted.length;
	if (!(share > 0 && share < 1)) {
		return 'BCa is undefined because every resample lies on one side of the estimate; the percentile interval is shown.';
	}
	const z0 = normalQuantile(share);
	let mean = 0;
	let count = 0;
	for (let i = 0; i < jackknife.length; i++) {
		if (Number.isFinite(jackknife[i])) {
			mean += jackknife[i];
			count++;
		}
	}
	let a = 0;
	if (count >= 2) {
		mean /= count;
		let s2 = 0;
		let s3 = 0;
		for (let i = 0; i < jackknife.length; i++) {
			if (!Number.isFinite(jackknife[i])) continue;
			const d = mean - jackknife[i];
			s2 += d * d;
			s3 += d * d * d;
		}
		a = s2 > 0 ? s3 / (6 * s2 ** 1.5) : 0;
	}
	const adjust = (z: number): number => {
		const w = z0 + z;
		return normalCdf(z0 + w / (1 - a * w));
	};
	const z = normalQuantile((1 - level) / 2);
	const low = adjust(z);
	const high = adjust(-z);
	// 1 − a·w ≤ 0 for extreme â makes the mapping non-monotone: not usable.
	if (!(low >= 0 && high <= 1 && low < high)) {
		return 'BCa levels are not usable (extreme acceleration); the percentile interval is shown.';
	}
	return [low, high];
}

/**
 * Jackknife values of an index statistic: the statistic with one element (or,
 * with `clusters`, one cluster) left out at a time; NaN where undefined.
 */
export function jackknifeValues(
	statistic: VectorIndexStatistic,
	dims: number,
	n: number,
	clusters?: readonly (string | number)[]
): Float64Array[] {
	const { start, members } = clusters ? groupClusters(clusters) : identityGroups(n);
	const k = start.length - 1;
	const series = Array.from({ length: dims }, () => new Float64Array(k));
	const out = new Float64Array(dims);
	const keep = new Int32Array(n);
	const left = new Uint8Array(n);
	for (let c = 0; c < k; c++) {
		for (let j = start[c]; j < start[c + 1]; j++) left[members[j]] = 1;
		let length = 0;
		for (let i = 0; i < n; i++) if (!left[i]) keep[length++] = i;
		for (let j = start[c]; j < start[c + 1]; j++) left[members[j]] = 0;
		evaluateVector(statistic, keep, length, out);
		for (let d = 0; d < dims; d++) series[d][c] = out[d];
	}
	return series;
}

function identityGroups(n: number): { start: Int32Array; members: Int32Array } {
	const start = new Int32Array(n + 1);
	for (let i = 0; i <= n; i++) start[i] = i;
	return { start, members: start.subarray(0, n) };
}

/**
 * Fast path: bootstrap CI of an index-based statistic over n elements.
 * `estimate` is the statistic on the identity index list 0 … n − 1.
 */
export function bootstrapIndexCI(
	statistic: IndexStatistic,
	n: number,
	options: BootstrapOptions = {}
): BootstrapResult {
	return bootstrapIndexCIs(
		(indices, length, out) => {
			out[0] = statistic(indices, length);
		},
		1,
		n,
		options
	)[0];
}

/**
 * Fast path for several statistics on the same resamples: one
 * `BootstrapResult` per output of a vector statistic (estimates from the
 * identity index list). Each output counts its own undefined resamples.
 */
export function bootstrapIndexCIs(
	statistic: VectorIndexStatistic,
	dims: number,
	n: number,
	options: BootstrapOptions = {}
): BootstrapResult[] {
	const { level = 0.95, method = 'percentile', warnUndefinedShare } = options;
	assertProbabilityLevel(level);
	assertInteger(n, 'bootstrap: number of data elements');
	assertInteger(dims, 'bootstrap: dims');
	if (method !== 'percentile' && method !== 'bca') {
		throw new RangeError(`bootstrap: method must be 'percentile' or 'bca', got ${describe(method)}`);
	}
	const identity = new Int32Array(n);
	for (let i = 0; i < n; i++) identity[i] = i;
	const estimates = new Float64Array(dims).fill(Number.NaN);
	statistic(identity, n, estimates);
	estimates.forEach((e, d) => {
		if (!Number.isFinite(e)) {
			throw new RangeError(`bootstrap: the statistic returned ${e} on the full data` + ` (output ${d})`);
		}
	});
	const series = bootstrapVectorReplicates(statistic, dims, n, options);
	const jackknife = method === 'bca' ? jackknifeValues(statistic, dims, n, options.clusters) : undefined;
	return series.map((replicates, d) =>
		bootstrapInterval(replicates, estimates[d], { level, method, jackknife: jackknife?.[d], warnUndefinedShare })
	);
}

/**
 * Bootstrap CI of `statistic(data)` (percentile, or BCa with `method: 'bca'`).
 * A statistic that throws a RangeError or returns a non-finite value on a
 * resample marks it undefined (counted, left out; see the module docblock).
 *
 * @example bootstrapCI(mean, scores, { clusters: promptIds, seed: 7 })
 */
export function bootstrapCI<T>(
	statistic: (sample: T[]) => number,
	data: readonly T[],
	options: BootstrapOptions = {}
): BootstrapResult {
	assertArray(data, 'bootstrapCI: data');
	assertNonEmpty(data, 'bootstrapCI: data');
	if (typeof statistic !== 'function') throw new TypeError('bootstrapCI: statistic must be a function');
	return bootstrapIndexCI(
		(indices, length) => {
			const sample = new Array<T>(length);
			for (let i = 0; i < length; i++) sample[i] = data[indices[i]];
			return statistic(sample);
		},
		data.length,
		options
	);
}
