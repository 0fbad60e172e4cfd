/**
 * One cluster bootstrap shared by many statistics of additive per-cluster tables.
 *
 * When a statistic is a function of a contingency table (κ, α, agreement shares
 * are all functions of the 3 × 3 table of two raters' verdicts), and the table is
 * a sum of per-cluster tables (each item's own labels), those per-cluster tables
 * are sufficient statistics: a resample of clusters is fully described by how often
 * each cluster was drawn, m_k, and its table is Σ_k m_k · T_k. So a resample costs
 * the non-zero cells of the drawn clusters, whatever the number of labels.
 *
 * Draws: resample b draws K clusters with replacement out of the K clusters
 * (uniformly, `Xoshiro128.fillBelow` from `seed`): the cluster bootstrap of
 * Davison & Hinkley ("Bootstrap Methods and their Application", 1997, §3.8) and
 * Field & Welsh ("Bootstrapping clustered data", JRSS B 69(3), 369–390, 2007:
 * the "cluster bootstrap", which resamples whole clusters and is consistent when
 * the clusters are independent, whatever the dependence inside them). The stream
 * of draws is the one `bootstrapIndexCIs` makes with `clusters` (or over K
 * indices), so a statistic over all K clusters gets exactly the intervals the
 * generic path gives (shared-cluster-bootstrap.test.ts checks it).
 *
 * Sharing: the K draws of resample b are made once and every statistic is
 * evaluated on them. A bootstrap sample is a sample of the data, and any
 * statistic s(x*) can be computed on it (Efron & Tibshirani, "An Introduction to
 * the Bootstrap", 1993, ch. 6); evaluating all of them on the same samples also
 * keeps their intervals jointly consistent. A statistic asking for B_s
 * resamples uses the first B_s of the stream. A statistic of a subgroup
 * (a system's or a category's items) sums only its own clusters' tables, so the
 * number of its clusters in a resample varies as it would between samples of
 * items: the bootstrap of a domain estimate (Lohr, "Sampling: Design and
 * Analysis", 2nd ed. 2010, ch. 4, estimation in domains; the bootstrap under the
 * same design, Davison & Hinkley §3.8). For statistics that are smooth functions of table
 * totals (ratios such as agreement shares, κ and α), its variance equals that
 * of resampling inside the subgroup with its size fixed, to first order; for a
 * subgroup of few clusters a resample may hold none of them, where the statistic
 * is undefined (counted in `undefinedResamples`, as in `bootstrapInterval`).
 *
 * Intervals: 95% percentile intervals (Efron & Tibshirani 1993, ch. 13) through
 * `bootstrapInterval`, with its rules for undefined resamples and zero width.
 */
import { bootstrapInterval, type BootstrapResult } from './bootstrap';
import { Xoshiro128, xoshiroFillBelow } from './rng';
import { assertInteger, assertProbabilityLevel } from './validate';

/**
 * Per-cluster tables in compressed sparse rows: cluster k adds `value[j]` to
 * accumulator column `column[j]`, for j in `start[k] … start[k + 1] − 1`.
 * Columns are laid out by the caller (e.g. 9 cells per statistic's table).
 */
export interface ClusterTables {
	clusters: number;
	columns: number;
	start: Int32Array;
	column: Int32Array;
	value: Float64Array;
}

/**
 * Builds `ClusterTables` from (cluster, column, amount) entries in any order;
 * entries for the same cluster and column add up.
 */
export class ClusterTablesBuilder {
	private cluster: Int32Array;
	private column: Int32Array;
	private amount: Float64Array;
	private length = 0;

	/** @param capacity entries expected (it grows past them as needed). */
	constructor(
		readonly columns: number,
		capacity = 1024
	) {
		assertInteger(columns, 'ClusterTablesBuilder: columns');
		assertInteger(capacity, 'ClusterTablesBuilder: capacity', 1);
		this.cluster = new Int32Array(capacity);
		this.column = new Int32Array(capacity);
		this.amount = new Float64Array(capacity);
	}

