/**
 * Annotator work on a queue: which queues I may work on, "next item" (a reservation), the task
 * view, submit / revise, skip, release, my history.
 *
 * Blinding: nothing returned here carries another person's label or a judge's output for a
 * task unless `itemAccess` (auth/policy.ts) allows it for that item: i.e. the caller submitted
 * it and the queue reveals after submit (or the caller reads results anyway). Answers are
 * shown as left/right in the placement drawn for this annotator and task, without system names.
 * Someone else's assignment is NOT_FOUND, like one that does not exist.
 */
import { randomUUID } from 'node:crypto';
import { can, itemAccess } from '../auth/policy';
import type { RubricContent } from '../../judging/types';
import type { LabelInput, SubmitInput } from '../../schemas/annotation';
import type { Db } from '../db/client';
import * as assignments from '../db/repositories/annotation-assignments';
import * as labels from '../db/repositories/annotation-labels';
import * as queues from '../db/repositories/annotation-queues';
import type { Membership } from '../db/repositories/members';
import type { AssignmentStatus, ChatMessage, PresentedOrder, QueueStatus, Verdict } from '../db/schema';
import { AppError } from '../errors';
import { requireQueue, rubricOf } from './annotation-queues';

export type Side = 'left' | 'right';
export type SideVerdict = Side | 'tie';

/** Screen terms → answer terms: with order 'ab' the left answer is answer A. */
export function toAnswerTerms(v: SideVerdict, order: PresentedOrder | null): Verdict {
	if (v === 'tie') return 'tie';
	const leftIsA = order !== 'ba';
	return (v === 'left') === leftIsA ? 'A' : 'B';
}

export function toScreenTerms(v: Verdict, order: PresentedOrder | null): SideVerdict {
	if (v === 'tie') return 'tie';
	const leftIsA = order !== 'ba';
	return (v === 'A') === leftIsA ? 'left' : 'right';
}

const flipVerdict = (v: Verdict | null): Verdict | null => (v === 'A' ? 'B' : v === 'B' ? 'A' : v);

/** Rubric versions never change (a trigger refuses updates), so their parsed content is cached. */
const rubricCache = new Map<string, RubricContent>();
async function rubricOfQueue(
	db: Db,
	q: Pick<queues.QueueRow, 'projectId' | 'rubricVersionId'>
): Promise<RubricContent> {
	const hit = rubricCache.get(q.rubricVersionId);
	if (hit) return hit;
	const row = await queues.findRubricVersion(db, q.projectId, q.rubricVersionId);
	if (!row) throw new AppError('NOT_FOUND', 'Rubric version not found.');
	const rubric = rubricOf(row.content);
	if (rubricCache.size > 500) rubricCache.clear();
	rubricCache.set(q.rubricVersionId, rubric);
	return rubric;
}

/** May this member work on the queue? Annotators: when listed or when the queue lists nobody; admins: when listed. */
async function mayWork(db: Db, membership: Membership, q: queues.QueueRow): Promise<boolean> {
	if (!can(membership, 'annotate')) return false;
	const { listed, anyListed } = await queues.queueMembership(db, q.id, membership.userId);
	return listed || (membership.role === 'annotator' && !anyListed);
}

async function requireWorkQueue(db: Db, membership: Membership, queueId: string): Promise<queues.QueueRow> {
	const q = await requireQueue(db, membership, queueId);
	if (!(await mayWork(db, membership, q))) throw new AppError('NOT_FOUND', 'Queue not found.');
	return q;
}

export interface MyQueue {
	id: string;
	name: string;
	mode: 'pointwise' | 'pairwise';
	status: QueueStatus;
	datasetId: string;
	revealAfterSubmit: boolean;
	taskCount: number;
	/** My own counts only. */
	done: number;
	skipped: number;
	hasReservation: boolean;
}

