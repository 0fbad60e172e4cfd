/**
 * Handing tasks to annotators. The invariants live in the schema and in these statements:
 * - a task holds `open_slots` = k − (live reservations + submitted labels), CHECK >= 0, and is
 *   only taken by a conditional decrement under a row lock (FOR UPDATE SKIP LOCKED), so
 *   concurrent callers never push a task past k and never wait on each other;
 * - (task, user) is unique in annotation_assignment, so nobody gets a task twice;
 * - "next" walks the partial index of open tasks in `seq` order, skipping tasks the caller
 *   already had (the unique key answers that probe), so its cost does not grow with the queue.
 * All functions run inside the caller's transaction.
 */
import { sql } from 'kysely';
import type { Db } from '../client';
import type { AssignmentStatus, PresentedOrder } from '../schema';

/** Serialises one annotator's calls on one queue (a double-clicked "next" gets one reservation). */
export async function lockAnnotator(db: Db, queueId: string, userId: string): Promise<void> {
	await sql`select pg_advisory_xact_lock(hashtextextended(${`annotation:${queueId}:${userId}`}, 0))`.execute(db);
}

/**
 * Returns expired reservations of a queue to the pool: a bounded batch, skipping rows another
 * transaction holds (it is submitting or reclaiming them).
 */
export async function reclaimExpired(db: Db, queueId: string): Promise<number> {
	const result = await sql<{ n: number }>`
		with expired as (
			update annotation_assignment set status = 'expired'
			where id in (
				select id from annotation_assignment
				where queue_id = ${queueId} and status = 'reserved' and reserved_until < now()
				order by reserved_until limit 500
				for update skip locked)
			returning task_id
		), per_task as (select task_id, count(*)::int as n from expired group by task_id),
		freed as (
			update annotation_task t set open_slots = t.open_slots + p.n
			from per_task p where t.id = p.task_id
			returning 1
		)
		select count(*)::int as n from freed`.execute(db);
	return result.rows[0]?.n ?? 0;
}

export interface AssignmentRow {
	id: string;
	queueId: string;
	taskId: string;
	userId: string;
	status: AssignmentStatus;
	presentedOrder: PresentedOrder | null;
	reservedUntil: Date;
	activeSeconds: number | null;
	skipReason: string | null;
	flagged: boolean;
	flagReason: string | null;
	startedAt: Date;
	submittedAt: Date | null;
	itemId: string;
	answerAId: string;
	answerBId: string | null;
}

const assignmentColumns = sql`
	a.id, a.queue_id as "queueId", a.task_id as "taskId", a.user_id as "userId", a.status,
	a.presented_order as "presentedOrder", a.reserved_until as "reservedUntil", a.active_seconds as "activeSeconds",
	a.skip_reason as "skipReason", a.flagged, a.flag_reason as "flagReason", a.started_at as "startedAt",
	a.submitted_at as "submittedAt", t.item_id as "itemId", t.answer_a_id as "answerAId", t.answer_b_id as "answerBId"`;

/** The caller's live reservation in a queue, if any. */
export async function findLiveReservation(db: Db, queueId: string, userId: string): Promise<AssignmentRow | undefined> {
	const r = await sql<AssignmentRow>`
		select ${assignmentColumns} from annotation_assignment a join annotation_task t on t.id = a.task_id
		where a.queue_id = ${queueId} and a.user_id = ${userId} and a.status = 'reserved' and a.reserved_until > now()
		order by a.started_at limit 1`.execute(db);
	return r.rows[0];
}

/** One assignment of `userId` (null for any user: admins), optionally locked for update. */
export async function findAssignment(
	db: Db,
	assignmentId: string,
	opts: { userId: string | null; forUpdate?: boolean }
): Promise<AssignmentRow | undefined> {
	const r = await sql<AssignmentRow>`
		select ${assignmentColumns} from annotation_assignment a join annotation_task t on t.id = a.task_id
		where a.id = ${assignmentId} ${opts.userId ? sql`and a.user_id = ${opts.userId}` : sql``}
		${opts.forUpdate ? sql`for update of a` : sql``}`.execute(db);
	return r.rows[0];
}

/**
 * Takes one slot of the first open task (in `seq` order) that `userId` never had, and records
 * the assignment with a random left/right placement for pairwise tasks, in one statement.
 * Undefined when no such task is left.
 */