	add(cluster: number, column: number, amount = 1): void {
		if (!(Number.isInteger(cluster) && cluster >= 0)) throw new RangeError(`ClusterTables: bad cluster ${cluster}`);
		if (!(Number.isInteger(column) && column >= 0 && column < this.columns))
			throw new RangeError(`ClusterTables: column ${column} outside 0 … ${this.columns - 1}`);
		if (this.length === this.cluster.length) {
			const grow = <T extends Int32Array | Float64Array>(a: T): T => {
				const b = new (a.constructor as new (n: number) => T)(a.length * 2);
				b.set(a);
				return b;
			};
			this.cluster = grow(this.cluster);
			this.column = grow(this.column);
			this.amount = grow(this.amount);
		}
		this.cluster[this.length] = cluster;
		this.column[this.length] = column;
		this.amount[this.length] = amount;
		this.length++;
	}

	/** The tables of clusters 0 … clusters − 1 (a cluster without entries adds nothing). */
	build(clusters: number): ClusterTables {
		assertInteger(clusters, 'ClusterTables: clusters', 0);
		const n = this.length;
		const size = new Int32Array(clusters + 1);
		for (let e = 0; e < n; e++) {
			if (this.cluster[e] >= clusters) throw new RangeError(`ClusterTables: cluster ${this.cluster[e]} ≥ ${clusters}`);
			size[this.cluster[e] + 1]++;
		}
		for (let k = 0; k < clusters; k++) size[k + 1] += size[k];
		const order = new Int32Array(n);
		const fill = size.slice(0, clusters);
		for (let e = 0; e < n; e++) order[fill[this.cluster[e]]++] = e;
		// Merge each cluster's entries by column (dense scratch, reset through the touched list).
		const dense = new Float64Array(this.columns);
		const touched = new Int32Array(this.columns);
		const start = new Int32Array(clusters + 1);
		const column = new Int32Array(n);
		const value = new Float64Array(n);
		let m = 0;
		for (let k = 0; k < clusters; k++) {
			let t = 0;
			for (let j = size[k]; j < size[k + 1]; j++) {
				const e = order[j];
				const c = this.column[e];
				if (dense[c] === 0) touched[t++] = c;
				dense[c] += this.amount[e];
			}
			const cols = touched.subarray(0, t).sort();
			for (let i = 0; i < t; i++) {
				const c = cols[i];
				if (dense[c] !== 0) {
					column[m] = c;
					value[m++] = dense[c];
				}
				dense[c] = 0;
			}
			start[k + 1] = m;
		}
		return { clusters, columns: this.columns, start, column: column.slice(0, m), value: value.slice(0, m) };
	}
}

/**
 * A statistic of one table. Its table is the sum of one or more slices of the
 * accumulator (`parts`: their first columns, each `width` wide), so a subgroup's
 * table can be built from finer groups its clusters' entries were added to once
 * (e.g. a system's table as the sum of its system pairs'), instead of adding
 * every entry once per subgroup that contains it.
 */
export interface TableStatistic {
	/** First accumulator column of each part of its table (columns `part … part + width − 1`). */
	parts: readonly number[];
	width: number;
	/** Number of outputs `evaluate` writes. */
	dims: number;
	/** Resamples for its intervals: the first `resamples` of the shared stream (≥ 2). */
	resamples: number;
	/**
	 * Write the `dims` outputs for a table (a view, reused: do not keep it). A
	 * non-finite output, or a RangeError for all of them, marks it undefined there.
	 */
	evaluate(table: Float64Array, out: Float64Array): void;
}

export interface TableStatisticResult {
	/** Its table on the full data (every cluster once). */
	table: Float64Array;
	/** Outputs on the full data; NaN where undefined. */
	estimates: Float64Array;
	/** Per output: its percentile interval, or null where the estimate is undefined or fewer than 2 resamples are. */
	intervals: (BootstrapResult | null)[];
}