export async function myQueues(db: Db, membership: Membership): Promise<MyQueue[]> {
	const rows = await queues.listQueuesForAnnotator(db, membership.projectId, membership.userId, membership.role);
	return Promise.all(
		rows.map(async (q) => {
			const [stats, live] = await Promise.all([
				queues.workerStats(db, q.id, membership.userId),
				assignments.findLiveReservation(db, q.id, membership.userId)
			]);
			return {
				id: q.id,
				name: q.name,
				mode: q.mode,
				status: q.status,
				datasetId: q.datasetId,
				revealAfterSubmit: q.revealAfterSubmit,
				taskCount: q.taskCount,
				done: stats.done,
				skipped: stats.skipped,
				hasReservation: live !== undefined
			};
		})
	);
}

export type PromptView =
	{ kind: 'text'; text: string } | { kind: 'conversation'; messages: ChatMessage[] } | { kind: 'unavailable' };

export interface TaskAnswer {
	position: Side | 'single';
	content: string | null;
	turns: string[] | null;
	available: boolean;
}

export interface MyLabel {
	version: number;
	verdict: SideVerdict | null;
	score: number | null;
	/** Category rubrics: the chosen category (`score` holds its index). */
	category: string | null;
	scores: Record<string, number>;
	redLines: Record<string, boolean>;
	rationale: string;
	flagged: boolean;
	flagReason: string | null;
}

export interface RevealedView {
	judgments: {
		runName: string;
		verdict: SideVerdict | null;
		score: number | null;
		/** Category rubrics: the judge's category. */
		category: string | null;
		sample: number;
		turn: number;
	}[];
	otherLabels: {
		verdict: SideVerdict | null;
		score: number | null;
		category: string | null;
		scores: Record<string, number>;
		rationale: string | null;
	}[];
}

export interface TaskView {
	assignmentId: string;
	queueId: string;
	queueName: string;
	status: AssignmentStatus;
	reservedUntil: Date;
	mode: 'pointwise' | 'pairwise';
	rubric: {
		name: string;
		text: string;
		output: RubricContent['output'];
		criteria: RubricContent['criteria'];
		usesReference: boolean;
		turns: RubricContent['turns'];
	};
	item: {
		externalId: string;
		category: string | null;
		prompt: PromptView;
		turnCount: number;
		/** Only when the rubric uses a reference. */
		reference: { kind: 'text'; text: string } | { kind: 'turns'; turns: string[] } | null;
	};
	answers: TaskAnswer[];
	/** My submitted label, for revising; null before I submit. */
	label: MyLabel | null;
	position: { done: number; total: number };
	/** Judge output and others' labels, only where itemAccess allows (after submit, queue reveals). */
	revealed: RevealedView | null;
}

/** The queue fields a task view needs (`next` reads them in its one statement). */
type ViewQueue = Pick<
	queues.QueueRow,
	'id' | 'projectId' | 'datasetId' | 'rubricVersionId' | 'name' | 'mode' | 'revealAfterSubmit' | 'taskCount'
>;

async function buildView(
	db: Db,
	membership: Membership,
	q: ViewQueue,
	a: assignments.AssignmentRow
): Promise<TaskView> {
	const answerIds = a.answerBId ? [a.answerAId, a.answerBId] : [a.answerAId];
	const [item, answerRows, label, stats] = await Promise.all([
		labels.taskItem(db, a.itemId),
		labels.taskAnswers(db, answerIds),
		labels.findLabelByAssignment(db, a.id),
		queues.workerStats(db, q.id, membership.userId)
	]);
	return assembleView(db, membership, q, a, { item, answerRows, label, done: stats.done });
}