export async function reserveNextTask(
	db: Db,
	opts: { queueId: string; userId: string; reservationSeconds: number; pairwise: boolean }
): Promise<AssignmentRow | undefined> {
	const r = await sql<AssignmentRow>`
		with picked as (
			select t.id from annotation_task t
			where t.queue_id = ${opts.queueId} and t.open_slots > 0
				and not exists (select 1 from annotation_assignment a where a.task_id = t.id and a.user_id = ${opts.userId})
			order by t.seq
			limit 1
			for update of t skip locked
		), taken as (
			update annotation_task t set open_slots = t.open_slots - 1
			from picked where t.id = picked.id and t.open_slots > 0
			returning t.id, t.item_id, t.answer_a_id, t.answer_b_id
		), a as (
			insert into annotation_assignment (queue_id, task_id, user_id, status, presented_order, reserved_until)
			select ${opts.queueId}, taken.id, ${opts.userId}, 'reserved',
				${opts.pairwise ? sql`case when random() < 0.5 then 'ab' else 'ba' end` : sql`null`},
				now() + make_interval(secs => ${opts.reservationSeconds})
			from taken
			returning *
		)
		select ${assignmentColumns} from a join taken t on t.id = a.task_id`.execute(db);
	return r.rows[0];
}

/** Takes a slot back for an assignment that lost its own (expired, skipped, released). */
export async function retakeSlot(db: Db, taskId: string): Promise<boolean> {
	const r =
		await sql`update annotation_task set open_slots = open_slots - 1 where id = ${taskId} and open_slots > 0`.execute(
			db
		);
	return Number(r.numAffectedRows ?? 0) === 1;
}

export async function freeSlot(db: Db, taskId: string): Promise<void> {
	await sql`update annotation_task set open_slots = open_slots + 1 where id = ${taskId}`.execute(db);
}

export async function countSubmitted(db: Db, taskId: string, delta: number): Promise<void> {
	await sql`update annotation_task set submitted_count = submitted_count + ${delta} where id = ${taskId}`.execute(db);
}

export async function updateAssignment(
	db: Db,
	id: string,
	set: {
		status?: AssignmentStatus;
		activeSeconds?: number;
		skipReason?: string | null;
		flagged?: boolean;
		flagReason?: string | null;
		submittedNow?: boolean;
	}
): Promise<void> {
	await db
		.updateTable('annotation_assignment')
		.set({
			...(set.status !== undefined && { status: set.status }),
			...(set.activeSeconds !== undefined && { active_seconds: set.activeSeconds }),
			...(set.skipReason !== undefined && { skip_reason: set.skipReason }),
			...(set.flagged !== undefined && { flagged: set.flagged }),
			...(set.flagReason !== undefined && { flag_reason: set.flagReason }),
			...(set.submittedNow && {
				submitted_at: sql<Date>`coalesce(submitted_at, date_trunc('milliseconds', now()))` as never
			})
		})
		.where('id', '=', id)
		.execute();
}

export interface HistoryRow extends AssignmentRow {
	labelVersion: number | null;
	externalId: string;
}

/** The caller's finished assignments, newest first; keyset on (submitted_at, id), submitted_at stored to the millisecond. */
export async function listHistory(
	db: Db,
	opts: { queueId: string; userId: string; after?: { submittedAt: Date; id: string }; limit: number }
): Promise<HistoryRow[]> {
	const r = await sql<HistoryRow>`
		select ${assignmentColumns}, n.version as "labelVersion", i.external_id as "externalId"
		from annotation_assignment a join annotation_task t on t.id = a.task_id
		join dataset_item i on i.id = t.item_id
		left join annotation n on n.assignment_id = a.id
		where a.queue_id = ${opts.queueId} and a.user_id = ${opts.userId} and a.submitted_at is not null
		${opts.after ? sql`and (a.submitted_at, a.id) < (${opts.after.submittedAt}, ${opts.after.id})` : sql``}
		order by a.submitted_at desc, a.id desc
		limit ${opts.limit}`.execute(db);
	return r.rows;
}

/** Whether `userId` has submitted a label on this item in any queue of the project (blinding). */
export async function submittedItems(db: Db, userId: string, itemIds: string[]): Promise<Set<string>> {
	if (itemIds.length === 0) return new Set();
	const r = await sql<{ itemId: string }>`
		select distinct t.item_id as "itemId" from annotation_assignment a join annotation_task t on t.id = a.task_id
		where a.user_id = ${userId} and a.status = 'submitted' and t.item_id = any(${itemIds}::uuid[])`.execute(db);
	return new Set(r.rows.map((x) => x.itemId));
}

/** Serialises writers of a task's gold label. */
export async function lockTask(db: Db, taskId: string): Promise<void> {
	await sql`select id from annotation_task where id = ${taskId} for update`.execute(db);
}