export interface SharedBootstrapOptions {
	/** PRNG seed; equal seeds give equal intervals (default 1). */
	seed?: number;
	/** Confidence level (default 0.95). */
	level?: number;
	/** Share of undefined resamples above which `bootstrapInterval` warns (default 0.05). */
	warnUndefinedShare?: number;
	/**
	 * Sum resamples through shared block patterns (`blockPatterns`) when exact and cheaper
	 * (default true); false forces the entry-by-entry sum. Both give identical tables.
	 */
	patterns?: boolean;
	/**
	 * Columns per block of the pattern factoring (default: blocks end at every statistic's part
	 * boundary). A caller whose clusters fill fixed groups of columns together (the agreement page:
	 * a comparison's two 3 × 3 tables, 18 columns) passes that width, so a cluster holds fewer,
	 * larger patterns: fewer weights to add per draw. Any blocks give identical tables.
	 */
	blockWidth?: number;
}

/**
 * Per-cluster tables factored into repeated blocks. The columns split into blocks at every
 * statistic's part boundary, and a cluster's entries in one block (e.g. one comparison's 3 × 3
 * table) are one "pattern"; clusters share patterns (a few labels on a 3 × 3 table take few
 * shapes). Then Σ_k m_k · T_k = Σ_p w_p · P_p with w_p = Σ of m_k over the clusters holding
 * pattern p: a resample adds one weight per (cluster, block) and then each pattern's entries
 * once, instead of every entry of every drawn cluster.
 */
export interface BlockPatterns {
	/** Per cluster, its pattern ids ordered by level, in `rowStart[k] … rowStart[k + 1] − 1`. */
	rowStart: Int32Array;
	ends: Int32Array;
	pattern: Int32Array;
	/** Patterns ordered by level: those of levels 0 … l are 0 … patternEnd[l] − 1. */
	patternEnd: Int32Array;
	patternStart: Int32Array;
	cols: Int32Array;
	vals: Float64Array;
}

/**
 * The pattern factoring, or null when it could change a sum (a non-integer value, or sums that
 * could pass 2^53: integer sums in doubles are exact in any order, so both paths give equal
 * tables), would cost more per resample than adding the entries, or when a cluster's columns
 * are not ascending (tables not made by ClusterTablesBuilder; the entry path takes any order).
 */
