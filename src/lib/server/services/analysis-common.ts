/**
 * Shared pieces of the analysis services: the dataset/run lookup behind the
 * readResults policy, the fingerprint-keyed result cache, and the bootstrap
 * interval of pairwise agreement (all figures from lib/stats).
 */
import {
	alphaFromCoincidence,
	bootstrapIndexCI,
	ClusterTablesBuilder,
	cohenKappaFromTable,
	kappaWeightMatrix,
	lengthBias,
	PAIRWISE_SCALE,
	sharedClusterBootstrap,
	type PairwiseVote,
	type TableStatistic,
	type TableStatisticResult
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
 * The six agreement figures of a 3 × 3 table of two raters' verdicts (rows: the first
 * rater, columns: the second, cell `CODE[x] * 3 + CODE[y]`), NaN where undefined, in
 * AgreementFigures order: agreement with and without ties (MT-Bench, Zheng et al. 2023),
 * linear-weighted κ (`cohenKappaFromTable`, Cohen 1968), ordinal α (`alphaFromCoincidence`,
 * Krippendorff 2011), nominal κ and nominal α. These are the library's table forms, which
 * equal `pairwiseAgreement` on the same pairs (real-data.test.ts checks it).
 */
function tableFigures(table: Float64Array, coincidence: Float64Array, out: Float64Array): void {
	out[0] = pairwiseTableFigure(table, 'withTies');
	out[1] = pairwiseTableFigure(table, 'withoutTies');
	// Two coders per unit: each pair adds one to o[a][b] and one to o[b][a] (Krippendorff 2011).
	for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) coincidence[a * 3 + b] = table[a * 3 + b] + table[b * 3 + a];
	out[2] = pairwiseTableFigure(table, 'kappa');
	out[3] = safe(() => alphaFromCoincidence(coincidence, PAIRWISE_SCALE, 'ordinal').alpha);
	out[4] = safe(() => cohenKappaFromTable(table, NOMINAL, 3));
	out[5] = safe(() => alphaFromCoincidence(coincidence, PAIRWISE_SCALE, 'nominal').alpha);
}

/**
 * Pairwise agreement on a 3 × 3 table, as a statistic of `sharedClusterBootstrap` (lib/stats):
 * the table is the sum of the 9-cell slices at `parts` of the accumulator. Every item is
 * reduced to its own tables once, and a resample of items adds up the drawn items' tables, at
 * a cost per resample of the number of items rather than of labels (bench:agreement).
 */
export function agreementStatistic(parts: readonly number[], resamples = RESAMPLES): TableStatistic {
	const coincidence = new Float64Array(9);
	return {
		parts,
		width: 9,
		dims: 6,
		resamples,
		evaluate: (table, out) => tableFigures(table, coincidence, out)
	};
}

/** AgreementFigures from an `agreementStatistic`'s result; null when no pair has both verdicts. */
export function agreementFigures({ table, estimates, intervals }: TableStatisticResult): AgreementFigures | null {
	const n = table.reduce((s, v) => s + v, 0);
	if (n === 0) return null;
	const est = (d: number): Estimate | null =>
		Number.isFinite(estimates[d]) ? { estimate: estimates[d], ci: intervals[d]?.ci ?? null } : null;
	return {
		n,
		nWithoutTies: table[0] + table[2] + table[6] + table[8],
		withTies: est(0)!,
		withoutTies: est(1),
		kappa: est(2),
		alpha: est(3),
		nominalKappa: est(4),
		nominalAlpha: est(5)
	};
}

/**
 * Pairwise agreement of two raters with 95% percentile bootstrap intervals over item
 * clusters (Efron & Tibshirani 1993; items, not labels, are resampled because an item's
 * labels are not independent: Davison & Hinkley 1997 §3.8, Field & Welsh 2007). One
 * `agreementStatistic` on `sharedClusterBootstrap`, items numbered in order of first
 * appearance: the same draws, and so the same intervals, as `bootstrapIndexCIs` with
 * `clusters`. Null when no pair has both verdicts.
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
	const itemOf = new Map<string, number>();
	const tables = new ClusterTablesBuilder(9);
	for (let i = 0; i < x.length; i++) {
		let k = itemOf.get(clusters[i]);
		if (k === undefined) itemOf.set(clusters[i], (k = itemOf.size));
		tables.add(k, CODE[x[i]] * 3 + CODE[y[i]]);
	}
	const [result] = sharedClusterBootstrap(tables.build(itemOf.size), [agreementStatistic([0], resamples)], { seed });
	return agreementFigures(result);
}

function safe(f: () => number): number {
	try {
		return f();
	} catch (e) {
		if (e instanceof RangeError) return Number.NaN;
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
