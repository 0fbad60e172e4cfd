/**
 * The figures of the gate (pure: snapshot rows and judge scores in, figures out). Every number
 * comes from lib/stats:
 *
 * - agreement of the judge with the set's reference scores on the rubric's scale
 *   (`scoreAgreementWithIntervals`: κ quadratic/linear, exact and ±1 agreement, with 95%
 *   percentile intervals from an item-cluster bootstrap);
 * - the change of the chosen statistic against the previous evaluation, on the answers both
 *   judged, with a PAIRED item-cluster bootstrap interval (both statistics on the same resample,
 *   so the shared reference labels cancel out of the noise; Efron & Tibshirani 1993, §10);
 * - for each red-line (pass/fail) criterion the judge's true-positive rate P(judge pass | reference
 *   pass) and true-negative rate P(judge fail | reference fail), with Wilson score intervals
 *   (`wilsonInterval`; Wilson 1927, Brown, Cai & DasGupta 2001). Wilson assumes independent
 *   answers; a set with several answers per item is mildly clustered, which the note on the page
 *   states;
 * - pairwise sets: their figures come from gate-pairwise.ts (agreement with and without ties, κ);
 * - whether the LOWER 95% bounds clear the admin's thresholds: a version is certified only on the
 *   lower bound, never on the point estimate.
 */
import { cohenKappaFromTable, kappaWeightMatrix, wilsonInterval } from '../../stats';
import type { RubricContent } from '../../judging/types';
import type { SetItemRow } from '../db/repositories/gate';
import { clusterBootstrap, RESAMPLES, type AgreementFigures, type Estimate } from './analysis-common';
import type { JudgeAnswerScore } from './analysis-scores';
import { scoreAgreementWithIntervals, scoreScale, type ScoreAgreementFigures } from './analysis-score-agreement';
import { isPairwiseStatistic, PAIRWISE_STATISTICS, pairwiseAgreementOf } from './gate-pairwise';

export const POINTWISE_STATISTICS = ['kappaQuadratic', 'kappaLinear', 'exact', 'withinOne'] as const;
export type PointwiseStatistic = (typeof POINTWISE_STATISTICS)[number];
export const AGREEMENT_STATISTICS = [...POINTWISE_STATISTICS, ...PAIRWISE_STATISTICS] as const;
export type AgreementStatistic = (typeof AGREEMENT_STATISTICS)[number];

/**
 * The thresholds with a statistic that fits the rubric's mode: a pointwise statistic asked of a
 * pairwise set (or the reverse) becomes that mode's default, so what is checked is always shown.
 */
export function thresholdsFor(mode: 'pointwise' | 'pairwise', t: GateThresholds): GateThresholds {
	const fits = mode === 'pairwise' ? isPairwiseStatistic(t.statistic) : !isPairwiseStatistic(t.statistic);
	return fits ? t : { ...t, statistic: mode === 'pairwise' ? 'kappaPairwise' : 'kappaQuadratic' };
}

/** The key of "passes every red line" when the set marks several red-line criteria. */
export const ALL_RED_LINES = '__all';
/** Share of the set's answers a run must have judged before it can be certified. */
export const MIN_COVERAGE = 0.95;

export interface GateThresholds {
	statistic: AgreementStatistic;
	/** Lower 95% bound the agreement statistic must reach. */
	minAgreement: number;
	/** Lower 95% bounds for each pass/fail criterion's TPR and TNR; null: not required. */
	minTpr: number | null;
	minTnr: number | null;
}

export interface PassFailFigures {
	criterion: string;
	tp: number;
	fn: number;
	tn: number;
	fp: number;
	tpr: Estimate | null;
	tnr: Estimate | null;
}

export interface EvaluationFigures {
	/** Answers (pairwise: pairs) of the set. */
	size: number;
	/** Answers with a judge score and a reference score (pairwise: pairs with both verdicts). */
	n: number;
	coverage: number;
	/** Pointwise sets: agreement on the rubric's scale. */
	agreement: ScoreAgreementFigures | null;
	/** Pairwise sets: agreement with and without ties and κ (gate-pairwise.ts). */
	pairwise: AgreementFigures | null;
	passFail: PassFailFigures[];
}

