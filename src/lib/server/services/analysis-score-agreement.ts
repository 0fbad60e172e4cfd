/**
 * Agreement on pointwise rubrics, for one judge run (so one rubric version):
 * judge ↔ human and human ↔ human on the same answers, overall and per
 * criterion, with the statistics that fit the scale, each with a 95% percentile
 * bootstrap interval over item clusters (Efron & Tibshirani 1993):
 *
 * - ordinal score scales (1–5, 1–10): exact agreement and agreement within ±1
 *   scale point, quadratic- and linear-weighted κ (Cohen 1968), Krippendorff's α
 *   with the ordinal and the interval metric (Krippendorff 2011), Spearman's ρ
 *   and Kendall's τ-b;
 * - categorical rubrics and categorical criteria (label indexes): exact agreement, unweighted κ
 *   (Cohen 1960) and nominal α, with the same item-cluster bootstrap intervals.
 *
 * Every figure is a lib/stats table form (`cohenKappaFromTable`,
 * `alphaFromCoincidence`, `spearmanFromTable`, `kendallTauBFromTable`) on the
 * k × k table of (judge, human) scores, which equal the full functions on the
 * same pairs. α treats each pair as a unit coded twice (o[a][b] and o[b][a]).
 * The judge's score of an answer is its mean over samples (and turns), rounded
 * to the nearest scale point for the table; humans' scores are rounded the same
 * way. Scale: the run's rubric (overall output scale, each criterion's scale),
 * else (imported runs) the integer range the scores span.
 */
import {
	alphaFromCoincidence,
	bootstrapIndexCIs,
	cohenKappaFromTable,
	kappaWeightMatrix,
	kendallTauBFromTable,
	spearmanFromTable
} from '../../stats';
import type { RubricContent } from '../../judging/types';
import type { Db } from '../db/client';
import type { Membership } from '../db/repositories/members';
import { AppError } from '../errors';
import { cached, MIN_GROUP, RESAMPLES, resolveDatasetRun, type Estimate, type RunSummary } from './analysis-common';
import type { HumanSource } from './analysis-data';
import { loadPointwiseScores, runRubric, type ScoredAnswer } from './analysis-scores';

export type ScoreLevel = 'ordinal' | 'nominal';

export interface ScoreScale {
	level: ScoreLevel;
	/** Scale points in order. */
	values: number[];
	/** Nominal scales of a category rubric: the category of each value (values are their indices). */
	labels?: string[];
}

export interface ScoreAgreementFigures {
	n: number;
	exact: Estimate;
	/** Ordinal scales only. */
	withinOne: Estimate | null;
	kappaQuadratic: Estimate | null;
	kappaLinear: Estimate | null;
	alphaOrdinal: Estimate | null;
	alphaInterval: Estimate | null;
	spearman: Estimate | null;
	kendall: Estimate | null;
	/** Categorical scales only. */
	kappaNominal: Estimate | null;
	alphaNominal: Estimate | null;
}

export interface ScoreRows {
	x: number[];
	y: number[];
	clusters: string[];
	answers: ScoredAnswer[];
}

const emptyRows = (): ScoreRows => ({ x: [], y: [], clusters: [], answers: [] });

const OUTPUTS = [
	'exact',
	'withinOne',
	'kappaQuadratic',
	'kappaLinear',
	'alphaOrdinal',
	'alphaInterval',
	'spearman',
	'kendall',
	'kappaNominal',
	'alphaNominal'
] as const;

/** Index of the scale point nearest to v (ties to the higher point). */
function code(values: number[], v: number): number {
	let best = 0;
	for (let c = 1; c < values.length; c++) if (Math.abs(values[c] - v) <= Math.abs(values[best] - v)) best = c;
	return best;
}

/**
 * The figures of one set of (x, y) score pairs on a scale, with intervals over
 * `clusters`. Null without pairs. A figure undefined on the full data (e.g. κ
 * when every score is the same) is null; one defined on too few resamples keeps
 * its estimate without an interval.
 */