/** The task view from its parts; reads more only for a cold rubric cache or a revealed item. */
async function assembleView(
	db: Db,
	membership: Membership,
	q: ViewQueue,
	a: assignments.AssignmentRow,
	parts: {
		item: labels.TaskItemRow | undefined | null;
		answerRows: labels.TaskAnswerRow[];
		label: labels.LabelState | undefined | null;
		done: number;
	}
): Promise<TaskView> {
	const { item, answerRows, label } = parts;
	const rubric = await rubricOfQueue(db, q);
	if (!item) throw new AppError('NOT_FOUND', 'Item not found.');
	const byId = new Map(answerRows.map((r) => [r.id, r]));
	const answerView = (id: string, position: TaskAnswer['position']): TaskAnswer => {
		const r = byId.get(id);
		return { position, content: r?.content ?? null, turns: r?.turns ?? null, available: r?.available ?? false };
	};
	const answers = a.answerBId
		? a.presentedOrder === 'ba'
			? [answerView(a.answerBId, 'left'), answerView(a.answerAId, 'right')]
			: [answerView(a.answerAId, 'left'), answerView(a.answerBId, 'right')]
		: [answerView(a.answerAId, 'single')];
	const prompt: PromptView = !item.promptAvailable
		? { kind: 'unavailable' }
		: item.conversation
			? { kind: 'conversation', messages: item.conversation }
			: { kind: 'text', text: item.promptText ?? '' };
	const reference = !rubric.usesReference
		? null
		: item.referenceText !== null
			? { kind: 'text' as const, text: item.referenceText }
			: item.referenceTurns
				? { kind: 'turns' as const, turns: item.referenceTurns }
				: null;
	const submitted = a.status === 'submitted';
	let revealed: RevealedView | null = null;
	// The workspace reveals nothing before the caller's own submit, whatever their role.
	if (
		submitted &&
		itemAccess(membership, { submittedByMember: true, revealAfterSubmit: q.revealAfterSubmit }).readJudgeOutput
	) {
		const unit = [{ taskId: a.taskId, itemId: a.itemId, answerAId: a.answerAId, answerBId: a.answerBId }];
		const [judgments, others] = await Promise.all([
			labels.judgmentsOfUnits(db, q.datasetId, null, unit),
			labels.othersLabelsOfTask(db, a.taskId, membership.userId)
		]);
		revealed = {
			judgments: judgments.map((j) => {
				const v = j.flipped ? flipVerdict(j.verdict) : j.verdict;
				return {
					runName: j.runName,
					verdict: v ? toScreenTerms(v, a.presentedOrder) : null,
					score: j.score,
					category: j.category,
					sample: j.sample,
					turn: j.turn
				};
			}),
			otherLabels: others.map((l) => ({
				verdict: l.verdict ? toScreenTerms(l.verdict, a.presentedOrder) : null,
				score: l.score,
				category: categoryOf(rubric, l.score),
				scores: l.criteria ?? {},
				rationale: l.rationale
			}))
		};
	}
	return {
		assignmentId: a.id,
		queueId: q.id,
		queueName: q.name,
		status: a.status,
		reservedUntil: a.reservedUntil,
		mode: q.mode,
		rubric: {
			name: rubric.name,
			text: rubric.rubricText,
			output: rubric.output,
			criteria: rubric.criteria,
			usesReference: rubric.usesReference,
			turns: rubric.turns
		},
		item: { externalId: item.externalId, category: item.category, prompt, turnCount: item.turnCount, reference },
		answers,
		label: label
			? {
					version: label.version,
					verdict: label.verdict ? toScreenTerms(label.verdict, a.presentedOrder) : null,
					score: label.score,
					category: categoryOf(rubric, label.score),
					scores: label.criteria ?? {},
					redLines: label.redLines ?? {},
					rationale: label.rationale ?? '',
					flagged: a.flagged,
					flagReason: a.flagReason
				}
			: null,
		position: { done: parts.done, total: q.taskCount },
		revealed
	};
}

/**
 * How often (per queue, per server process) `next` looks for expired reservations while it still
 * finds open tasks. When it finds none for the caller it always looks. The look walks the queue's
 * reservation index from its oldest entry, through entries of reservations submitted since the
 * last vacuum: cheap once in a while, not on every call of every annotator.
 */
const EXPIRY_CHECK_MS = 2000;
const lastExpiryCheck = new Map<string, number>();
function expiryCheckDue(queueId: string): boolean {
	const now = Date.now();
	if (now - (lastExpiryCheck.get(queueId) ?? 0) < EXPIRY_CHECK_MS) return false;
	if (lastExpiryCheck.size > 1000) lastExpiryCheck.clear();
	lastExpiryCheck.set(queueId, now);
	return true;
}