export interface GateCheck {
	key: 'coverage' | 'agreement' | 'tpr' | 'tnr';
	criterion: string | null;
	/** The lower 95% bound (coverage: the share itself); null when it cannot be measured. */
	lower: number | null;
	threshold: number;
	ok: boolean;
}

/** Index of the scale point nearest to v (ties to the higher point), as the score-agreement tables code it. */
function code(values: number[], v: number): number {
	let best = 0;
	for (let c = 1; c < values.length; c++) if (Math.abs(values[c] - v) <= Math.abs(values[best] - v)) best = c;
	return best;
}

/** The judge's pass on one key: null when the judge gave no score for that criterion. */
export function judgePass(judge: JudgeAnswerScore, key: string, keys: string[]): boolean | null {
	if (key === ALL_RED_LINES) {
		const all = keys.filter((k) => k !== ALL_RED_LINES).map((k) => judgePass(judge, k, keys));
		return all.includes(null) ? null : all.every(Boolean);
	}
	if (!(key in judge.criteria)) return null;
	return !judge.redLineFailures.includes(key);
}

/** The reference pass on one key: null when the snapshot has no mark for it. */
export function referencePass(passes: Record<string, boolean> | null, key: string, keys: string[]): boolean | null {
	if (!passes) return null;
	if (key === ALL_RED_LINES) {
		const all = keys.filter((k) => k !== ALL_RED_LINES).map((k) => passes[k]);
		return all.some((x) => x === undefined) ? null : all.every(Boolean);
	}
	return key in passes ? passes[key] : null;
}

/** The pass/fail keys of a set: each red-line criterion it marks, plus "all" when there are several. */
export function passKeys(rows: readonly SetItemRow[]): string[] {
	const ids = new Set<string>();
	for (const r of rows) for (const k of Object.keys(r.passes ?? {})) ids.add(k);
	const keys = [...ids].sort();
	return keys.length > 1 ? [...keys, ALL_RED_LINES] : keys;
}

function proportion(successes: number, trials: number): Estimate | null {
	return trials > 0 ? { estimate: successes / trials, ci: wilsonInterval(successes, trials) } : null;
}

export function evaluate(
	rows: readonly SetItemRow[],
	judged: ReadonlyMap<string, JudgeAnswerScore>,
	rubric: RubricContent | null,
	{ resamples = RESAMPLES, seed = 1 }: { resamples?: number; seed?: number } = {}
): EvaluationFigures {
	const x: number[] = [];
	const y: number[] = [];
	const clusters: string[] = [];
	let covered = 0;
	for (const r of rows) {
		const j = judged.get(r.answerId);
		if (!j) continue;
		covered++;
		if (r.score === null) continue;
		x.push(j.score);
		y.push(r.score);
		clusters.push(r.itemId);
	}
	const scale = scoreScale(rubric, null, [...x, ...y]);
	const agreement = scoreAgreementWithIntervals({ x, y, clusters }, scale, { resamples, seed });
	const keys = passKeys(rows);
	const passFail = keys.map((criterion) => {
		let tp = 0;
		let fn = 0;
		let tn = 0;
		let fp = 0;
		for (const r of rows) {
			const j = judged.get(r.answerId);
			const truth = referencePass(r.passes, criterion, keys);
			const said = j ? judgePass(j, criterion, keys) : null;
			if (truth === null || said === null) continue;
			if (truth && said) tp++;
			else if (truth) fn++;
			else if (said) fp++;
			else tn++;
		}
		return { criterion, tp, fn, tn, fp, tpr: proportion(tp, tp + fn), tnr: proportion(tn, tn + fp) };
	});
	return {
		size: rows.length,
		n: x.length,
		coverage: rows.length ? covered / rows.length : 0,
		agreement,
		pairwise: null,
		passFail
	};
}

