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
 * Assumptions: the (clusters of) observations are i.i.d.; the statistic is a
 * smooth-enough functional for the percentile interval to be valid; B ≥ 1000 is
 * advisable for 95% intervals.
 */
import { Xoshiro128 } from './rng';
import { assertArray, assertInteger, assertNonEmpty, assertProbabilityLevel } from './validate';

export interface BootstrapOptions {
	/** Cluster key per data element; elements sharing a key are resampled together. */
	clusters?: readonly (string | number)[];
	/** Number of bootstrap resamples B (default 1000). */
	resamples?: number;
	/** Confidence level in (0, 1) (default 0.95). */
	level?: number;
	/** PRNG seed; equal seeds give equal intervals (default 1). */
	seed?: number;
}

export interface BootstrapResult {
	/** The statistic on the full data. */
	estimate: number;
	/** Percentile interval [lower, upper]. */
	ci: [number, number];
	resamples: number;
	level: number;
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

function assertFiniteReplicate(value: number, b: number): void {
	if (!Number.isFinite(value)) {
		throw new RangeError(
			`bootstrap: the statistic returned ${value} on resample ${b + 1}; ` +
				'it is undefined on some resamples (too little data or too few categories?)'
		);
	}
}

/** The B bootstrap replicates of an index-based statistic over n elements. */
export function bootstrapReplicates(
	statistic: IndexStatistic,
	n: number,
	options: Omit<BootstrapOptions, 'level'> = {}
): Float64Array {
	const resamples = options.resamples ?? 1000;
	assertInteger(resamples, 'bootstrap: resamples', 2);
	const out = new Float64Array(resamples);
	resample(n, options, (indices, length, b) => {
		const value = statistic(indices, length);
		assertFiniteReplicate(value, b);
		out[b] = value;
	});
	return out;
}

/**
 * Replicates of a vector statistic: result[d][b] is output d on resample b.
 * All outputs see the same resamples, so their intervals are jointly valid
 * and the resampling cost is paid once.
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
		out.fill(Number.NaN);
		statistic(indices, length, out);
		for (let d = 0; d < dims; d++) {
			assertFiniteReplicate(out[d], b);
			series[d][b] = out[d];
		}
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

/** Percentile interval of bootstrap replicates at the given level (sorts a copy). */
export function percentileInterval(replicates: ArrayLike<number>, level = 0.95): [number, number] {
	assertProbabilityLevel(level);
	const sorted = Float64Array.from(replicates).sort();
	const tail = (1 - level) / 2;
	return [quantileSorted(sorted, tail), quantileSorted(sorted, 1 - tail)];
}

/**
 * Fast path: percentile CI of an index-based statistic over n elements.
 * `estimate` is the statistic on the identity index list 0 … n − 1.
 */
export function bootstrapIndexCI(
	statistic: IndexStatistic,
	n: number,
	options: BootstrapOptions = {}
): BootstrapResult {
	const { resamples = 1000, level = 0.95 } = options;
	assertProbabilityLevel(level);
	assertInteger(n, 'bootstrap: number of data elements');
	const identity = new Int32Array(n);
	for (let i = 0; i < n; i++) identity[i] = i;
	const estimate = statistic(identity, n);
	if (!Number.isFinite(estimate)) {
		throw new RangeError(`bootstrap: the statistic returned ${estimate} on the full data`);
	}
	const replicates = bootstrapReplicates(statistic, n, options);
	return { estimate, ci: percentileInterval(replicates, level), resamples, level };
}

/**
 * Fast path for several statistics on the same resamples: one
 * `BootstrapResult` per output of a vector statistic (estimates from the
 * identity index list).
 */
export function bootstrapIndexCIs(
	statistic: VectorIndexStatistic,
	dims: number,
	n: number,
	options: BootstrapOptions = {}
): BootstrapResult[] {
	const { resamples = 1000, level = 0.95 } = options;
	assertProbabilityLevel(level);
	assertInteger(n, 'bootstrap: number of data elements');
	assertInteger(dims, 'bootstrap: dims');
	const identity = new Int32Array(n);
	for (let i = 0; i < n; i++) identity[i] = i;
	const estimates = new Float64Array(dims).fill(Number.NaN);
	statistic(identity, n, estimates);
	estimates.forEach((e, d) => {
		if (!Number.isFinite(e)) throw new RangeError(`bootstrap: output ${d} of the statistic is ${e} on the full data`);
	});
	const series = bootstrapVectorReplicates(statistic, dims, n, options);
	return series.map((replicates, d) => ({
		estimate: estimates[d],
		ci: percentileInterval(replicates, level),
		resamples,
		level
	}));
}

/**
 * Percentile bootstrap CI of `statistic(data)`.
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
