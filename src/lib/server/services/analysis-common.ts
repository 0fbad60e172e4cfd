/**
 * Shared pieces of the analysis services: the dataset/run lookup behind the
 * readResults policy, the fingerprint-keyed result cache, and the bootstrap
 * interval of pairwise agreement (all figures from lib/stats).
 */
import {
	alphaFromCoincidence,
	bootstrapIndexCI,
	bootstrapIndexCIs,
	cohenKappaFromTable,
	kappaWeightMatrix,
	lengthBias,
	PAIRWISE_SCALE,
	type PairwiseVote
} from '../../stats';
import type { Db } from '../db/client';
import * as repo from '../db/repositories/analysis';
import type { Membership } from '../db/repositories/members';
import { AppError } from '../errors';
import { requireDataset } from './dataset-browse';
import { RevisionCache } from './revision-cache';

/** Bootstrap resamples for every interval on the analysis pages. */
export const RESAMPLES = 1000;
/** A breakdown row (system, category) needs this many pairs to be shown with an interval. */
export const MIN_GROUP = 10;

/**
 * Results keyed by the fingerprint of their inputs (counts and latest write
 * times of answers, 'ok' judgments and labels): an unchanged dataset is served
 * from memory, any new row or finished judgment changes the key.
 */
const cache = new RevisionCache<unknown>(24);

export async function cached<T>(
	db: Db,
	kind: string,
	datasetId: string,
	runId: string | null,
	options: string,
	compute: () => Promise<T>
): Promise<T> {
	const fingerprint = await repo.analysisFingerprint(db, datasetId, runId);
	return cache.get(`${kind}|${options}|${fingerprint}`, 0, compute) as Promise<T>;
}

export interface RunSummary {
	id: string;
	name: string;
	source: string;
	judgeModel: string | null;
	mode: string;
	okCount: number;
	bothOrders: boolean;
}

/** The dataset (NOT_FOUND outside the caller's project), its runs, and the chosen run (default: the first run of `mode`, pairwise unless asked, with verdicts). */
export async function resolveDatasetRun(
	db: Db,
	membership: Membership,
	datasetId: string,
	runId: string | undefined,
	mode: 'pairwise' | 'pointwise' = 'pairwise'
): Promise<{ dataset: { id: string; name: string }; runs: RunSummary[]; run: RunSummary | null }> {
	const dataset = await requireDataset(db, membership, datasetId);
	const runs = await repo.listAnalysisRuns(db, dataset.id);
	let run: RunSummary | null = null;
	if (runId) {
		run = runs.find((r) => r.id === runId) ?? null;
		if (!run) throw new AppError('NOT_FOUND', 'Judge run not found.');
	} else {
		run = runs.find((r) => r.mode === mode && r.okCount > 0) ?? null;
	}
	return { dataset: { id: dataset.id, name: dataset.name }, runs, run };
}

export interface Estimate {
	estimate: number;
	ci: [number, number] | null;
}

export interface AgreementFigures {
	n: number;
	nWithoutTies: number;
	withTies: Estimate;
	withoutTies: Estimate | null;
	/** Linear-weighted κ and ordinal α on A < tie < B. */
	kappa: Estimate | null;
	alpha: Estimate | null;
	/** Unweighted κ and nominal α beside them. */
	nominalKappa: Estimate | null;
	nominalAlpha: Estimate | null;
}

export const CODE: Record<PairwiseVote, number> = { A: 0, tie: 1, B: 2 };
const LINEAR = kappaWeightMatrix('linear', [0, 1, 2]);
const NOMINAL = kappaWeightMatrix('none', [0, 1, 2]);

export type PairwiseTableStatistic = 'withTies' | 'withoutTies' | 'kappa';

/**
 * One figure of a 3 × 3 table of two raters' verdicts (cell = CODE[x] * 3 + CODE[y]; NaN where
 * undefined): agreement with ties (the diagonal), without ties (A/B agreement among the pairs where
 * both are decisive; MT-Bench, Zheng et al. 2023), or linear-weighted κ on A < tie < B (Cohen 1968).
 */