function blockPatterns(
	tables: ClusterTables,
	statistics: readonly TableStatistic[],
	levelOf: Int32Array,
	L: number,
	blockWidth?: number
): BlockPatterns | null {
	const { clusters: K, columns: C, start, column, value } = tables;
	let total = 0;
	for (let j = 0; j < start[K]; j++) {
		if (!Number.isInteger(value[j])) return null;
		total += Math.abs(value[j]);
	}
	if (total * Math.max(1, K) >= 2 ** 53) return null;
	// Blocks: column runs between part boundaries (every column of a block has the same level).
	// Or every blockWidth columns when the caller gives it; and wherever the level changes, so the
	// columns of a block always share one.
	const boundary = new Uint8Array(C + 1);
	if (blockWidth !== undefined) for (let c = 0; c <= C; c += blockWidth) boundary[c] = 1;
	else
		for (const s of statistics)
			for (const part of s.parts) {
				boundary[part] = 1;
				boundary[part + s.width] = 1;
			}
	for (let c = 1; c < C; c++) if (levelOf[c] !== levelOf[c - 1]) boundary[c] = 1;
	const blockOf = new Int32Array(C);
	for (let c = 0, b = -1; c < C; c++) blockOf[c] = boundary[c] ? ++b : Math.max(b, 0);
	// A cluster's entries of one block (its columns ascending, as ClusterTablesBuilder builds them)
	// are one run; equal runs are one pattern, found by a hash of the run and checked entry by
	// entry. Patterns are numbered in order of first appearance.
	const firstWithHash = new Map<number, number>();
	const nextWithHash: number[] = [];
	const entryStart: number[] = [0];
	const entryCols: number[] = [];
	const entryVals: number[] = [];
	const patternLevel: number[] = [];
	const clusterPatterns: number[] = [];
	const clusterStart = new Int32Array(K + 1);
	const sameRun = (p: number, from: number, to: number) => {
		if (entryStart[p + 1] - entryStart[p] !== to - from) return false;
		for (let q = from, e = entryStart[p]; q < to; q++, e++)
			if (entryCols[e] !== column[q] || entryVals[e] !== value[q]) return false;
		return true;
	};
	let used = 0;
	for (let k = 0; k < K; k++) {
		for (let j = start[k], end = start[k + 1]; j < end;) {
			const block = blockOf[column[j]];
			let r = j + 1;
			for (; r < end && blockOf[column[r]] === block; r++) if (column[r] <= column[r - 1]) return null;
			if (r < end && column[r] <= column[r - 1]) return null;
			if (levelOf[column[j]] >= 0) {
				used += r - j;
				let hash = 0x811c9dc5;
				for (let q = j; q < r; q++) {
					hash = Math.imul(hash ^ column[q], 0x01000193);
					hash = Math.imul(hash ^ (value[q] | 0), 0x01000193);
				}
				let id = firstWithHash.get(hash) ?? -1;
				while (id >= 0 && !sameRun(id, j, r)) id = nextWithHash[id];
				if (id < 0) {
					id = patternLevel.length;
					nextWithHash.push(firstWithHash.get(hash) ?? -1);
					firstWithHash.set(hash, id);
					for (let q = j; q < r; q++) {
						entryCols.push(column[q]);
						entryVals.push(value[q]);
					}
					entryStart.push(entryCols.length);
					patternLevel.push(levelOf[column[j]]);
				}
				clusterPatterns.push(id);
			}
			j = r;
		}
		clusterStart[k + 1] = clusterPatterns.length;
	}
	const P = patternLevel.length;
	const patternCells = entryCols.length;
	const pairs = clusterPatterns.length;
	if (pairs + patternCells >= used) return null;
	// Renumber patterns by level (stable), so each level's patterns are a prefix.
	const order = Array.from({ length: P }, (_, p) => p).sort((a, b) => patternLevel[a] - patternLevel[b] || a - b);
	const renumber = new Int32Array(P);
	order.forEach((p, i) => (renumber[p] = i));
	const patternEnd = new Int32Array(Math.max(1, L));
	for (const level of patternLevel) for (let l = level; l < L; l++) patternEnd[l]++;
	const patternStart = new Int32Array(P + 1);
	const cols = new Int32Array(patternCells);
	const vals = new Float64Array(patternCells);
	let e = 0;
	order.forEach((p, i) => {
		for (let q = entryStart[p]; q < entryStart[p + 1]; q++) {
			cols[e] = entryCols[q];
			vals[e++] = entryVals[q];
		}
		patternStart[i + 1] = e;
	});
	const rowStart = new Int32Array(K + 1);
	const ends = new Int32Array(Math.max(1, K * L));
	const pattern = new Int32Array(pairs);
	let n = 0;
	for (let k = 0; k < K; k++) {
		for (let l = 0; l < L; l++) {
			for (let q = clusterStart[k]; q < clusterStart[k + 1]; q++) {
				const p = clusterPatterns[q];
				if (patternLevel[p] === l) pattern[n++] = renumber[p];
			}
			ends[k * L + l] = n;
		}
		rowStart[k + 1] = n;
	}
	return { rowStart, ends, pattern, patternEnd, patternStart, cols, vals };
}

/**
 * The summing half of a shared bootstrap, as plain data (typed arrays and numbers), so that a
 * worker thread can take a share of the resamples (`sumResamples`, `sharedClusterBootstrapAsync`).
 * Either the pattern layout (`BlockPatterns`, when `factored`) or entry by entry: cluster k's
 * entries of levels 0 … l are cols/vals[rowStart[k] … ends[k · levels + l] − 1].
 */
export interface ResampleJob extends BlockPatterns {
	clusters: number;
	columns: number;
	levels: number;
	/** Per resample b: the last level still needed at b (levels are descending in resamples). */
	level: Int32Array;
	/** The pattern layout; else the entry-by-entry one, and `pattern`, `patternEnd`, `patternStart` are empty. */
	factored: boolean;
}