/**
 * When the task handed out lies this far past the queue's `open_from`, `next` raises it (at most
 * once a second per queue and process): the walk to the first free slot then starts near it again.
 */
const RAISE_AHEAD = 256;
const RAISE_MS = 1000;
const lastRaise = new Map<string, number>();
function raiseDue(queueId: string, ahead: number | null): boolean {
	if (ahead === null || ahead < RAISE_AHEAD) return false;
	const now = Date.now();
	if (now - (lastRaise.get(queueId) ?? 0) < RAISE_MS) return false;
	if (lastRaise.size > 1000) lastRaise.clear();
	lastRaise.set(queueId, now);
	return true;
}

/**
 * What `next` handed out in this process, so that the submit which follows (the annotator's next
 * call, usually) can write at once instead of first reading its assignment, queue and label back.
 * Only a hint: the write re-checks under its row lock everything this stands for (mine, still
 * reserved, the queue in my project and not closed), and when anything changed (another process
 * served `next`, a double submit, an expiry, a closed queue) it writes nothing and submit takes
 * its reading path. Bounded; the oldest entries go first.
 */
interface HandedOut {
	userId: string;
	projectId: string;
	queueId: string;
	datasetId: string;
	rubricVersionId: string;
	assignment: Pick<
		assignments.AssignmentRow,
		'id' | 'taskId' | 'itemId' | 'answerAId' | 'answerBId' | 'presentedOrder'
	>;
}
const HANDED_OUT_MAX = 10_000;
const handedOut = new Map<string, HandedOut>();

function rememberHandedOut(membership: Membership, q: ViewQueue, a: assignments.AssignmentRow): void {
	if (handedOut.size >= HANDED_OUT_MAX) handedOut.delete(handedOut.keys().next().value as string);
	handedOut.set(a.id, {
		userId: membership.userId,
		projectId: q.projectId,
		queueId: q.id,
		datasetId: q.datasetId,
		rubricVersionId: q.rubricVersionId,
		assignment: {
			id: a.id,
			taskId: a.taskId,
			itemId: a.itemId,
			answerAId: a.answerAId,
			answerBId: a.answerBId,
			presentedOrder: a.presentedOrder
		}
	});
}

/** The caller's own reservation as `next` handed it out here (used once), if this process did. */
function takeHandedOut(membership: Membership, assignmentId: string): HandedOut | undefined {
	const known = handedOut.get(assignmentId);
	// Someone else's id leaves the entry to its owner (and goes the reading path: NOT_FOUND).
	if (!known || known.userId !== membership.userId || known.projectId !== membership.projectId) return undefined;
	handedOut.delete(assignmentId);
	return known;
}

/**
 * Reserves the next task for the caller, or returns their live reservation; null when nothing
 * is left for them. Paused and closed queues refuse.
 */
export async function next(db: Db, membership: Membership, queueId: string): Promise<TaskView | null> {
	if (!can(membership, 'annotate')) throw new AppError('NOT_FOUND', 'Queue not found.');
	const take = (checkExpired: boolean) => assignments.takeNext(db, { ...membership, queueId, checkExpired });
	let row = await take(expiryCheckDue(queueId));
	if (!row || !row.mayWork) throw new AppError('NOT_FOUND', 'Queue not found.');
	if (row.status !== 'open') throw new AppError('CONFLICT', `This queue is ${row.status}.`, { status: row.status });
	if (row.hasExpired) await assignments.reclaimExpired(db, queueId, membership.userId);
	// Nothing for me, but reservations were reclaimed, or a simultaneous call of mine won: read again.
	if (!row.assignment && (row.hasExpired || row.picked)) {
		row = await take(false);
		if (!row) throw new AppError('NOT_FOUND', 'Queue not found.');
	}
	if (!row.assignment) return null;
	if (raiseDue(queueId, row.pickedAhead)) await assignments.raiseOpenFrom(db, queueId);
	const q: ViewQueue = { ...row, id: row.queueId };
	if (row.assignment.status === 'reserved') rememberHandedOut(membership, q, row.assignment);
	return assembleView(db, membership, q, row.assignment, {
		item: row.item,
		answerRows: row.answers,
		label: null, // a reservation has no label yet: submitting turns it into 'submitted'
		done: row.done
	});
}

