/**
 * Adjudication (admins): tasks where the humans disagree with each other, or with the queue's
 * judge run, beyond the queue's thresholds, shown with every label (Concord's and imported
 * ones, source marked), rationale and the judge's output side by side; a gold label with a
 * rationale settles a task. Also `rebuildLabelsFromAudit`: the labels as the audit says they are.
 *
 * Disagreement, in [0, 1]: pairwise and category rubrics, 1 − the share of the most common
 * verdict or category; score rubrics, the range of the overall scores divided by the scale's span.
 * A task is listed when at least two human labels disagree by more than `disagreement_threshold`,
 * or, with a judge run, when the judge's majority verdict (category) differs from the humans' or
 * its mean score differs from theirs by more than `judge_threshold` of the span (score rubrics).
 * A category rubric's gold label is a category, checked as the workspace checks a label.
 */
import { randomUUID } from 'node:crypto';
import type { AdjudicateInput } from '../../schemas/annotation';
import type { Db } from '../db/client';
import * as assignments from '../db/repositories/annotation-assignments';
import * as labels from '../db/repositories/annotation-labels';
import type { Membership } from '../db/repositories/members';
import type { AnnotationSource, PresentedOrder, Verdict } from '../db/schema';
import { AppError } from '../errors';
import { requireQueue, requireRubricVersion, rubricOf } from './annotation-queues';
import { categoryOf, labelValues } from './annotation-work';
import * as queues from '../db/repositories/annotation-queues';

const PAGE_TASKS = 200;

export interface AdjudicationLabel {
	id: string;
	source: AnnotationSource;
	annotator: string | null;
	/** In the task's answer terms (imported labels stored the other way round are flipped). */
	verdict: Verdict | null;
	score: number | null;
	/** Category rubrics: the label's category (`score` holds its index). */
	category: string | null;
	criteria: Record<string, number> | null;
	redLines: Record<string, boolean> | null;
	rationale: string | null;
	presentedOrder: PresentedOrder | null;
	version: number;
}

export interface AdjudicationJudgment {
	runName: string;
	verdict: Verdict | null;
	score: number | null;
	/** Category rubrics: the judge's category. */
	category: string | null;
	presentedOrder: PresentedOrder | null;
	sample: number;
	turn: number;
	raw: unknown;
}

export interface AdjudicationItem {
	taskId: string;
	itemId: string;
	itemExternalId: string;
	systemA: string;
	systemB: string | null;
	disagreement: number;
	judgeDisagrees: boolean;
	labels: AdjudicationLabel[];
	judgments: AdjudicationJudgment[];
	gold: AdjudicationLabel | null;
}

const flip = (v: Verdict | null): Verdict | null => (v === 'A' ? 'B' : v === 'B' ? 'A' : v);

function majority<T>(verdicts: T[]): { top: T | null; share: number } {
	const counts = new Map<T, number>();
	for (const v of verdicts) counts.set(v, (counts.get(v) ?? 0) + 1);
	let top: T | null = null;
	let best = 0;
	let tied = false;
	for (const [v, n] of counts) {
		if (n > best) [top, best, tied] = [v, n, false];
		else if (n === best) tied = true;
	}
	return { top: tied ? null : top, share: verdicts.length ? best / verdicts.length : 1 };
}

/**
 * Labels with no distance between them (verdicts, categories; nulls left out): disagreement is
 * 1 − the share of the most common one, and the judge (when the queue has a run) disagrees when
 * its majority is not the humans'.
 */