export function scoreAgreementWithIntervals(
	rows: Pick<ScoreRows, 'x' | 'y' | 'clusters'>,
	scale: ScoreScale,
	{ resamples = RESAMPLES, seed = 1 }: { resamples?: number; seed?: number } = {}
): ScoreAgreementFigures | null {
	const n = rows.x.length;
	if (n === 0) return null;
	const k = scale.values.length;
	const cx = Int32Array.from(rows.x, (v) => code(scale.values, v));
	const cy = Int32Array.from(rows.y, (v) => code(scale.values, v));
	const ordinal = scale.level === 'ordinal';
	const quadratic = kappaWeightMatrix('quadratic', scale.values);
	const linear = kappaWeightMatrix('linear', scale.values);
	const nominal = kappaWeightMatrix('none', scale.values);
	const table = new Float64Array(k * k);
	const coincidence = new Float64Array(k * k);
	const all = new Float64Array(OUTPUTS.length);
	const safe = (f: () => number) => {
		try {
			return f();
		} catch (e) {
			if (e instanceof RangeError) return Number.NaN;
			throw e;
		}
	};
	const compute = (idx: Int32Array, len: number) => {
		table.fill(0);
		let same = 0;
		let near = 0;
		for (let t = 0; t < len; t++) {
			const a = cx[idx[t]];
			const b = cy[idx[t]];
			table[a * k + b]++;
			if (a === b) same++;
			if (Math.abs(scale.values[a] - scale.values[b]) <= 1) near++;
		}
		for (let a = 0; a < k; a++)
			for (let b = 0; b < k; b++) coincidence[a * k + b] = table[a * k + b] + table[b * k + a];
		all.fill(Number.NaN);
		all[0] = same / len;
		if (ordinal) {
			all[1] = near / len;
			all[2] = safe(() => cohenKappaFromTable(table, quadratic, k));
			all[3] = safe(() => cohenKappaFromTable(table, linear, k));
			all[4] = safe(() => alphaFromCoincidence(coincidence, scale.values, 'ordinal').alpha);
			all[5] = safe(() => alphaFromCoincidence(coincidence, scale.values, 'interval').alpha);
			all[6] = safe(() => spearmanFromTable(table, k, k));
			all[7] = safe(() => kendallTauBFromTable(table, k, k));
		} else {
			all[8] = safe(() => cohenKappaFromTable(table, nominal, k));
			all[9] = safe(() => alphaFromCoincidence(coincidence, scale.values, 'nominal').alpha);
		}
	};
	const identity = Int32Array.from({ length: n }, (_, i) => i);
	compute(identity, n);
	const point = Float64Array.from(all);
	// bootstrapIndexCIs refuses an output undefined on the full data: resample only the defined ones.
	const dims = OUTPUTS.flatMap((_, d) => (Number.isFinite(point[d]) ? [d] : []));
	let intervals = new Map<number, [number, number]>();
	if (resamples > 0) {
		try {
			const results = bootstrapIndexCIs(
				(idx, len, out) => {
					compute(idx, len);
					for (let q = 0; q < dims.length; q++) out[q] = all[dims[q]];
				},
				dims.length,
				n,
				{ clusters: rows.clusters, resamples, seed }
			);
			intervals = new Map(dims.map((d, q) => [d, results[q].ci]));
		} catch (e) {
			if (!(e instanceof RangeError)) throw e;
		}
	}
	const est = (d: number): Estimate | null =>
		Number.isFinite(point[d]) ? { estimate: point[d], ci: intervals.get(d) ?? null } : null;
	return {
		n,
		exact: est(0)!,
		withinOne: est(1),
		kappaQuadratic: est(2),
		kappaLinear: est(3),
		alphaOrdinal: est(4),
		alphaInterval: est(5),
		spearman: est(6),
		kendall: est(7),
		kappaNominal: est(8),
		alphaNominal: est(9)
	};
}

type ScoreOf = (a: ScoredAnswer) => {
	judge: number | null;
	humans: { annotator: string; kind: string; score: number | null }[];
};

const overallScore: ScoreOf = (a) => ({ judge: a.judge?.score ?? null, humans: a.humans });
const criterionScore =
	(id: string): ScoreOf =>
	(a) => ({
		judge: a.judge?.criteria[id] ?? null,
		humans: a.humans.map((h) => ({ annotator: h.annotator, kind: h.kind, score: h.criteria[id] ?? null }))
	});

/** One row per (judge score, human score) on an answer; its item is its cluster. */
export function judgeHumanScoreRows(answers: readonly ScoredAnswer[], of: ScoreOf = overallScore): ScoreRows {
	const rows = emptyRows();
	for (const a of answers) {
		const s = of(a);
		if (s.judge === null) continue;
		for (const h of s.humans) {
			if (h.score === null) continue;
			rows.x.push(s.judge);
			rows.y.push(h.score);
			rows.clusters.push(a.itemId);
			rows.answers.push(a);
		}
	}
	return rows;
}

