/**
 * Calibration page and calibrated scores (issue 12 item 3): the monotone map
 * from a pointwise judge's scores to the human scale, fitted on gold labels
 * when there are enough of them, else on the consensus (mean of the other
 * human labels of an answer).
 *
 * - Map: isotonic regression judge → human (`isotonicCalibrationMap`, PAVA;
 *   Zadrozny & Elkan 2002) on every answer with both a judge score and a
 *   target score; one point per answer (the target is already a mean).
 * - Error before/after: k-fold cross-validation grouped by item
 *   (`isotonicCalibration` with `groups`: Hastie et al. 2009 §7.10.2; all
 *   answers of an item sit in one fold, so the error is for new items), MAE and
 *   RMSE of the raw score and of the out-of-fold calibrated score with item-
 *   cluster bootstrap intervals (`predictionErrorIntervals`).
 * - Calibrated score of an answer: the map at its raw score; its interval is
 *   the map's item-cluster bootstrap interval at that score (percentiles of
 *   500 refits on resampled items, see lib/stats/calibration-map.ts). We chose
 *   the bootstrap of the fit over the spread of the k CV fits because k = 5
 *   values give no usable percentile, and over a prediction interval because
 *   the question asked of a calibrated score is "what would humans give on
 *   average", whose uncertainty is the fit's; the label noise is the CV error.
 * - Warnings: a calibration set under MIN_ANSWERS answers or MIN_ITEMS items,
 *   and systems or categories of the judged set that the calibration set lacks
 *   (the map is then extrapolated to them).
 */
import {
	isotonicCalibration,
	isotonicCalibrationMap,
	predictionErrorIntervals,
	type CalibrationMap,
	type PredictionErrorIntervals
} from '../../stats';
import type { Db } from '../db/client';
import type { Membership } from '../db/repositories/members';
import { cached, resolveDatasetRun, RESAMPLES, type Estimate, type RunSummary } from './analysis-common';
import { describeJudgedSet, type JudgedSet } from '../db/repositories/analysis-scores';
import { loadPointwiseScores, runRubric, streamJudgeScores, type ScoredAnswer } from './analysis-scores';

export type CalibrationTarget = 'auto' | 'gold' | 'consensus';

/** Below these the page warns that the calibration set is too small. */
export const MIN_ANSWERS = 50;
export const MIN_ITEMS = 30;
/** 'auto' uses gold labels when at least this many judged answers have one. */
export const MIN_GOLD = 30;
const FOLDS = 5;
const MAP_RESAMPLES = 500;

export interface CalibrationWarning {
	key:
		| 'analysis_calibration_warn_small'
		| 'analysis_calibration_warn_systems'
		| 'analysis_calibration_warn_categories'
		| 'analysis_calibration_warn_no_gold'
		| 'analysis_calibration_warn_none';
	params: Record<string, string | number>;
}

/** Gold: mean of the answer's gold scores. Consensus: mean of its other human scores. */
export function targetScore(a: ScoredAnswer, target: 'gold' | 'consensus'): number | null {
	const xs = a.humans.filter((h) => (target === 'gold') === (h.kind === 'gold') && h.score !== null);
	return xs.length ? xs.reduce((s, h) => s + h.score!, 0) / xs.length : null;
}

export interface FittedCalibration {
	target: 'gold' | 'consensus';
	/** Answers in the calibration set (judge score and target score) and their items. */
	n: number;
	items: number;
	/** Null when the set has fewer than two items. */
	map: CalibrationMap | null;
	errors: (PredictionErrorIntervals & { folds: number; constantMae: number }) | null;
	warnings: CalibrationWarning[];
	judged: number;
	goldAnswers: number;
}

/**
 * Fit the map on scored answers (pure: the service and tests call it on loaded rows). `answers`
 * may hold only the labelled ones when `judgedSet` describes the whole judged set (its count, and
 * the systems and categories the warnings compare against): the fit needs nothing else.
 */