function nominalDisagreement<T>(
	humanValues: (T | null)[],
	judgeValues: (T | null)[] | null
): { disagreement: number; judgeDisagrees: boolean } {
	const human = humanValues.filter((v): v is T => v !== null);
	const m = majority(human);
	const disagreement = human.length >= 2 ? 1 - m.share : 0;
	if (!judgeValues) return { disagreement, judgeDisagrees: false };
	const jm = majority(judgeValues.filter((v): v is T => v !== null));
	return { disagreement, judgeDisagrees: human.length > 0 && jm.top !== null && jm.top !== m.top };
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

export async function listAdjudication(
	db: Db,
	membership: Membership,
	queueId: string,
	cursor: string | undefined
): Promise<{ items: AdjudicationItem[]; nextCursor: string | null }> {
	const q = await requireQueue(db, membership, queueId);
	const rubricRow = await queues.findRubricVersion(db, q.projectId, q.rubricVersionId);
	const rubric = rubricRow ? rubricOf(rubricRow.content) : null;
	const span = rubric?.output.kind === 'score' ? Math.max(1, rubric.output.scale.max - rubric.output.scale.min) : 1;
	if (cursor !== undefined && !/^\d+$/.test(cursor)) throw new AppError('BAD_REQUEST', 'Bad cursor.');
	const tasks = await labels.labelledTasks(db, q.id, cursor ?? null, PAGE_TASKS);
	const units = tasks.map((t) => ({
		taskId: t.taskId,
		itemId: t.itemId,
		answerAId: t.answerAId,
		answerBId: t.answerBId
	}));
	const [labelRows, judgmentRows] = await Promise.all([
		labels.labelsOfUnits(db, q.id, units),
		labels.judgmentsOfUnits(db, q.datasetId, q.judgeRunId, units)
	]);
	const items: AdjudicationItem[] = [];
	for (const t of tasks) {
		const mine = labelRows.filter((l) => l.unitTaskId === t.taskId);
		const toLabel = (l: (typeof labelRows)[number]): AdjudicationLabel => ({
			id: l.id,
			source: l.source,
			annotator: l.annotator,
			verdict: l.flipped ? flip(l.verdict) : l.verdict,
			score: l.score,
			category: rubric ? categoryOf(rubric, l.score) : null,
			criteria: l.criteria,
			redLines: l.redLines,
			rationale: l.rationale,
			presentedOrder: l.presentedOrder,
			version: l.version
		});
		const human = mine.filter((l) => l.source !== 'gold').map(toLabel);
		const goldRow = mine.find((l) => l.source === 'gold');
		const judgments = judgmentRows
			.filter((j) => j.unitTaskId === t.taskId)
			.map((j) => ({
				runName: j.runName,
				verdict: j.flipped ? flip(j.verdict) : j.verdict,
				score: j.score,
				category: j.category,
				presentedOrder: j.presentedOrder,
				sample: j.sample,
				turn: j.turn,
				raw: j.raw
			}));
		let disagreement = 0;
		let judgeDisagrees = false;
		if (q.mode === 'pairwise') {
			({ disagreement, judgeDisagrees } = nominalDisagreement(
				human.map((l) => l.verdict),
				q.judgeRunId ? judgments.map((j) => j.verdict) : null
			));
		} else if (rubric?.output.kind === 'categories') {
			({ disagreement, judgeDisagrees } = nominalDisagreement(
				human.map((l) => l.category),
				q.judgeRunId ? judgments.map((j) => j.category) : null
			));
		} else {
			const ss = human.map((l) => l.score).filter((s): s is number => s !== null);
			disagreement = ss.length >= 2 ? (Math.max(...ss) - Math.min(...ss)) / span : 0;
			if (q.judgeRunId) {
				const js = judgments.map((j) => j.score).filter((s): s is number => s !== null);
				judgeDisagrees =
					ss.length > 0 && js.length > 0 && Math.abs(mean(js) - mean(ss)) / span > (q.judgeThreshold ?? 0);
			}
		}
		const humansDisagree = human.length >= 2 && disagreement > q.disagreementThreshold;
		if (!humansDisagree && !judgeDisagrees) continue;
		items.push({
			taskId: t.taskId,
			itemId: t.itemId,
			itemExternalId: t.externalId,
			systemA: t.systemA,
			systemB: t.systemB,
			disagreement: Math.round(disagreement * 1000) / 1000,
			judgeDisagrees,
			labels: human,
			judgments,
			gold: goldRow ? toLabel(goldRow) : null
		});
	}
	return { items, nextCursor: tasks.length === PAGE_TASKS ? (tasks.at(-1)?.seq ?? null) : null };
}

/** Writes the task's gold label (source 'gold'), versioned and audited like any label. */
export async function adjudicate(
	db: Db,
	membership: Membership,
	input: AdjudicateInput
): Promise<{ labelId: string; version: number }> {
	const q = await requireQueue(db, membership, input.queueId);
	const { rubric } = await requireRubricVersion(db, q.projectId, q.rubricVersionId);
	return db.transaction().execute(async (trx) => {
		const task = await labels.findTask(trx, q.id, input.taskId);
		if (!task) throw new AppError('NOT_FOUND', 'Task not found.');
		await assignments.lockTask(trx, task.taskId);
		const current = await labels.findGoldLabel(trx, task.taskId);
		const have = current?.version ?? 0;
		if (have !== (input.expectedVersion ?? 0))
			throw new AppError('CONFLICT', `The gold label was changed meanwhile (now version ${have}).`, {
				currentVersion: have
			});
		let values: Pick<labels.LabelState, 'verdict' | 'score' | 'criteria' | 'redLines'>;
		if ('verdict' in input.label) {
			if (q.mode !== 'pairwise') throw new AppError('BAD_REQUEST', 'Give scores for this rubric.', { field: 'label' });
			values = { verdict: input.label.verdict, score: null, criteria: null, redLines: null };
		} else if (q.mode !== 'pointwise') {
			throw new AppError('BAD_REQUEST', 'Choose A, B or tie.', { field: 'label' });
		} else if (rubric.output.kind === 'categories') {
			// The category's index, with criteria and red lines if the rubric has them, as the workspace stores it.
			values = labelValues(rubric, input.label, null);
		} else {
			const scores = input.label.scores;
			// A gold label of a categorical criterion is its label's index, checked like the workspace's.
			for (const c of rubric.criteria) {
				const v = scores[c.id];
				if (c.categories && v !== undefined && !(Number.isInteger(v) && v >= 0 && v < c.categories.length))
					throw new AppError('BAD_REQUEST', `Choose a label for "${c.name}": ${c.categories.join(', ')}.`, {
						field: `scores.${c.id}`
					});
			}
			// The overall score is the numeric criteria's mean; labels are no amounts.
			const crit = rubric.criteria.filter((c) => !c.categories);
			const overall =
				input.label.score ??
				(crit.length
					? rubric.output.scale.min +
						mean(
							crit.map((c) => ((scores[c.id] ?? c.scale.min) - c.scale.min) / Math.max(1, c.scale.max - c.scale.min))
						) *
							(rubric.output.scale.max - rubric.output.scale.min)
					: null);
			if (overall === null) throw new AppError('BAD_REQUEST', 'Give a score.', { field: 'score' });
			values = {
				verdict: null,
				score: overall,
				criteria: rubric.criteria.length ? scores : null,
				redLines: input.label.redLines
			};
		}
		const state: labels.LabelState = {
			id: current?.id ?? randomUUID(),
			projectId: q.projectId,
			datasetId: q.datasetId,
			itemId: task.itemId,
			answerAId: task.answerAId,
			answerBId: task.answerBId,
			presentedOrder: null,
			annotatorUserId: membership.userId,
			source: 'gold',
			queueId: q.id,
			taskId: task.taskId,
			assignmentId: null,
			...values,
			rationale: input.rationale,
			version: have + 1
		};
		await labels.writeLabel(trx, state);
		await labels.appendAudit(trx, {
			projectId: q.projectId,
			queueId: q.id,
			annotationId: state.id,
			assignmentId: null,
			actorUserId: membership.userId,
			action: 'adjudicate',
			before: current ?? null,
			after: state,
			idempotencyKey: null
		});
		return { labelId: state.id, version: state.version };
	});
}

/**
 * The queue's labels rebuilt from the audit alone: the last `after` of each label. Equal to
 * the table when every write went through the services (integration-tested).
 */
export async function rebuildLabelsFromAudit(db: Db, queueId: string): Promise<labels.LabelState[]> {
	const states = await labels.lastAuditStates(db, queueId);
	return states.sort((a, b) => a.id.localeCompare(b.id));
}

/** The labels as the table holds them, in the same shape and order (for comparison). */
export async function currentLabels(db: Db, queueId: string): Promise<labels.LabelState[]> {
	const rows = await labels.labelsOfQueue(db, queueId);
	return rows.sort((a, b) => a.id.localeCompare(b.id));
}