/** The statistic the admin chose, from the figures. */
export function agreementOf(f: EvaluationFigures, statistic: AgreementStatistic): Estimate | null {
	return isPairwiseStatistic(statistic)
		? pairwiseAgreementOf(f.pairwise, statistic)
		: (f.agreement?.[statistic] ?? null);
}

/** Every check of the thresholds on one evaluation (lower bounds only). */
export function checksOf(f: EvaluationFigures, t: GateThresholds): GateCheck[] {
	const checks: GateCheck[] = [
		{ key: 'coverage', criterion: null, lower: f.coverage, threshold: MIN_COVERAGE, ok: f.coverage >= MIN_COVERAGE }
	];
	const a = agreementOf(f, t.statistic);
	const lower = a?.ci?.[0] ?? null;
	checks.push({
		key: 'agreement',
		criterion: null,
		lower,
		threshold: t.minAgreement,
		ok: lower !== null && lower >= t.minAgreement
	});
	for (const [key, min] of [
		['tpr', t.minTpr],
		['tnr', t.minTnr]
	] as const) {
		// TPR/TNR are checked for pass/fail criteria only: a set without red-line marks has none to check.
		if (min === null) continue;
		for (const p of f.passFail) {
			// A criterion whose rate cannot be measured (no reference passes, or no failures) fails: nothing was shown.
			const low = p[key]?.ci?.[0] ?? null;
			checks.push({ key, criterion: p.criterion, lower: low, threshold: min, ok: low !== null && low >= min });
		}
	}
	return checks;
}

/**
 * The chosen statistic's change from `before` to `after` on the answers both judged, with a
 * paired item-cluster bootstrap interval. Null with fewer than 2 common answers or when the
 * statistic is undefined on them (e.g. κ when every score is the same).
 */
export function agreementChange(
	rows: readonly SetItemRow[],
	before: ReadonlyMap<string, JudgeAnswerScore>,
	after: ReadonlyMap<string, JudgeAnswerScore>,
	rubric: RubricContent | null,
	statistic: PointwiseStatistic,
	{ resamples = RESAMPLES, seed = 1 }: { resamples?: number; seed?: number } = {}
): Estimate | null {
	const ref: number[] = [];
	const b: number[] = [];
	const a: number[] = [];
	const clusters: string[] = [];
	for (const r of rows) {
		const jb = before.get(r.answerId);
		const ja = after.get(r.answerId);
		if (!jb || !ja || r.score === null) continue;
		ref.push(r.score);
		b.push(jb.score);
		a.push(ja.score);
		clusters.push(r.itemId);
	}
	const n = ref.length;
	if (n < 2) return null;
	const scale = scoreScale(rubric, null, [...ref, ...a, ...b]);
	const k = scale.values.length;
	const cr = Int32Array.from(ref, (v) => code(scale.values, v));
	const cb = Int32Array.from(b, (v) => code(scale.values, v));
	const ca = Int32Array.from(a, (v) => code(scale.values, v));
	const weights =
		statistic === 'kappaQuadratic'
			? kappaWeightMatrix('quadratic', scale.values)
			: statistic === 'kappaLinear'
				? kappaWeightMatrix('linear', scale.values)
				: null;
	const table = new Float64Array(k * k);
	const figure = (judge: Int32Array, idx: Int32Array, len: number): number => {
		if (weights) {
			table.fill(0);
			for (let t = 0; t < len; t++) table[judge[idx[t]] * k + cr[idx[t]]]++;
			try {
				return cohenKappaFromTable(table, weights, k);
			} catch (e) {
				if (e instanceof RangeError) return Number.NaN;
				throw e;
			}
		}
		const within = statistic === 'withinOne' ? 1 : 0;
		let hits = 0;
		for (let t = 0; t < len; t++)
			if (Math.abs(scale.values[judge[idx[t]]] - scale.values[cr[idx[t]]]) <= within) hits++;
		return hits / len;
	};
	return clusterBootstrap((idx, len) => figure(ca, idx, len) - figure(cb, idx, len), n, clusters, { resamples, seed });
}