/** Loads one of the caller's own assignments with its queue (NOT_FOUND for anyone else's). */
async function requireMine(
	db: Db,
	membership: Membership,
	assignmentId: string,
	forUpdate = false
): Promise<{ a: assignments.AssignmentRow; q: queues.QueueRow }> {
	const a = await assignments.findAssignment(db, assignmentId, { userId: membership.userId, forUpdate });
	if (!a) throw new AppError('NOT_FOUND', 'Task not found.');
	const q = await queues.findQueue(db, membership.projectId, a.queueId);
	if (!q) throw new AppError('NOT_FOUND', 'Task not found.');
	return { a, q };
}

export async function task(db: Db, membership: Membership, assignmentId: string): Promise<TaskView> {
	const { a, q } = await requireMine(db, membership, assignmentId);
	return buildView(db, membership, q, a);
}

/** Checks each criterion's score (and red-line pass/fail) against the rubric. */
function criterionValues(
	rubric: RubricContent,
	input: Extract<LabelInput, { scores: unknown }>
): { criteria: Record<string, number>; redLines: Record<string, boolean>; normalisedMean: number } {
	const inScale = (v: number, s: { min: number; max: number }) => Number.isInteger(v) && v >= s.min && v <= s.max;
	const criteria: Record<string, number> = {};
	const redLines: Record<string, boolean> = {};
	let sum = 0;
	for (const c of rubric.criteria) {
		const v = input.scores[c.id];
		// A categorical criterion's value is its label's index (0 … n − 1, its scale): checked the same way.
		if (v === undefined || !inScale(v, c.scale)) {
			const message = c.categories
				? `Choose a label for "${c.name}": ${c.categories.join(', ')}.`
				: `Score "${c.name}" from ${c.scale.min} to ${c.scale.max}.`;
			throw new AppError('BAD_REQUEST', message, { field: `scores.${c.id}` });
		}
		criteria[c.id] = v;
		if (c.categories) continue; // a label is no amount: it takes no part in the overall score
		sum += c.scale.max === c.scale.min ? 1 : (v - c.scale.min) / (c.scale.max - c.scale.min);
		if (c.redLine) {
			const passed = input.redLines[c.id];
			if (passed === undefined)
				throw new AppError('BAD_REQUEST', `Say whether "${c.name}" passes.`, { field: `redLines.${c.id}` });
			redLines[c.id] = passed;
		}
	}
	const unknown = Object.keys(input.scores).filter((k) => !(k in criteria));
	if (unknown.length > 0)
		throw new AppError('BAD_REQUEST', `Unknown criteria: ${unknown.join(', ')}.`, { field: 'label' });
	const numeric = rubric.criteria.filter((c) => !c.categories).length;
	return { criteria, redLines, normalisedMean: numeric ? sum / numeric : 0 };
}

/** A category label's stored score → its category (null when it is not one of the rubric's). */
export function categoryOf(rubric: Pick<RubricContent, 'output'>, score: number | null): string | null {
	if (rubric.output.kind !== 'categories' || score === null) return null;
	return rubric.output.categories[score] ?? null;
}

/**
 * Checks a label against the rubric and returns it in answer terms. A category rubric's label is
 * stored as the category's index in the rubric's list (`score`): the nominal scale the analysis
 * services read (analysis-score-agreement.ts `scoreScale`), with its criteria, if any, beside it.
 * Adjudication checks a gold category with it too (order null: gold labels are in answer terms).
 */
