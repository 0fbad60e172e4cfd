/**
 * Annotation queues, the admin side: create a queue over a dataset for a rubric version, add
 * items later, pause / close it, list queues and follow progress. Annotator work is in
 * annotation-work.ts; adjudication in annotation-adjudication.ts.
 */
import { RubricContentSchema } from '../../judging/rubric-schema';
import type { JudgeMode, RubricContent } from '../../judging/types';
import type { CreateQueueInput, PreviewQueueInput, SelectionInput } from '../../schemas/annotation';
import type { Db } from '../db/client';
import * as queues from '../db/repositories/annotation-queues';
import type { Membership } from '../db/repositories/members';
import type { QueueStatus } from '../db/schema';
import { AppError } from '../errors';
import { requireDataset } from './dataset-browse';

export interface QueueSummary {
	id: string;
	name: string;
	datasetId: string;
	rubricVersionId: string;
	mode: 'pointwise' | 'pairwise';
	overlapK: number;
	status: QueueStatus;
	revealAfterSubmit: boolean;
	reservationSeconds: number;
	disagreementThreshold: number;
	judgeRunId: string | null;
	judgeThreshold: number | null;
	selection: unknown;
	pairing: unknown;
	taskCount: number;
	createdAt: Date;
	/** Labels needed in all: tasks × k. */
	labelsNeeded: number;
	done: number;
	skipped: number;
	inProgress: number;
}

export function rubricOf(content: unknown): RubricContent {
	const parsed = RubricContentSchema.safeParse(content);
	if (!parsed.success) throw new AppError('BAD_REQUEST', 'This rubric version cannot be read.');
	return parsed.data;
}

/** A rubric version of the project, parsed; NOT_FOUND when the project has no such version. */
export async function requireRubricVersion(
	db: Db,
	projectId: string,
	versionId: string
): Promise<{ id: string; rubric: RubricContent }> {
	const row = await queues.findRubricVersion(db, projectId, versionId);
	if (!row) throw new AppError('NOT_FOUND', 'Rubric version not found.');
	return { id: row.id, rubric: rubricOf(row.content) };
}

export async function requireQueue(db: Db, membership: Membership, queueId: string): Promise<queues.QueueRow> {
	const q = await queues.findQueue(db, membership.projectId, queueId);
	if (!q) throw new AppError('NOT_FOUND', 'Queue not found.');
	return q;
}

async function resolvePairing(
	db: Db,
	membership: Membership,
	input: { pairing: 'all-pairs' | 'baseline'; baselineSystemId?: string }
): Promise<queues.Pairing> {
	if (input.pairing === 'all-pairs') return { kind: 'all-pairs' };
	if (!input.baselineSystemId) throw new AppError('BAD_REQUEST', 'Choose the baseline system.');
	if (!(await queues.findSystem(db, membership.projectId, input.baselineSystemId)))
		throw new AppError('NOT_FOUND', 'Baseline system not found.');
	return { kind: 'baseline', baselineSystemId: input.baselineSystemId };
}

async function checkSelection(
	db: Db,
	membership: Membership,
	queue: { datasetId: string; mode: string },
	s: SelectionInput
) {
	if (s.kind !== 'judge-unsure') return;
	const run = await queues.findJudgeRun(db, membership.projectId, s.judgeRunId);
	if (!run || run.datasetId !== queue.datasetId)
		throw new AppError('NOT_FOUND', 'Judge run not found in this dataset.');
	if (run.mode !== queue.mode)
		throw new AppError('BAD_REQUEST', `That judge run is ${run.mode}; this queue is ${queue.mode}.`);
}

/**
 * What a new queue is made of, checked (createQueue and its preview alike): the dataset, the
 * rubric version and its mode, the pairing of a pairwise rubric, and the selection.
 */
async function resolveNewQueue(
	db: Db,
	membership: Membership,
	input: PreviewQueueInput
): Promise<{ datasetId: string; versionId: string; mode: JudgeMode; pairing: queues.Pairing | null }> {
	const dataset = await requireDataset(db, membership, input.datasetId);
	const version = await requireRubricVersion(db, membership.projectId, input.rubricVersionId);
	const mode = version.rubric.mode;
	const pairing = mode === 'pairwise' ? await resolvePairing(db, membership, input) : null;
	await checkSelection(db, membership, { datasetId: dataset.id, mode }, input.selection);
	return { datasetId: dataset.id, versionId: version.id, mode, pairing };
}