export function pairwiseTableFigure(table: Float64Array, statistic: PairwiseTableStatistic): number {
	if (statistic === 'kappa') return safe(() => cohenKappaFromTable(table, LINEAR, 3));
	if (statistic === 'withoutTies') {
		const noTie = table[0] + table[2] + table[6] + table[8];
		return noTie > 0 ? (table[0] + table[8]) / noTie : Number.NaN;
	}
	let n = 0;
	for (let c = 0; c < 9; c++) n += table[c];
	return (table[0] + table[4] + table[8]) / n;
}

/**
 * Pairwise agreement of two raters with 95% percentile bootstrap intervals over item
 * clusters (Efron & Tibshirani 1993; items, not labels, are resampled because an item's
 * labels are not independent). Every figure is a function of the 3 × 3 table of the two
 * raters' verdicts: agreement with and without ties (MT-Bench, Zheng et al. 2023), linear and
 * nominal κ (`cohenKappaFromTable`, Cohen 1968) and ordinal and nominal α
 * (`alphaFromCoincidence`, Krippendorff 2011), the library's table forms, which equal
 * `pairwiseAgreement` on the same pairs (real-data.test.ts checks it). So each item is
 * reduced to its own table once, and a resample of items adds up the drawn items' tables:
 * the same draw of whole clusters as `bootstrapIndexCIs` with `clusters`, at a cost per
 * resample of the number of items rather than of labels (100,000 labels: bench:agreement).
 * Null when no pair has both verdicts.
 */
export function agreementWithIntervals(
	x: readonly PairwiseVote[],
	y: readonly PairwiseVote[],
	clusters: readonly string[],
	{ resamples = RESAMPLES, seed = 1 }: { resamples?: number; seed?: number } = {}
): AgreementFigures | null {
	if (x.length === 0) return null;
	if (y.length !== x.length || clusters.length !== x.length)
		throw new RangeError('agreementWithIntervals: x, y and clusters must have one entry per pair');
	// Item → its table, kept sparse (cell, count) since an item fills few of the 9 cells.
	const itemOf = new Map<string, number>();
	const dense: number[] = [];
	for (let i = 0; i < x.length; i++) {
		let k = itemOf.get(clusters[i]);
		if (k === undefined) {
			k = itemOf.size;
			itemOf.set(clusters[i], k);
			for (let c = 0; c < 9; c++) dense.push(0);
		}
		dense[k * 9 + CODE[x[i]] * 3 + CODE[y[i]]]++;
	}
	const items = itemOf.size;
	const start = new Int32Array(items + 1);
	const cells: number[] = [];
	const counts: number[] = [];
	for (let k = 0; k < items; k++) {
		for (let c = 0; c < 9; c++) {
			const n = dense[k * 9 + c];
			if (n > 0) {
				cells.push(c);
				counts.push(n);
			}
		}
		start[k + 1] = cells.length;
	}
	const cell = Int8Array.from(cells);
	const count = Float64Array.from(counts);

	const table = new Float64Array(9);
	const coincidence = new Float64Array(9);
	/** The six figures of a table (NaN where undefined), in AgreementFigures order. */
	const figuresOf = (out: Float64Array | number[]) => {
		out[0] = pairwiseTableFigure(table, 'withTies');
		out[1] = pairwiseTableFigure(table, 'withoutTies');
		// Two coders per unit: each pair adds one to o[a][b] and one to o[b][a] (Krippendorff 2011).
		for (let a = 0; a < 3; a++)
			for (let b = 0; b < 3; b++) coincidence[a * 3 + b] = table[a * 3 + b] + table[b * 3 + a];
		out[2] = pairwiseTableFigure(table, 'kappa');
		out[3] = safe(() => alphaFromCoincidence(coincidence, PAIRWISE_SCALE, 'ordinal').alpha);
		out[4] = safe(() => cohenKappaFromTable(table, NOMINAL, 3));
		out[5] = safe(() => alphaFromCoincidence(coincidence, PAIRWISE_SCALE, 'nominal').alpha);
	};
	const addItem = (k: number) => {
		for (let j = start[k]; j < start[k + 1]; j++) table[cell[j]] += count[j];
	};

	table.fill(0);
	for (let k = 0; k < items; k++) addItem(k);
	const points = new Float64Array(6);
	figuresOf(points);
	const n = x.length;
	const nWithoutTies = table[0] + table[2] + table[6] + table[8];
	// bootstrapIndexCIs refuses an output undefined on the full data: resample only the defined ones.
	const dims = [...points.keys()].filter((d) => Number.isFinite(points[d]));
	const all = new Float64Array(6);
	const results = safeIntervals(() =>
		bootstrapIndexCIs(
			(idx, len, out) => {
				table.fill(0);
				for (let t = 0; t < len; t++) addItem(idx[t]);
				figuresOf(all);
				for (let k = 0; k < dims.length; k++) out[k] = all[dims[k]];
			},
			dims.length,
			items,
			{ resamples, seed }
		)
	);
	const intervals = new Map(dims.map((d, k) => [d, results[k]]));
	const est = (d: number): Estimate | null =>
		Number.isFinite(points[d]) ? { estimate: points[d], ci: intervals.get(d)?.ci ?? null } : null;
	return {
		n,
		nWithoutTies,
		withTies: est(0)!,
		withoutTies: est(1),
		kappa: est(2),
		alpha: est(3),
		nominalKappa: est(4),
		nominalAlpha: est(5)
	};
}

