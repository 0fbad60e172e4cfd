/**
 * The pointwise score layer of the analysis services: per answer, the judge's
 * score (mean over its 'ok' samples, with their spread, per turn and per
 * criterion) and every human score on it (each annotator's, with its source:
 * ui, imported or gold), with the answer's item, system and category. Pure
 * assembly of rows (the sample aggregation is one grouped SQL statement in
 * repositories/analysis-scores.ts); statistics live in lib/stats.
 *
 * - Judge score of an answer = mean over its judged turns of the per-turn
 *   sample means (a run with turn mode 'last' has one turn per answer).
 * - Human overall score = the label's score, else its criteria mapped onto the
 *   rubric's scale (`overallFromCriteria`, as the judge's overall is made), else
 *   the plain mean of its criteria when the run has no rubric (imports).
 * - Red lines: the judge fails an answer when a red-line criterion's sample
 *   mean is below its passMin (`redLineFailures`, as aggregateSamples does);
 *   a human fails it when any red line is marked not passed.
 * - Categorical criteria (a criterion with `categories`: values are label indexes): the judge's
 *   value is the majority index over all samples and turns (`majorityCode`), never a mean; they
 *   take no part in the overall score or red lines.
 * - Category rubrics (`nominal: true`): the judge's verdict of an answer is its
 *   majority category over all its 'ok' samples and turns, coded as the
 *   category's index, the code the workspace stores human labels with; a mean
 *   of codes would be meaningless, so only callers that treat the scale as
 *   nominal (agreement) ask for it, and the others keep no judge side.
 */
import { overallFromCriteria } from '../../judging/parse-verdict';
import { redLineFailures } from '../../judging/aggregate';
import { RubricContentSchema } from '../../judging/rubric-schema';
import type { RubricContent } from '../../judging/types';
import type { Db } from '../db/client';
import * as repo from '../db/repositories/analysis';
import * as scores from '../db/repositories/analysis-scores';
import type { HumanSource } from './analysis-data';

export interface JudgeTurnScore {
	turn: number;
	samples: number;
	score: number;
	sd: number;
	criteria: Record<string, scores.CriterionSpread>;
}

export interface JudgeAnswerScore {
	/** Mean over turns of the per-turn sample means. */
	score: number;
	/** Largest per-turn sample spread (sd). */
	sd: number;
	samples: number;
	turns: JudgeTurnScore[];
	/** Criterion id → mean over turns of the per-turn means. */
	criteria: Record<string, number>;
	/** Red-line criteria failed on any turn (needs the run's rubric). */
	redLineFailures: string[];
}

export interface HumanScore {
	annotator: string;
	kind: repo.LabelKind;
	/** Overall score, null when the label has neither a score nor criteria we can map. */
	score: number | null;
	criteria: Record<string, number>;
	/** Any red line marked not passed. */
	redLineFailed: boolean;
	/** Red-line criterion id → passed, as marked (the gate's pass/fail reference). */
	redLines: Record<string, boolean>;
}

export interface ScoredAnswer {
	answerId: string;
	itemId: string;
	externalId: string;
	system: string;
	category: string | null;
	judge: JudgeAnswerScore | null;
	humans: HumanScore[];
}

export interface PointwiseLoadOptions {
	datasetId: string;
	runId: string | null;
	humanSource: HumanSource;
	/**
	 * Only the answers with a human label of `humanSource` (and their judge scores): what a fit on
	 * human labels needs, without reading every judged answer of a large run.
	 */
	labelledOnly?: boolean;
	/** Category rubrics: read the judge's majority category as its nominal code (see the docblock). */
	nominal?: boolean;
}

/** The rubric content of a live run, or null (imported runs, or content that no longer parses). */
export async function runRubric(db: Db, runId: string | null): Promise<RubricContent | null> {
	if (!runId) return null;
	const row = await scores.findRunRubric(db, runId);
	if (!row) return null;
	const parsed = RubricContentSchema.safeParse(row.content);
	return parsed.success ? (parsed.data as RubricContent) : null;
}

