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
	pairwiseAgreement,
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

const CODE: Record<PairwiseVote, number> = { A: 0, tie: 1, B: 2 };
const LINEAR = kappaWeightMatrix('linear', [0, 1, 2]);
const NOMINAL = kappaWeightMatrix('none', [0, 1, 2]);

/**
 * Pairwise agreement of two raters (`pairwiseAgreement`) with 95% percentile
 * bootstrap intervals over item clusters (Efron & Tibshirani 1993; items, not
 * labels, are resampled because an item's labels are not independent). The
 * resample statistic works on the 3 × 3 table with the library's table forms
 * (`cohenKappaFromTable`, `alphaFromCoincidence`), which equal κ and α of the
 * full function on the same pairs. Null when no pair has both verdicts.
 */
export function agreementWithIntervals(
	x: readonly PairwiseVote[],
	y: readonly PairwiseVote[],
	clusters: readonly string[],
	{ resamples = RESAMPLES, seed = 1 }: { resamples?: number; seed?: number } = {}
): AgreementFigures | null {
	if (x.length === 0) return null;
	const point = pairwiseAgreement(x, y, { scale: 'nominal' });
	const cx = Int8Array.from(x, (v) => CODE[v]);
	const cy = Int8Array.from(y, (v) => CODE[v]);
	const table = new Float64Array(9);
	const coincidence = new Float64Array(9);
	const all = new Float64Array(6);
	const points = [
		point.withTies,
		point.withoutTies,
		point.ordinal.kappa,
		point.ordinal.alpha,
		point.nominal!.kappa,
		point.nominal!.alpha
	];
	// bootstrapIndexCIs refuses an output undefined on the full data: resample only the defined ones.
	const dims = points.flatMap((p, d) => (p === null ? [] : [d]));
	const results = safeIntervals(() =>
		bootstrapIndexCIs(
			(idx, len, out) => {
				table.fill(0);
				let same = 0;
				let noTie = 0;
				let sameNoTie = 0;
				for (let t = 0; t < len; t++) {
					const a = cx[idx[t]];
					const b = cy[idx[t]];
					table[a * 3 + b]++;
					if (a === b) same++;
					if (a !== 1 && b !== 1) {
						noTie++;
						if (a === b) sameNoTie++;
					}
				}
				// Two coders per unit: each pair adds one to o[a][b] and one to o[b][a] (Krippendorff 2011).
				for (let a = 0; a < 3; a++)
					for (let b = 0; b < 3; b++) coincidence[a * 3 + b] = table[a * 3 + b] + table[b * 3 + a];
				all[0] = same / len;
				all[1] = noTie > 0 ? sameNoTie / noTie : Number.NaN;
				all[2] = safe(() => cohenKappaFromTable(table, LINEAR, 3));
				all[3] = safe(() => alphaFromCoincidence(coincidence, PAIRWISE_SCALE, 'ordinal').alpha);
				all[4] = safe(() => cohenKappaFromTable(table, NOMINAL, 3));
				all[5] = safe(() => alphaFromCoincidence(coincidence, PAIRWISE_SCALE, 'nominal').alpha);
				for (let k = 0; k < dims.length; k++) out[k] = all[dims[k]];
			},
			dims.length,
			x.length,
			{ clusters, resamples, seed }
		)
	);
	const intervals = new Map(dims.map((d, k) => [d, results[k]]));
	const est = (value: number | null, d: number): Estimate | null =>
		value === null ? null : { estimate: value, ci: intervals.get(d)?.ci ?? null };
	return {
		n: point.n,
		nWithoutTies: point.nWithoutTies,
		withTies: est(point.withTies, 0)!,
		withoutTies: est(point.withoutTies, 1),
		kappa: est(point.ordinal.kappa, 2),
		alpha: est(point.ordinal.alpha, 3),
		nominalKappa: est(point.nominal!.kappa, 4),
		nominalAlpha: est(point.nominal!.alpha, 5)
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