function safe(f: () => number): number {
	try {
		return f();
	} catch (e) {
		if (e instanceof RangeError) return Number.NaN;
		throw e;
	}
}

/** Intervals, or none when too few resamples are defined (the library's RangeError): the estimate stands alone. */
function safeIntervals<T>(f: () => T[]): T[] {
	try {
		return f();
	} catch (e) {
		if (e instanceof RangeError) return [];
		throw e;
	}
}

/**
 * A statistic of resampled indices with its 95% percentile interval over item clusters
 * (`bootstrapIndexCI`), or null when the library refuses it (RangeError: undefined on the data,
 * or too few defined resamples) or the estimate itself is undefined.
 */
export function clusterBootstrap(
	statistic: (idx: Int32Array, len: number) => number,
	n: number,
	clusters: readonly string[],
	{ resamples = RESAMPLES, seed = 1 }: { resamples?: number; seed?: number } = {}
): Estimate | null {
	try {
		const r = bootstrapIndexCI(statistic, n, { clusters, resamples, seed });
		return Number.isFinite(r.estimate) ? { estimate: r.estimate, ci: r.ci } : null;
	} catch (e) {
		if (e instanceof RangeError) return null;
		throw e;
	}
}

export interface ShareWithCi extends Estimate {
	n: number;
}

/** Mean of 0/1 (or soft) values with a percentile bootstrap CI over item clusters. */
export function share(values: number[], clusters: string[]): ShareWithCi | null {
	if (values.length === 0) return null;
	const v = Float64Array.from(values);
	try {
		const r = bootstrapIndexCI(
			(idx, len) => {
				let s = 0;
				for (let t = 0; t < len; t++) s += v[idx[t]];
				return s / len;
			},
			v.length,
			{ clusters, resamples: RESAMPLES, seed: 1 }
		);
		return { estimate: r.estimate, ci: r.ci, n: v.length };
	} catch (e) {
		if (e instanceof RangeError) return null;
		throw e;
	}
}

/** P(prefers the answer with the larger value) (`lengthBias`: longer wins 1, tie ½) with its item-cluster interval. */
export function lengthShare(
	pairs: { lengthA: number; lengthB: number; verdict: PairwiseVote | number; item: string }[]
) {
	if (pairs.length === 0) return null;
	try {
		const r = lengthBias({ pairs, resamples: RESAMPLES, seed: 1 }).prefersLonger;
		return r ? { estimate: r.estimate, ci: r.ci, n: r.n } : null;
	} catch (e) {
		if (e instanceof RangeError) return null;
		throw e;
	}
}