/**
 * The summed tables of resamples b0 … b1 − 1: out[(b − b0) · columns + c] += column c of
 * Σ_k times[k] · T_k, with times[k] how often resample b drew cluster k. `state` is the generator
 * (`Xoshiro128.state`, advanced in place) at resample `at` ≤ b0: the resamples before b0 are drawn
 * and dropped, so any share of the stream can be summed anywhere. `fill` is `xoshiroFillBelow`,
 * passed in so that this function names nothing outside its body: its source text runs in a
 * worker thread too (server/stats-worker.ts).
 *
 * Per resample: count the draws per cluster, then read the drawn clusters in order. With
 * patterns, w_p = Σ_k times[k] over the clusters holding pattern p, and out += Σ_p w_p · pattern
 * p; else out += times[k] · each entry. One random increment per draw and a sequential pass cost
 * about half of adding each draw's row where it is drawn (10,000 clusters of 3 patterns). Integer
 * weights, and the same order of additions whoever sums: equal tables to the last bit.
 */
export function sumResamples(
	job: ResampleJob,
	state: Int32Array,
	at: number,
	b0: number,
	b1: number,
	out: Float64Array,
	fill: (state: Int32Array, out: Int32Array, from: number, count: number, n: number) => void
): void {
	const K = job.clusters;
	const C = job.columns;
	const L = job.levels;
	const { rowStart, ends, pattern, patternEnd, patternStart, cols, vals } = job;
	const drawn = new Int32Array(K);
	const times = new Int32Array(K);
	const weight = new Int32Array(job.factored ? patternStart.length - 1 : 0);
	for (let b = at; b < b0; b++) fill(state, drawn, 0, K, K);
	for (let b = b0; b < b1; b++) {
		fill(state, drawn, 0, K, K);
		times.fill(0);
		for (let t = 0; t < K; t++) times[drawn[t]]++;
		const l = job.level[b];
		const base = (b - b0) * C;
		if (job.factored) {
			const P = patternEnd[l];
			weight.fill(0, 0, P);
			for (let k = 0; k < K; k++) {
				const m = times[k];
				if (m === 0) continue;
				for (let j = rowStart[k], end = ends[k * L + l]; j < end; j++) weight[pattern[j]] += m;
			}
			for (let p = 0; p < P; p++) {
				const w = weight[p];
				if (w === 0) continue;
				for (let j = patternStart[p], end = patternStart[p + 1]; j < end; j++) out[base + cols[j]] += w * vals[j];
			}
		} else
			for (let k = 0; k < K; k++) {
				const m = times[k];
				if (m === 0) continue;
				for (let j = rowStart[k], end = ends[k * L + l]; j < end; j++) out[base + cols[j]] += m * vals[j];
			}
	}
}

function evaluateInto(s: TableStatistic, table: Float64Array, out: Float64Array): void {
	out.fill(Number.NaN);
	try {
		s.evaluate(table, out);
	} catch (error) {
		if (!(error instanceof RangeError)) throw error;
		out.fill(Number.NaN);
	}
	for (let d = 0; d < out.length; d++) if (!Number.isFinite(out[d])) out[d] = Number.NaN;
}

/** Sums resamples b0 … b1 − 1 elsewhere (a worker thread): `sumResamples` on a copy of the job. */
export type ResampleOffload = (
	job: ResampleJob,
	state: Int32Array,
	at: number,
	b0: number,
	b1: number
) => Promise<Float64Array>;

/** A shared bootstrap prepared: its job, the estimates, and the evaluation of each resample's sums. */
interface PreparedBootstrap {
	job: ResampleJob;
	resamples: number;
	/** The generator at resample 0. */
	state: Int32Array;
	/** Evaluate every statistic still needing resample b on its summed table (`columns` values). */
	evaluate(b: number, sums: Float64Array): void;
	results(): TableStatisticResult[];
}