export function fitCalibration(
	answers: ScoredAnswer[],
	asked: CalibrationTarget,
	judgedSet?: JudgedSet
): FittedCalibration {
	const judged = answers.filter((a) => a.judge);
	const judgedCount = judgedSet ? judgedSet.answers : judged.length;
	const goldAnswers = judged.filter((a) => targetScore(a, 'gold') !== null).length;
	const target = asked === 'auto' ? (goldAnswers >= MIN_GOLD ? 'gold' : 'consensus') : asked;
	const warnings: CalibrationWarning[] = [];
	if (asked === 'auto' && target === 'consensus')
		warnings.push({ key: 'analysis_calibration_warn_no_gold', params: { n: goldAnswers, min: MIN_GOLD } });
	const set = judged.filter((a) => targetScore(a, target) !== null);
	const judge = set.map((a) => a.judge!.score);
	const human = set.map((a) => targetScore(a, target)!);
	const groups = set.map((a) => a.itemId);
	const items = new Set(groups).size;
	const missing = (all: (string | null)[], of: (a: ScoredAnswer) => string | null) => {
		const have = new Set(set.map(of));
		return [...new Set(all)].filter((v): v is string => v !== null && !have.has(v)).sort();
	};
	if (set.length === 0) warnings.push({ key: 'analysis_calibration_warn_none', params: {} });
	else if (set.length < MIN_ANSWERS || items < MIN_ITEMS)
		warnings.push({
			key: 'analysis_calibration_warn_small',
			params: { n: set.length, items, minAnswers: MIN_ANSWERS, minItems: MIN_ITEMS }
		});
	const systems = missing(judgedSet ? judgedSet.systems : judged.map((a) => a.system), (a) => a.system);
	if (set.length > 0 && systems.length)
		warnings.push({ key: 'analysis_calibration_warn_systems', params: { list: systems.join(', ') } });
	const categories = missing(judgedSet ? judgedSet.categories : judged.map((a) => a.category), (a) => a.category);
	if (set.length > 0 && categories.length)
		warnings.push({ key: 'analysis_calibration_warn_categories', params: { list: categories.join(', ') } });
	const base = { target, n: set.length, items, warnings, judged: judgedCount, goldAnswers };
	if (items < 2) return { ...base, map: null, errors: null };
	const map = isotonicCalibrationMap(judge, human, { groups, resamples: MAP_RESAMPLES, seed: 1 });
	const cv = isotonicCalibration(judge, human, { folds: Math.min(FOLDS, items), groups, seed: 1 });
	const errors = predictionErrorIntervals(human, judge, cv.outOfFold, {
		clusters: groups,
		resamples: RESAMPLES,
		seed: 1
	});
	return { ...base, map, errors: { ...errors, folds: cv.cvError.folds, constantMae: cv.cvError.constant.mae } };
}

export interface CalibrationResult {
	dataset: { id: string; name: string };
	runs: RunSummary[];
	run: RunSummary | null;
	asked: CalibrationTarget;
	target: 'gold' | 'consensus' | null;
	counts: { judged: number; calibration: number; items: number; goldAnswers: number };
	/** One point per distinct judge score of the calibration set (reliability diagram). */
	reliability: { x: number; observed: number; count: number; calibrated: number; ci: [number, number] }[];
	errors: {
		maeBefore: Estimate;
		rmseBefore: Estimate;
		maeAfter: Estimate;
		rmseAfter: Estimate;
		maeChange: Estimate;
		folds: number;
		constantMae: number;
	} | null;
	warnings: CalibrationWarning[];
	/** The run's rubric names categories: nothing to calibrate on a scale (see analysis-leaderboard.ts). */
	categoryRubric: boolean;
	/** The names of the rubric's categorical criteria: not calibrated (no scale), nor part of the overall score. */
	categoricalCriteria: string[];
}

const est = (r: { estimate: number; ci: [number, number] }): Estimate => ({ estimate: r.estimate, ci: r.ci });

async function loadFit(db: Db, datasetId: string, runId: string, target: CalibrationTarget) {
	return cached(db, 'calibration-fit', datasetId, runId, target, async () => {
		// The labelled answers only, and the judged set as counts: a million judged answers never become objects.
		const [answers, judgedSet] = await Promise.all([
			loadPointwiseScores(db, { datasetId, runId, humanSource: 'all', labelledOnly: true }),
			describeJudgedSet(db, datasetId, runId)
		]);
		return fitCalibration(answers, target, judgedSet);
	});
}