export function labelValues(
	rubric: RubricContent,
	input: LabelInput,
	order: PresentedOrder | null
): Pick<labels.LabelState, 'verdict' | 'score' | 'criteria' | 'redLines'> {
	if (rubric.mode === 'pairwise') {
		if (!('verdict' in input)) throw new AppError('BAD_REQUEST', 'Choose left, right or tie.', { field: 'label' });
		return { verdict: toAnswerTerms(input.verdict, order), score: null, criteria: null, redLines: null };
	}
	if ('verdict' in input) throw new AppError('BAD_REQUEST', 'Give scores for this rubric.', { field: 'label' });
	if (rubric.output.kind === 'categories') {
		const index = input.category === undefined ? -1 : rubric.output.categories.indexOf(input.category);
		if (index < 0)
			throw new AppError('BAD_REQUEST', `Choose one of: ${rubric.output.categories.join(', ')}.`, {
				field: 'category'
			});
		if (rubric.criteria.length === 0) return { verdict: null, score: index, criteria: null, redLines: null };
		const { criteria, redLines } = criterionValues(rubric, input);
		return { verdict: null, score: index, criteria, redLines };
	}
	const out = rubric.output.scale;
	if (rubric.criteria.length === 0) {
		if (input.score === undefined || !Number.isInteger(input.score) || input.score < out.min || input.score > out.max)
			throw new AppError('BAD_REQUEST', `Give a whole score from ${out.min} to ${out.max}.`, { field: 'score' });
		return { verdict: null, score: input.score, criteria: null, redLines: null };
	}
	const { criteria, redLines, normalisedMean } = criterionValues(rubric, input);
	// Overall: the mean of the criteria, each normalised to [0, 1], mapped onto the output scale.
	const score = out.min + normalisedMean * (out.max - out.min);
	return { verdict: null, score: Math.round(score * 1000) / 1000, criteria, redLines };
}

export interface SubmitResult {
	assignmentId: string;
	labelId: string;
	version: number;
	/** True when this request repeated one already applied (same idempotency key). */
	replayed: boolean;
}

/**
 * Stores (or revises) the caller's label. One writer at a time per assignment (row lock); a
 * stale `expectedVersion` is a CONFLICT, never an overwrite; a repeated idempotency key returns
 * the label it made. Every write appends its before/after to the audit.
 */
export async function submit(db: Db, membership: Membership, input: SubmitInput): Promise<SubmitResult> {
	const known = takeHandedOut(membership, input.assignmentId);
	if (known && (input.expectedVersion ?? 0) === 0) {
		const done = await submitHandedOut(db, membership, input, known);
		if (done) return done;
	}
	// Fast path: one read, one write statement. The write re-checks under its row lock what the
	// read saw; when it lost a race (a double click, a concurrent revision, an expiry) it wrote
	// nothing and the locked path below decides (replay, CONFLICT, or retake).
	const ctx = await labels.findSubmitContext(db, { ...membership, ...input });
	if (!ctx) throw new AppError('NOT_FOUND', 'Task not found.');
	if (ctx.queueStatus === 'closed')
		throw new AppError('CONFLICT', 'This queue is closed.', { status: ctx.queueStatus });
	const current = ctx.label ?? undefined;
	if (current && ctx.replayed)
		return { assignmentId: ctx.assignmentId, labelId: current.id, version: current.version, replayed: true };
	const rubric = await rubricOfQueue(db, ctx);
	const prepared = prepareLabel(membership, rubric, input, {
		a: { ...ctx, id: ctx.assignmentId },
		q: { id: ctx.queueId, projectId: ctx.projectId, datasetId: ctx.datasetId },
		current
	});
	const written = await tryWrite(db, membership, input, {
		state: prepared.state,
		before: current ?? null,
		seenStatus: ctx.status,
		retakeSlot: prepared.retake
	});
	if (written)
		return {
			assignmentId: ctx.assignmentId,
			labelId: prepared.state.id,
			version: prepared.state.version,
			replayed: false
		};
	return submitLocked(db, membership, input);
}

/**
 * One write attempt of a submit's label (the fast paths): false when it wrote nothing, including
 * when a unique index met a concurrent writer (same key, same label); the locked path then decides.
 */