/** One row per pair of scores by different annotators on an answer; gold labels left out (made from the others). */
export function humanHumanScoreRows(answers: readonly ScoredAnswer[], of: ScoreOf = overallScore): ScoreRows {
	const rows = emptyRows();
	for (const a of answers) {
		const humans = of(a).humans.filter((h) => h.kind !== 'gold' && h.score !== null);
		for (let i = 0; i < humans.length; i++) {
			for (let j = i + 1; j < humans.length; j++) {
				if (humans[i].annotator === humans[j].annotator) continue;
				rows.x.push(humans[i].score!);
				rows.y.push(humans[j].score!);
				rows.clusters.push(a.itemId);
				rows.answers.push(a);
			}
		}
	}
	return rows;
}

/** The rubric's scale for the overall score or a criterion; else the integer range of the observed scores. */
export function scoreScale(rubric: RubricContent | null, criterion: string | null, observed: number[]): ScoreScale {
	const range = (min: number, max: number) => Array.from({ length: max - min + 1 }, (_, i) => min + i);
	if (rubric) {
		if (criterion) {
			const c = rubric.criteria.find((x) => x.id === criterion);
			// A categorical criterion: label indexes, compared as nominal codes like a category rubric's.
			if (c?.categories) return { level: 'nominal', values: c.categories.map((_, i) => i), labels: [...c.categories] };
			if (c) return { level: 'ordinal', values: range(c.scale.min, c.scale.max) };
		} else if (rubric.output.kind === 'score') {
			return { level: 'ordinal', values: range(rubric.output.scale.min, rubric.output.scale.max) };
		} else {
			return {
				level: 'nominal',
				values: rubric.output.categories.map((_, i) => i),
				labels: [...rubric.output.categories]
			};
		}
	}
	if (observed.length === 0) return { level: 'ordinal', values: [0, 1] };
	let min = Infinity;
	let max = -Infinity;
	for (const v of observed) {
		min = Math.min(min, Math.round(v));
		max = Math.max(max, Math.round(v));
	}
	return { level: 'ordinal', values: range(min, Math.max(max, min + 1)) };
}

export interface ScoreGroup {
	name: string;
	judgeHuman: ScoreAgreementFigures | null;
	humanHuman: ScoreAgreementFigures | null;
}

export interface ScoreDisagreement {
	itemId: string;
	externalId: string;
	system: string;
	judge: number;
	humans: number[];
	/** Ordinal: |judge − mean human| in scale points. Nominal: the share of human labels unlike the judge's. */
	distance: number;
}

export interface CriterionAgreement {
	id: string;
	scale: ScoreScale;
	judgeHuman: ScoreAgreementFigures | null;
	humanHuman: ScoreAgreementFigures | null;
}

export interface ScoreAgreementResult {
	dataset: { id: string; name: string };
	runs: RunSummary[];
	run: RunSummary;
	humanSource: HumanSource;
	scale: ScoreScale;
	counts: { judged: number; labelled: number; both: number; humanPairs: number };
	judgeHuman: ScoreAgreementFigures | null;
	humanHuman: ScoreAgreementFigures | null;
	/** Rows: judge's (rounded) score, columns: human's, in scale order. */
	confusion: { values: number[]; matrix: number[][] } | null;
	criteria: CriterionAgreement[];
	bySystem: ScoreGroup[];
	byCategory: ScoreGroup[];
	disagreements: ScoreDisagreement[];
}

function subset(rows: ScoreRows, keep: (a: ScoredAnswer) => boolean): ScoreRows {
	const out = emptyRows();
	rows.answers.forEach((a, i) => {
		if (!keep(a)) return;
		out.x.push(rows.x[i]);
		out.y.push(rows.y[i]);
		out.clusters.push(rows.clusters[i]);
		out.answers.push(a);
	});
	return out;
}

function groups(
	jh: ScoreRows,
	hh: ScoreRows,
	scale: ScoreScale,
	names: string[],
	member: (a: ScoredAnswer, name: string) => boolean
) {
	const out: ScoreGroup[] = [];
	for (const name of names) {
		const j = subset(jh, (a) => member(a, name));
		const h = subset(hh, (a) => member(a, name));
		if (j.x.length < MIN_GROUP && h.x.length < MIN_GROUP) continue;
		out.push({
			name,
			judgeHuman: j.x.length >= MIN_GROUP ? scoreAgreementWithIntervals(j, scale, { resamples: 500 }) : null,
			humanHuman: h.x.length >= MIN_GROUP ? scoreAgreementWithIntervals(h, scale, { resamples: 500 }) : null
		});
	}
	return out;
}