/** The ids of a rubric's categorical criteria (their values are label indexes). */
export function categoricalCriteria(rubric: RubricContent | null): string[] {
	return rubric?.criteria.filter((c) => c.categories).map((c) => c.id) ?? [];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** One answer's judge rows (its turns, ordered) as one score. */
export function judgeAnswerScore(rows: scores.PointwiseJudgeRow[], rubric: RubricContent | null): JudgeAnswerScore {
	const turns = rows.map((r) => ({
		turn: r.turn,
		samples: r.samples,
		score: Number(r.score),
		sd: Number(r.sd),
		criteria: r.criteria ?? {}
	}));
	const ids = [...new Set(turns.flatMap((t) => Object.keys(t.criteria)))];
	const criteria: Record<string, number> = {};
	const categorical = new Set(rubric?.criteria.filter((c) => c.categories).map((c) => c.id));
	for (const id of ids) {
		if (categorical.has(id)) {
			const code = majorityCode(turns.map((t) => t.criteria[id]?.codes ?? {}));
			if (code !== null) criteria[id] = code;
			continue;
		}
		const per = turns.flatMap((t) => (t.criteria[id] ? [Number(t.criteria[id].mean)] : []));
		criteria[id] = mean(per);
	}
	const failures = new Set<string>();
	if (rubric) {
		for (const t of turns) {
			const means = Object.fromEntries(
				Object.entries(t.criteria)
					.filter(([k]) => !categorical.has(k))
					.map(([k, v]) => [k, Number(v.mean)])
			);
			for (const id of redLineFailures(rubric, means)) failures.add(id);
		}
	}
	return {
		score: mean(turns.map((t) => t.score)),
		sd: Math.max(...turns.map((t) => t.sd)),
		samples: turns.reduce((a, t) => a + t.samples, 0),
		turns,
		criteria,
		redLineFailures: [...failures]
	};
}

/**
 * A categorical criterion's judge verdict over all samples and turns: the label index with the
 * most votes, a split going to the first in rubric order (the lowest index), as aggregateSamples'
 * `summariseLabels` and category rubrics break it. Null when no sample gave one.
 */
export function majorityCode(counts: readonly Record<string, number>[]): number | null {
	const votes = new Map<number, number>();
	for (const perTurn of counts) {
		for (const [code, n] of Object.entries(perTurn)) votes.set(Number(code), (votes.get(Number(code)) ?? 0) + n);
	}
	let best: number | null = null;
	for (const [code, n] of votes) {
		const top = best === null ? -1 : (votes.get(best) ?? 0);
		if (n > top || (n === top && best !== null && code < best)) best = code;
	}
	return best;
}

/** A human label's overall score (see the module docblock). */
export function humanScore(label: scores.PointwiseLabelRow, rubric: RubricContent | null): HumanScore {
	const criteria = label.criteria ?? {};
	let score: number | null = label.score === null ? null : Number(label.score);
	const keys = Object.keys(criteria);
	if (score === null && keys.length > 0) {
		const complete = rubric && rubric.criteria.length > 0 && rubric.criteria.every((c) => c.id in criteria);
		score = complete ? overallFromCriteria(rubric, criteria) : mean(keys.map((k) => criteria[k]));
		// A rubric whose criteria include labels: only complete labels have an overall (codes are no amounts).
		if (!complete && rubric?.criteria.some((c) => c.categories)) score = null;
	}
	return {
		annotator: label.annotator,
		kind: label.kind,
		score,
		criteria,
		redLineFailed: Object.values(label.redLines ?? {}).some((passed) => passed === false),
		redLines: label.redLines ?? {}
	};
}

/**
 * Every answer of the dataset that the run scored or a human labelled, with
 * both sides. Answers with neither are left out. Ordered by answer id.
 */
export async function loadPointwiseScores(
	db: Db,
	{ datasetId, runId, humanSource, labelledOnly = false, nominal = false }: PointwiseLoadOptions
): Promise<ScoredAnswer[]> {
	const labelsRead = scores.listPointwiseLabels(db, datasetId, humanSource);
	let only: { answerIds: string[]; itemIds: string[] } | undefined;
	if (labelledOnly) {
		const item = new Map((await labelsRead).map((l) => [l.answerId, l.itemId]));
		only = { answerIds: [...item.keys()], itemIds: [...item.values()] };
	}
	const rubric = await runRubric(db, runId);
	const categories = nominal && rubric?.output.kind === 'categories' ? rubric.output.categories : null;
	const [answers, labels, judged] = await Promise.all([
		repo.listAnswerInfo(db, datasetId, only?.answerIds),
		labelsRead,
		!runId
			? Promise.resolve([])
			: categories
				? scores.listCategoricalJudgeVerdicts(db, runId, categories)
				: scores.listPointwiseJudgeScores(db, { runId, only, categoricalKeys: categoricalCriteria(rubric) })
	]);
	const info = new Map(answers.map((a) => [a.id, a]));
	const byAnswer = new Map<string, ScoredAnswer>();
	const entry = (answerId: string): ScoredAnswer | null => {
		let e = byAnswer.get(answerId);
		if (e) return e;
		const a = info.get(answerId);
		if (!a) return null;
		e = {
			answerId,
			itemId: a.itemId,
			externalId: a.externalId,
			system: a.system,
			category: a.category,
			judge: null,
			humans: []
		};
		byAnswer.set(answerId, e);
		return e;
	};
	// Rows arrive ordered by answer and turn: gather each answer's turns.
	let i = 0;
	while (i < judged.length) {
		let k = i;
		while (k < judged.length && judged[k].answerId === judged[i].answerId) k++;
		const e = entry(judged[i].answerId);
		if (e) e.judge = judgeAnswerScore(judged.slice(i, k), rubric);
		i = k;
	}
	for (const l of labels) entry(l.answerId)?.humans.push(humanScore(l, rubric));
	return [...byAnswer.values()].sort((a, b) => (a.answerId < b.answerId ? -1 : a.answerId > b.answerId ? 1 : 0));
}

/**
 * A run's judge scores page by page (keyset on answer and turn), one answer at
 * a time, for streaming writers (exports). Never holds more than one page.
 */
export async function* streamJudgeScores(
	db: Db,
	{ runId, rubric, pageSize = 5000 }: { runId: string; rubric: RubricContent | null; pageSize?: number }
): AsyncGenerator<{ row: scores.PointwiseJudgeRow; score: JudgeAnswerScore }> {
	let after: { answerId: string; turn: number } | undefined;
	let pending: scores.PointwiseJudgeRow[] = [];
	for (;;) {
		const page = await scores.listPointwiseJudgeScores(db, { runId, after, limit: pageSize });
		for (const r of page) {
			if (pending.length > 0 && pending[0].answerId !== r.answerId) {
				yield { row: pending[0], score: judgeAnswerScore(pending, rubric) };
				pending = [];
			}
			pending.push(r);
		}
		if (page.length < pageSize) break;
		const last = page[page.length - 1];
		after = { answerId: last.answerId, turn: last.turn };
	}
	if (pending.length > 0) yield { row: pending[0], score: judgeAnswerScore(pending, rubric) };
}