function tryWrite(
	db: Db,
	membership: Membership,
	input: SubmitInput,
	seen: Pick<Parameters<typeof labels.writeSubmission>[1], 'state' | 'before' | 'seenStatus' | 'retakeSlot'>
): Promise<boolean> {
	return labels
		.writeSubmission(db, {
			userId: membership.userId,
			...seen,
			activeSeconds: input.activeSeconds,
			flagged: input.flag !== undefined,
			flagReason: input.flag?.reason ?? null,
			idempotencyKey: input.idempotencyKey
		})
		.catch((error: unknown) => {
			if ((error as { code?: string }).code === '23505') return false;
			throw error;
		});
}

/**
 * The first label on a reservation this process handed out: the write alone (one statement), from
 * what `next` knew. Undefined when it wrote nothing or the label does not fit the rubric: the
 * reading path then decides, with its own errors in their order (NOT_FOUND, closed, replay, version).
 */
async function submitHandedOut(
	db: Db,
	membership: Membership,
	input: SubmitInput,
	known: HandedOut
): Promise<SubmitResult | undefined> {
	const rubric = await rubricOfQueue(db, known);
	let state: labels.LabelState;
	try {
		({ state } = prepareLabel(membership, rubric, input, {
			a: { ...known.assignment, status: 'reserved' },
			q: { id: known.queueId, projectId: known.projectId, datasetId: known.datasetId },
			current: undefined
		}));
	} catch (error) {
		if (error instanceof AppError) return undefined;
		throw error;
	}
	const written = await tryWrite(db, membership, input, {
		state,
		before: null,
		seenStatus: 'reserved',
		retakeSlot: false
	});
	return written
		? { assignmentId: known.assignment.id, labelId: state.id, version: state.version, replayed: false }
		: undefined;
}

/**
 * Checks the version and the label against the rubric and builds the new label state. `retake`:
 * a first label on an expired, skipped or released assignment must take a slot back.
 */
function prepareLabel(
	membership: Membership,
	rubric: RubricContent,
	input: SubmitInput,
	from: {
		a: Pick<
			assignments.AssignmentRow,
			'id' | 'taskId' | 'itemId' | 'answerAId' | 'answerBId' | 'presentedOrder' | 'status'
		>;
		q: { id: string; projectId: string; datasetId: string };
		current: labels.LabelState | undefined;
	}
): { state: labels.LabelState; retake: boolean } {
	const { a, q, current } = from;
	const have = current?.version ?? 0;
	const expected = input.expectedVersion ?? 0;
	if (have !== expected)
		throw new AppError(
			'CONFLICT',
			have === 0
				? 'This label no longer exists in the version you edited.'
				: `This label was changed since you opened it (now version ${have}). Reload it before saving.`,
			{ currentVersion: have }
		);
	const values = labelValues(rubric, input.label, a.presentedOrder);
	const state: labels.LabelState = {
		id: current?.id ?? randomUUID(),
		projectId: q.projectId,
		datasetId: q.datasetId,
		itemId: a.itemId,
		answerAId: a.answerAId,
		answerBId: a.answerBId,
		presentedOrder: a.presentedOrder,
		annotatorUserId: membership.userId,
		source: 'ui',
		queueId: q.id,
		taskId: a.taskId,
		assignmentId: a.id,
		...values,
		rationale: input.rationale.trim() === '' ? null : input.rationale,
		version: have + 1
	};
	return { state, retake: !current && a.status !== 'reserved' && a.status !== 'submitted' };
}