export function largestScoreDisagreements(
	answers: readonly ScoredAnswer[],
	limit = 20,
	level: ScoreLevel = 'ordinal'
): ScoreDisagreement[] {
	const list: ScoreDisagreement[] = [];
	for (const a of answers) {
		const humans = a.humans.flatMap((h) => (h.score === null ? [] : [h.score]));
		if (!a.judge || humans.length === 0) continue;
		const judge = a.judge.score;
		// A category code has no distance to another: count the labels that differ instead.
		const distance =
			level === 'nominal'
				? humans.filter((h) => h !== judge).length / humans.length
				: Math.abs(judge - humans.reduce((s, v) => s + v, 0) / humans.length);
		if (distance === 0) continue;
		list.push({ itemId: a.itemId, externalId: a.externalId, system: a.system, judge: a.judge.score, humans, distance });
	}
	list.sort(
		(x, y) => y.distance - x.distance || y.humans.length - x.humans.length || x.externalId.localeCompare(y.externalId)
	);
	return list.slice(0, limit);
}

export async function getScoreAgreement(
	db: Db,
	membership: Membership,
	input: { datasetId: string; judgeRunId?: string; humanSource?: HumanSource }
): Promise<ScoreAgreementResult> {
	const humanSource = input.humanSource ?? 'all';
	const { dataset, runs, run } = await resolveDatasetRun(
		db,
		membership,
		input.datasetId,
		input.judgeRunId,
		'pointwise'
	);
	if (!run || run.mode !== 'pointwise') throw new AppError('NOT_FOUND', 'No pointwise judge run on this dataset.');
	return cached(db, 'score-agreement', dataset.id, run.id, humanSource, async () => {
		const [answers, rubric] = await Promise.all([
			loadPointwiseScores(db, { datasetId: dataset.id, runId: run.id, humanSource, nominal: true }),
			runRubric(db, run.id)
		]);
		const jh = judgeHumanScoreRows(answers);
		const hh = humanHumanScoreRows(answers);
		const scale = scoreScale(rubric, null, [...jh.x, ...jh.y, ...hh.x, ...hh.y]);
		const criterionIds = [
			...new Set(
				answers.flatMap((a) => [
					...Object.keys(a.judge?.criteria ?? {}),
					...a.humans.flatMap((h) => Object.keys(h.criteria))
				])
			)
		].sort();
		const criteria = criterionIds.map((id) => {
			const cj = judgeHumanScoreRows(answers, criterionScore(id));
			const ch = humanHumanScoreRows(answers, criterionScore(id));
			const cs = scoreScale(rubric, id, [...cj.x, ...cj.y, ...ch.x, ...ch.y]);
			return {
				id,
				scale: cs,
				judgeHuman: scoreAgreementWithIntervals(cj, cs, { resamples: 500 }),
				humanHuman: scoreAgreementWithIntervals(ch, cs, { resamples: 500 })
			};
		});
		let confusion: ScoreAgreementResult['confusion'] = null;
		if (jh.x.length > 0) {
			const k = scale.values.length;
			const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
			jh.x.forEach((x, i) => matrix[code(scale.values, x)][code(scale.values, jh.y[i])]++);
			confusion = { values: scale.values, matrix };
		}
		const systems = [...new Set(answers.map((a) => a.system))].sort();
		const categories = [...new Set(answers.map((a) => a.category).filter((c): c is string => c !== null))].sort();
		return {
			dataset,
			runs,
			run,
			humanSource,
			scale,
			counts: {
				judged: answers.filter((a) => a.judge).length,
				labelled: answers.filter((a) => a.humans.length > 0).length,
				both: answers.filter((a) => a.judge && a.humans.length > 0).length,
				humanPairs: hh.x.length
			},
			judgeHuman: scoreAgreementWithIntervals(jh, scale),
			humanHuman: scoreAgreementWithIntervals(hh, scale),
			confusion,
			criteria,
			bySystem: groups(jh, hh, scale, systems, (a, s) => a.system === s),
			byCategory: groups(jh, hh, scale, categories, (a, c) => a.category === c),
			disagreements: largestScoreDisagreements(answers, 20, scale.level)
		};
	});
}