function prepareBootstrap(
	tables: ClusterTables,
	statistics: readonly TableStatistic[],
	{ seed = 1, level = 0.95, warnUndefinedShare, patterns = true, blockWidth }: SharedBootstrapOptions
): PreparedBootstrap {
	assertProbabilityLevel(level);
	if (blockWidth !== undefined) assertInteger(blockWidth, 'sharedClusterBootstrap: blockWidth', 1);
	const { clusters: K, columns: C, start, column, value } = tables;
	const acc = new Float64Array(C);
	// How many resamples each column is needed for: the most any statistic reading it asks.
	const need = new Int32Array(C);
	for (const s of statistics) {
		assertInteger(s.dims, 'sharedClusterBootstrap: dims');
		assertInteger(s.resamples, 'sharedClusterBootstrap: resamples', 2);
		assertInteger(s.width, 'sharedClusterBootstrap: width');
		if (s.parts.length === 0) throw new RangeError('sharedClusterBootstrap: a statistic needs at least one part');
		for (const part of s.parts) {
			if (!(Number.isInteger(part) && part >= 0 && part + s.width <= C))
				throw new RangeError(`sharedClusterBootstrap: part ${part} + ${s.width} outside ${C} columns`);
			for (let c = part; c < part + s.width; c++) need[c] = Math.max(need[c], s.resamples);
		}
	}
	// Each cluster's entries ordered by need, descending, with an end per level: resample b
	// adds only the entries of columns still needed (b < need), so the statistics with fewer
	// resamples cost nothing after theirs are done.
	const levels = [...new Set(need)].filter((r) => r > 0).sort((a, b) => b - a);
	const L = levels.length;
	const levelOf = new Int32Array(C).fill(-1);
	for (let c = 0; c < C; c++) if (need[c] > 0) levelOf[c] = levels.indexOf(need[c]);
	const factored = patterns ? blockPatterns(tables, statistics, levelOf, L, blockWidth) : null;
	const B = statistics.reduce((m, s) => Math.max(m, s.resamples), 0);
	const levelAt = new Int32Array(B);
	for (let b = 0, l = L - 1; b < B; b++) {
		l = L - 1;
		while (l > 0 && levels[l] <= b) l--;
		levelAt[b] = l;
	}
	let job: ResampleJob;
	if (factored) job = { clusters: K, columns: C, levels: L, level: levelAt, factored: true, ...factored };
	else {
		// The entry-by-entry layout.
		const ends = new Int32Array(Math.max(1, K * L));
		const rowStart = new Int32Array(K + 1);
		const cols = new Int32Array(start[K]);
		const vals = new Float64Array(start[K]);
		let e = 0;
		for (let k = 0; k < K; k++) {
			for (let l = 0; l < L; l++) {
				for (let j = start[k]; j < start[k + 1]; j++) {
					if (levelOf[column[j]] !== l) continue;
					cols[e] = column[j];
					vals[e++] = value[j];
				}
				ends[k * L + l] = e;
			}
			rowStart[k + 1] = e;
		}
		const none = new Int32Array(0);
		job = {
			clusters: K,
			columns: C,
			levels: L,
			level: levelAt,
			factored: false,
			rowStart,
			ends,
			pattern: none,
			patternEnd: none,
			patternStart: none,
			cols,
			vals
		};
	}

	// A one-part table is a view of the accumulator; a table of several parts is summed into its own.
	const views = statistics.map((s) =>
		s.parts.length === 1 ? acc.subarray(s.parts[0], s.parts[0] + s.width) : new Float64Array(s.width)
	);
	const gather = (i: number) => {
		const s = statistics[i];
		if (s.parts.length === 1) return;
		const view = views[i];
		view.fill(0);
		for (const part of s.parts) for (let c = 0; c < s.width; c++) view[c] += acc[part + c];
	};
	const outs = statistics.map((s) => new Float64Array(s.dims));
	const results: TableStatisticResult[] = statistics.map((s) => ({
		table: new Float64Array(s.width),
		estimates: new Float64Array(s.dims),
		intervals: []
	}));

	// Full data: every cluster once.
	acc.fill(0);
	for (let j = 0; j < start[K]; j++) acc[column[j]] += value[j];
	statistics.forEach((s, i) => {
		gather(i);
		results[i].table.set(views[i]);
		evaluateInto(s, views[i], outs[i]);
		results[i].estimates.set(outs[i]);
	});

	const series = statistics.map((s) => Array.from({ length: s.dims }, () => new Float64Array(s.resamples)));
	return {
		job,
		resamples: K > 0 ? B : 0,
		state: new Xoshiro128(seed).state(),
		evaluate(b, sums) {
			acc.set(sums);
			for (let i = 0; i < statistics.length; i++) {
				if (statistics[i].resamples <= b) continue;
				gather(i);
				const out = outs[i];
				evaluateInto(statistics[i], views[i], out);
				const si = series[i];
				for (let d = 0; d < out.length; d++) si[d][b] = out[d];
			}
		},
		results() {
			statistics.forEach((s, i) => {
				const { estimates } = results[i];
				for (let d = 0; d < s.dims; d++) {
					let interval: BootstrapResult | null = null;
					if (Number.isFinite(estimates[d])) {
						try {
							interval = bootstrapInterval(series[i][d], estimates[d], { level, warnUndefinedShare });
						} catch (error) {
							if (!(error instanceof RangeError)) throw error;
						}
					}
					results[i].intervals.push(interval);
				}
			});
			return results;
		}
	};
}

