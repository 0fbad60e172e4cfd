/**
 * The gate's figures for a pairwise rubric (pure: snapshot pairs and judge verdicts in, figures
 * out). The calibration set is a frozen list of answer pairs, each with a reference preference
 * A / B / tie (gold, else the human consensus). Every number comes from lib/stats through the
 * analysis services' own table forms:
 *
 * - agreement of the judge with the reference: with ties, without ties (MT-Bench, Zheng et al.
 *   2023) and κ (linear-weighted on A < tie < B, Cohen 1968), with 95% percentile intervals from
 *   an item-cluster bootstrap (`agreementWithIntervals`, the agreement page's function);
 * - the chosen statistic's change against the previous evaluation, on the pairs both judged, with
 *   a PAIRED item-cluster bootstrap (both tables from the same resample, so the shared reference
 *   cancels out of the noise; Efron & Tibshirani 1993, §10).
 */
import type { PairwiseVote } from '../../stats';
import type { SetPairRow } from '../db/repositories/gate';
import {
	agreementWithIntervals,
	clusterBootstrap,
	CODE,
	pairwiseTableFigure,
	RESAMPLES,
	type AgreementFigures,
	type Estimate,
	type PairwiseTableStatistic
} from './analysis-common';

export const PAIRWISE_STATISTICS = ['kappaPairwise', 'agreementWithTies', 'agreementWithoutTies'] as const;
export type PairwiseStatistic = (typeof PAIRWISE_STATISTICS)[number];

const TABLE_STATISTIC: Record<PairwiseStatistic, PairwiseTableStatistic> = {
	kappaPairwise: 'kappa',
	agreementWithTies: 'withTies',
	agreementWithoutTies: 'withoutTies'
};

export const isPairwiseStatistic = (s: string): s is PairwiseStatistic =>
	(PAIRWISE_STATISTICS as readonly string[]).includes(s);

/** The key a pair is found under, whichever way round it is stored. */
export const pairKey = (itemId: string, a: string, b: string) =>
	a < b ? `${itemId}|${a}|${b}` : `${itemId}|${b}|${a}`;

/** A judge verdict in comparison terms: `answerA` is the answer the verdict calls A. */
export interface JudgedPair {
	answerA: string;
	verdict: PairwiseVote;
}

/** The judge's verdict on a set pair, turned to the pair's orientation; null when not judged. */
function judgeOn(p: SetPairRow, judged: ReadonlyMap<string, JudgedPair>): PairwiseVote | null {
	const j = judged.get(pairKey(p.itemId, p.answerAId, p.answerBId));
	if (!j) return null;
	if (j.answerA === p.answerAId) return j.verdict;
	return j.verdict === 'A' ? 'B' : j.verdict === 'B' ? 'A' : 'tie';
}

export interface PairwiseEvaluation {
	size: number;
	n: number;
	coverage: number;
	agreement: AgreementFigures | null;
}

export function evaluatePairs(
	pairs: readonly SetPairRow[],
	judged: ReadonlyMap<string, JudgedPair>,
	{ resamples = RESAMPLES, seed = 1 }: { resamples?: number; seed?: number } = {}
): PairwiseEvaluation {
	const x: PairwiseVote[] = [];
	const y: PairwiseVote[] = [];
	const clusters: string[] = [];
	for (const p of pairs) {
		const v = judgeOn(p, judged);
		if (v === null) continue;
		x.push(v);
		y.push(p.verdict);
		clusters.push(p.itemId);
	}
	return {
		size: pairs.length,
		n: x.length,
		coverage: pairs.length ? x.length / pairs.length : 0,
		agreement: agreementWithIntervals(x, y, clusters, { resamples, seed })
	};
}

export function pairwiseAgreementOf(a: AgreementFigures | null, statistic: PairwiseStatistic): Estimate | null {
	return a?.[TABLE_STATISTIC[statistic]] ?? null;
}

/**
 * The chosen statistic's change from `before` to `after` on the pairs both judged, with a paired
 * item-cluster bootstrap interval. Null with fewer than 2 common pairs or when the statistic is
 * undefined on them (κ when every verdict is the same; without ties when nobody was decisive).
 */
export function pairwiseAgreementChange(
	pairs: readonly SetPairRow[],
	before: ReadonlyMap<string, JudgedPair>,
	after: ReadonlyMap<string, JudgedPair>,
	statistic: PairwiseStatistic,
	{ resamples = RESAMPLES, seed = 1 }: { resamples?: number; seed?: number } = {}
): Estimate | null {
	const ref: number[] = [];
	const b: number[] = [];
	const a: number[] = [];
	const clusters: string[] = [];
	for (const p of pairs) {
		const vb = judgeOn(p, before);
		const va = judgeOn(p, after);
		if (vb === null || va === null) continue;
		ref.push(CODE[p.verdict]);
		b.push(CODE[vb]);
		a.push(CODE[va]);
		clusters.push(p.itemId);
	}
	const n = ref.length;
	if (n < 2) return null;
	const which = TABLE_STATISTIC[statistic];
	const table = new Float64Array(9);
	const figure = (judge: number[], idx: Int32Array, len: number) => {
		table.fill(0);
		for (let t = 0; t < len; t++) table[judge[idx[t]] * 3 + ref[idx[t]]]++;
		return pairwiseTableFigure(table, which);
	};
	return clusterBootstrap((idx, len) => figure(a, idx, len) - figure(b, idx, len), n, clusters, { resamples, seed });
}