export async function getCalibration(
	db: Db,
	membership: Membership,
	input: { datasetId: string; judgeRunId?: string; target?: CalibrationTarget }
): Promise<CalibrationResult> {
	const asked = input.target ?? 'auto';
	const { dataset, runs, run } = await resolveDatasetRun(
		db,
		membership,
		input.datasetId,
		input.judgeRunId,
		'pointwise'
	);
	const empty = {
		dataset,
		runs,
		run,
		asked,
		target: null,
		counts: { judged: 0, calibration: 0, items: 0, goldAnswers: 0 },
		reliability: [],
		errors: null,
		warnings: [],
		categoryRubric: false,
		categoricalCriteria: [] as string[]
	};
	if (!run || run.mode !== 'pointwise') return empty;
	const rubric = await runRubric(db, run.id);
	const categoricalCriteria = rubric?.criteria.filter((c) => c.categories).map((c) => c.name) ?? [];
	if (rubric?.output.kind === 'categories') return { ...empty, categoryRubric: true, categoricalCriteria };
	const fit = await loadFit(db, dataset.id, run.id, asked);
	const e = fit.errors;
	return {
		dataset,
		runs,
		run,
		asked,
		target: fit.target,
		counts: { judged: fit.judged, calibration: fit.n, items: fit.items, goldAnswers: fit.goldAnswers },
		reliability: (fit.map?.grid ?? []).map((g) => ({
			x: g.x,
			observed: g.observed,
			count: g.count,
			calibrated: g.y,
			ci: g.ci
		})),
		errors: e
			? {
					maeBefore: est(e.maeBefore),
					rmseBefore: est(e.rmseBefore),
					maeAfter: est(e.maeAfter),
					rmseAfter: est(e.rmseAfter),
					maeChange: est(e.maeChange),
					folds: e.folds,
					constantMae: e.constantMae
				}
			: null,
		warnings: fit.warnings,
		categoryRubric: false,
		categoricalCriteria
	};
}

export interface CalibratedRow {
	answerId: string;
	itemId: string;
	externalId: string;
	system: string;
	category: string | null;
	rawScore: number;
	/** Null when no map could be fitted (fewer than two calibration items). */
	calibratedScore: number | null;
	ci: [number, number] | null;
	samples: number;
	sampleSd: number;
}

/**
 * Every judged answer of a pointwise run with its calibrated score and
 * interval, streamed (the map is fitted once, then the judge scores are read
 * page by page): for exports. Throws NOT_FOUND like the page for a dataset or
 * run outside the caller's project.
 */
export async function* calibratedScores(
	db: Db,
	membership: Membership,
	input: { datasetId: string; judgeRunId: string; target?: CalibrationTarget }
): AsyncGenerator<CalibratedRow> {
	const { dataset, run } = await resolveDatasetRun(db, membership, input.datasetId, input.judgeRunId, 'pointwise');
	if (!run || run.mode !== 'pointwise') return;
	const fit = await loadFit(db, dataset.id, run.id, input.target ?? 'auto');
	const rubric = await runRubric(db, run.id);
	for await (const { row, score } of streamJudgeScores(db, { runId: run.id, rubric })) {
		yield {
			answerId: row.answerId,
			itemId: row.itemId,
			externalId: row.externalId,
			system: row.system,
			category: row.category,
			rawScore: score.score,
			calibratedScore: fit.map ? fit.map.predict(score.score) : null,
			ci: fit.map ? fit.map.interval(score.score) : null,
			samples: score.samples,
			sampleSd: score.sd
		};
	}
}

/**
 * The fitted map of a run (the leaderboard's calibrated column; the calibrated-scores export,
 * which applies it in SQL). The caller has checked access (`getCalibration`, `resolveDatasetRun`).
 */
export async function calibrationMapFor(
	db: Db,
	datasetId: string,
	runId: string,
	target: CalibrationTarget = 'auto'
): Promise<FittedCalibration> {
	return loadFit(db, datasetId, runId, target);
}