export async function createQueue(
	db: Db,
	membership: Membership,
	input: CreateQueueInput
): Promise<{ id: string; taskCount: number }> {
	const { datasetId, versionId, mode, pairing } = await resolveNewQueue(db, membership, input);
	if (input.judgeRunId) {
		const run = await queues.findJudgeRun(db, membership.projectId, input.judgeRunId);
		if (!run || run.datasetId !== datasetId) throw new AppError('NOT_FOUND', 'Judge run not found in this dataset.');
	}
	return db.transaction().execute(async (trx) => {
		const existing = await queues.listQueues(trx, membership.projectId);
		if (existing.some((q) => q.name === input.name))
			throw new AppError('CONFLICT', 'A queue with this name already exists.', { field: 'name' });
		const id = await queues.insertQueue(trx, {
			projectId: membership.projectId,
			datasetId,
			rubricVersionId: versionId,
			name: input.name,
			mode,
			overlapK: input.overlapK,
			revealAfterSubmit: input.revealAfterSubmit,
			reservationSeconds: input.reservationSeconds,
			disagreementThreshold: input.disagreementThreshold,
			judgeRunId: input.judgeRunId ?? null,
			judgeThreshold: input.judgeThreshold ?? null,
			selection: input.selection,
			pairing,
			createdBy: membership.userId
		});
		const members = [...new Set(input.memberUserIds ?? [])];
		const added = await queues.addQueueMembers(trx, membership.projectId, id, members);
		if (added !== members.length)
			throw new AppError('BAD_REQUEST', 'Queue members must be annotators or admins of this project.', {
				field: 'memberUserIds'
			});
		const taskCount = await queues.insertTasks(
			trx,
			{ id, datasetId, mode, overlapK: input.overlapK },
			input.selection,
			pairing
		);
		return { id, taskCount };
	});
}

/** The queue's stored pairing (queues made before pairings were stored: all pairs). */
function pairingOf(q: queues.QueueRow): queues.Pairing | null {
	return (q.pairing as queues.Pairing | null) ?? (q.mode === 'pairwise' ? { kind: 'all-pairs' } : null);
}

/** Adds the tasks a selection picks that the queue does not have yet; finished work is untouched. */
export async function addItems(
	db: Db,
	membership: Membership,
	queueId: string,
	selection: SelectionInput
): Promise<{ added: number; taskCount: number }> {
	const q = await requireQueue(db, membership, queueId);
	if (q.status === 'closed') throw new AppError('BAD_REQUEST', 'This queue is closed.');
	await checkSelection(db, membership, q, selection);
	const added = await db.transaction().execute((trx) => queues.insertTasks(trx, q, selection, pairingOf(q)));
	return { added, taskCount: q.taskCount + added };
}

/** How many tasks `addItems` would add now for this selection: the count the form previews. */
export async function previewItems(
	db: Db,
	membership: Membership,
	queueId: string,
	selection: SelectionInput
): Promise<{ count: number }> {
	const q = await requireQueue(db, membership, queueId);
	await checkSelection(db, membership, q, selection);
	const count = await queues.countNewTasks(db, q, selection, pairingOf(q));
	return { count };
}

/** A queue id no queue has: the preview of a new queue counts against no existing task. */
const NO_QUEUE = '00000000-0000-0000-0000-000000000000';

/**
 * How many tasks `createQueue` would make for this dataset, rubric version, pairing and selection
 * (the create form's preview): the same CTEs as its insert, for a queue that has no task yet.
 */
export async function previewQueue(
	db: Db,
	membership: Membership,
	input: PreviewQueueInput
): Promise<{ count: number; mode: JudgeMode }> {
	const { datasetId, mode, pairing } = await resolveNewQueue(db, membership, input);
	const count = await queues.countNewTasks(db, { id: NO_QUEUE, datasetId, mode }, input.selection, pairing);
	return { count, mode };
}

export async function setStatus(db: Db, membership: Membership, queueId: string, status: QueueStatus): Promise<void> {
	const q = await requireQueue(db, membership, queueId);
	if (q.status === 'closed' && status !== 'closed') throw new AppError('BAD_REQUEST', 'A closed queue stays closed.');
	await queues.setQueueStatus(db, q.id, status);
}

function summary(
	q: queues.QueueRow,
	totals: { done: number; skipped: number; inProgress: number } | undefined
): QueueSummary {
	return {
		id: q.id,
		name: q.name,
		datasetId: q.datasetId,
		rubricVersionId: q.rubricVersionId,
		mode: q.mode,
		overlapK: q.overlapK,
		status: q.status,
		revealAfterSubmit: q.revealAfterSubmit,
		reservationSeconds: q.reservationSeconds,
		disagreementThreshold: q.disagreementThreshold,
		judgeRunId: q.judgeRunId,
		judgeThreshold: q.judgeThreshold,
		selection: q.selection,
		pairing: q.pairing,
		taskCount: q.taskCount,
		createdAt: q.createdAt,
		labelsNeeded: q.taskCount * q.overlapK,
		done: totals?.done ?? 0,
		skipped: totals?.skipped ?? 0,
		inProgress: totals?.inProgress ?? 0
	};
}

export async function listQueues(db: Db, membership: Membership): Promise<QueueSummary[]> {
	const [rows, totals] = await Promise.all([
		queues.listQueues(db, membership.projectId),
		queues.queueTotals(db, membership.projectId)
	]);
	return rows.map((q) => summary(q, totals.get(q.id)));
}

export interface QueueProgress {
	queue: QueueSummary;
	annotators: queues.WorkerProgressRow[];
}

export async function progress(db: Db, membership: Membership, queueId: string): Promise<QueueProgress> {
	const q = await requireQueue(db, membership, queueId);
	const annotators = await queues.queueProgress(db, q.id);
	const totals = annotators.reduce(
		(t, a) => ({ done: t.done + a.done, skipped: t.skipped + a.skipped, inProgress: t.inProgress + a.inProgress }),
		{ done: 0, skipped: 0, inProgress: 0 }
	);
	return { queue: summary(q, totals), annotators };
}