/** The submit under a row lock on my assignment, statement by statement: the path for lost races. */
async function submitLocked(db: Db, membership: Membership, input: SubmitInput): Promise<SubmitResult> {
	return db.transaction().execute(async (trx) => {
		const { a, q } = await requireMine(trx, membership, input.assignmentId, true);
		if (q.status === 'closed') throw new AppError('CONFLICT', 'This queue is closed.', { status: q.status });
		const current = await labels.findLabelByAssignment(trx, a.id);
		if (current && (await labels.auditHasKey(trx, current.id, input.idempotencyKey)))
			return { assignmentId: a.id, labelId: current.id, version: current.version, replayed: true };
		const rubric = await rubricOfQueue(trx, q);
		const { state, retake } = prepareLabel(membership, rubric, input, { a, q, current });
		const first = !current;
		// Expired, skipped or released: the slot went back to the pool; take one if any is left.
		if (retake && !(await assignments.retakeSlot(trx, a.taskId)))
			throw new AppError('CONFLICT', 'Your reservation ran out and this item went to other annotators.', {
				status: a.status
			});
		await labels.writeLabel(trx, state);
		await labels.appendAudit(trx, {
			projectId: q.projectId,
			queueId: q.id,
			annotationId: state.id,
			assignmentId: a.id,
			actorUserId: membership.userId,
			action: first ? 'create' : 'revise',
			before: current ?? null,
			after: state,
			idempotencyKey: input.idempotencyKey
		});
		await assignments.updateAssignment(trx, a.id, {
			status: 'submitted',
			activeSeconds: (a.activeSeconds ?? 0) + input.activeSeconds,
			flagged: input.flag !== undefined,
			flagReason: input.flag?.reason ?? null,
			submittedNow: true
		});
		if (first) {
			await assignments.countSubmitted(trx, a.taskId, 1);
			await queues.bumpWorkerStats(trx, q.id, membership.userId, { done: 1, skipped: a.status === 'skipped' ? -1 : 0 });
		}
		return { assignmentId: a.id, labelId: state.id, version: state.version, replayed: false };
	});
}

/** Gives the task back with a reason; the caller will not get it again. */
export async function skip(db: Db, membership: Membership, assignmentId: string, reason: string): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const { a } = await requireMine(trx, membership, assignmentId, true);
		if (a.status === 'submitted') throw new AppError('CONFLICT', 'You already labelled this item.');
		if (a.status === 'skipped') return;
		if (a.status === 'reserved') await assignments.freeSlot(trx, a.taskId);
		await assignments.updateAssignment(trx, a.id, { status: 'skipped', skipReason: reason });
		await queues.bumpWorkerStats(trx, a.queueId, membership.userId, { done: 0, skipped: 1 });
	});
}

/** Hands a reservation back without a reason (leaving the workspace). */
export async function release(db: Db, membership: Membership, assignmentId: string): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const { a } = await requireMine(trx, membership, assignmentId, true);
		if (a.status === 'submitted') throw new AppError('CONFLICT', 'You already labelled this item.');
		if (a.status !== 'reserved') return;
		await assignments.freeSlot(trx, a.taskId);
		await assignments.updateAssignment(trx, a.id, { status: 'released' });
	});
}

export interface HistoryEntry {
	assignmentId: string;
	itemExternalId: string;
	submittedAt: Date;
	activeSeconds: number | null;
	flagged: boolean;
	labelVersion: number | null;
}

export async function history(
	db: Db,
	membership: Membership,
	queueId: string,
	cursor: string | undefined,
	limit: number
): Promise<{ entries: HistoryEntry[]; nextCursor: string | null }> {
	const q = await requireWorkQueue(db, membership, queueId);
	let after: { submittedAt: Date; id: string } | undefined;
	if (cursor) {
		const [at, id] = cursor.split('|');
		const date = new Date(at ?? '');
		if (!id || Number.isNaN(date.getTime())) throw new AppError('BAD_REQUEST', 'Bad cursor.');
		after = { submittedAt: date, id };
	}
	const rows = await assignments.listHistory(db, { queueId: q.id, userId: membership.userId, after, limit: limit + 1 });
	const page = rows.slice(0, limit);
	const last = page.at(-1);
	return {
		entries: page.map((r) => ({
			assignmentId: r.id,
			itemExternalId: r.externalId,
			submittedAt: r.submittedAt as Date,
			activeSeconds: r.activeSeconds,
			flagged: r.flagged,
			labelVersion: r.labelVersion
		})),
		nextCursor: rows.length > limit && last ? `${(last.submittedAt as Date).toISOString()}|${last.id}` : null
	};
}