/** Sums and evaluates resamples b0 … b1 − 1 here, in chunks of a bounded buffer; `state` is at b0. */
function runHere(prepared: PreparedBootstrap, state: Int32Array, b0: number, b1: number): void {
	const C = prepared.job.columns;
	const chunk = Math.max(1, Math.floor(65536 / Math.max(1, C)));
	const buffer = new Float64Array(Math.min(chunk, Math.max(0, b1 - b0)) * C);
	for (let from = b0; from < b1; from += chunk) {
		const to = Math.min(b1, from + chunk);
		buffer.fill(0);
		sumResamples(prepared.job, state, from, from, to, buffer, xoshiroFillBelow);
		for (let b = from; b < to; b++) prepared.evaluate(b, buffer.subarray((b - from) * C, (b - from + 1) * C));
	}
}

/**
 * Estimates and percentile intervals of every statistic, all on one cluster
 * bootstrap (see the module docblock). Deterministic for equal inputs and seed.
 */
export function sharedClusterBootstrap(
	tables: ClusterTables,
	statistics: readonly TableStatistic[],
	options: SharedBootstrapOptions = {}
): TableStatisticResult[] {
	const prepared = prepareBootstrap(tables, statistics, options);
	runHere(prepared, prepared.state, 0, prepared.resamples);
	return prepared.results();
}

/**
 * `sharedClusterBootstrap` with the later resamples (45%) summed by `offload` (a worker thread, on
 * another core) while this thread sums and evaluates the first ones: the same draws,
 * the same sums and so the same results to the last bit, in about half the summing time on two
 * free cores. If `offload` fails, this thread sums that half too.
 */
export async function sharedClusterBootstrapAsync(
	tables: ClusterTables,
	statistics: readonly TableStatistic[],
	options: SharedBootstrapOptions,
	offload: ResampleOffload
): Promise<TableStatisticResult[]> {
	const prepared = prepareBootstrap(tables, statistics, options);
	const B = prepared.resamples;
	// This thread takes a little more than half: the other also draws and drops the first part of
	// the stream (about a tenth of summing it) and copies the job and its sums.
	const split = Math.ceil(B * 0.55);
	const far = split < B ? offload(prepared.job, prepared.state.slice(), 0, split, B).catch(() => null) : null;
	// Here: resamples 0 … split − 1, leaving `state` at resample `split`.
	runHere(prepared, prepared.state, 0, split);
	const sums = await far;
	const C = prepared.job.columns;
	if (sums && sums.length === (B - split) * C)
		for (let b = split; b < B; b++) prepared.evaluate(b, sums.subarray((b - split) * C, (b - split + 1) * C));
	else runHere(prepared, prepared.state, split, B);
	return prepared.results();
}
