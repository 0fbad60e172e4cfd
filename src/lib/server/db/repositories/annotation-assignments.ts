/**
 * Handing tasks to annotators. The invariants live in the schema and in these statements:
 * - a task holds `open_slots` = k − (live reservations + submitted labels), CHECK >= 0, and is
 *   only taken by a conditional decrement under a row lock (FOR UPDATE SKIP LOCKED), so
 *   concurrent callers never push a task past k and never wait on each other;
 * - (task, user) is unique in annotation_assignment, so nobody gets a task twice;
 * - "next" walks the partial index of open tasks in `seq` order, skipping tasks the caller
 *   already had (the unique key answers that probe), so its cost does not grow with the queue;
 * - an annotator holds at most one live reservation per queue (unique partial index, 0021).
 * All functions run inside the caller's transaction.
 */
import { sql } from 'kysely';
import { prepared, type Db } from '../client';
import type { AssignmentStatus, PresentedOrder, ProjectRole, QueueStatus } from '../schema';
import type { TaskAnswerRow, TaskItemRow } from './annotation-labels';

/**
 * Returns expired reservations of a queue to the pool: a bounded batch, skipping rows another
 * transaction holds (it is submitting or reclaiming them).
 */
export async function reclaimExpired(db: Db, queueId: string, userId?: string): Promise<number> {
	// The caller's own stale reservation always goes (the one-live-reservation index waits on it).
	const mine = userId
		? sql`or id in (select id from annotation_assignment
				where queue_id = ${queueId} and user_id = ${userId} and status = 'reserved' and reserved_until < now()
				for update skip locked)`
		: sql``;
	const result = await sql<{ n: number }>`
		with expired as (
			update annotation_assignment set status = 'expired'
			where id in (
				select id from annotation_assignment
				where queue_id = ${queueId} and status = 'reserved' and reserved_until < now()
				order by reserved_until limit 500
				for update skip locked) ${mine}
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

/** What "next" needs in one row: the queue, may I work on it, my reservation and its item and answers. */
export interface NextRow {
	queueId: string;
	projectId: string;
	datasetId: string;
	rubricVersionId: string;
	name: string;
	mode: 'pointwise' | 'pairwise';
	status: QueueStatus;
	revealAfterSubmit: boolean;
	taskCount: number;
	mayWork: boolean;
	/** An open task was locked for me but the insert met a reservation of mine (a concurrent call, or a stale one). */
	picked: boolean;
	/** How far past the queue's `open_from` the task I was handed lies (null: none handed out). */
	pickedAhead: number | null;
	/**
	 * The queue holds reservations past their time (to reclaim). Looked for only when asked
	 * (`checkExpired`) or when nothing was handed out (no open task for me, or my insert met a
	 * stale reservation of mine): else false.
	 */
	hasExpired: boolean;
	done: number;
	assignment: AssignmentRow | null;
	item: TaskItemRow | null;
	answers: TaskAnswerRow[];
}

/**
 * "Next item" in ONE statement: checks the queue (this project, may I work on it, open), returns
 * my live reservation if I have one, else takes one slot of the first open task (in `seq` order)
 * that I never had, under FOR UPDATE SKIP LOCKED, records the assignment (random left/right
 * placement for pairs) and returns it with its item, answers (texts only: no system) and my done
 * count. Two simultaneous calls of one annotator: the unique index on live reservations
 * (migration 0021) lets one insert through; the other's slot is never taken (the decrement reads
 * the insert's RETURNING), and it reports `picked` without an assignment so the caller reads again.
 * Reclaiming expired reservations is NOT done here (an UPDATE of the same task row twice in one
 * statement would lose one change): `hasExpired` tells the caller to run `reclaimExpired`.
 * Undefined when the queue is not in the project.
 *
 * Plans: a prepared statement (planning this statement cost more than running it). "Had I this
 * task?" stays a probe of the unique (task_id, user_id) index per candidate (`offset 0` keeps it a
 * subplan: as an anti-join the planner may hash or scan all of my assignments, which grows with
 * every label). The expiry probe reads the first entry of the (queue_id, reserved_until) index.
 */
export async function takeNext(
	db: Db,
	opts: { projectId: string; queueId: string; userId: string; role: ProjectRole; checkExpired: boolean }
): Promise<NextRow | undefined> {
	const { queueId, userId } = opts;
	const r = await sql<NextRow>`${prepared}
		with q as (
			select q.id, q.project_id, q.dataset_id, q.rubric_version_id, q.name, q.mode, q.status,
				q.reveal_after_submit, q.task_count, q.reservation_seconds, q.open_from,
				(exists (select 1 from annotation_queue_member m where m.queue_id = q.id and m.user_id = ${userId})
					or (${opts.role} = 'annotator'
						and not exists (select 1 from annotation_queue_member m where m.queue_id = q.id))) as may_work
			from annotation_queue q where q.id = ${queueId} and q.project_id = ${opts.projectId}
		), live as (
			select a.* from annotation_assignment a
			where a.queue_id = ${queueId} and a.user_id = ${userId} and a.status = 'reserved' and a.reserved_until > now()
			order by a.started_at limit 1
		), picked as (
			select t.id, t.seq, t.answer_b_id from annotation_task t
			where t.queue_id = ${queueId} and t.open_slots > 0 and t.seq >= (select q.open_from from q)
				and exists (select 1 from q where q.may_work and q.status = 'open')
				and not exists (select 1 from live)
				and not exists (select 1 from annotation_assignment a where a.task_id = t.id and a.user_id = ${userId} offset 0)
			order by t.seq
			limit 1
			for update of t skip locked
		), ins as (
			insert into annotation_assignment (queue_id, task_id, user_id, status, presented_order, reserved_until)
			select ${queueId}, p.id, ${userId}, 'reserved',
				case when p.answer_b_id is null then null when random() < 0.5 then 'ab' else 'ba' end,
				now() + make_interval(secs => q.reservation_seconds)
			from picked p cross join q
			on conflict (queue_id, user_id) where status = 'reserved' do nothing
			returning *
		), taken as (
			update annotation_task t set open_slots = t.open_slots - 1 from ins where t.id = ins.task_id returning t.id
		), mine as (
			select * from live union all select * from ins
		)
		select q.id as "queueId", q.project_id as "projectId", q.dataset_id as "datasetId",
			q.rubric_version_id as "rubricVersionId", q.name, q.mode, q.status, q.reveal_after_submit as "revealAfterSubmit",
			q.task_count as "taskCount", q.may_work as "mayWork",
			exists (select 1 from picked) and not exists (select 1 from taken) as picked,
			(select p.seq - q.open_from from picked p) as "pickedAhead",
			case when ${opts.checkExpired}::boolean or not (exists (select 1 from live) or exists (select 1 from ins))
				then coalesce((select min(x.reserved_until) from annotation_assignment x
					where x.queue_id = ${queueId} and x.status = 'reserved') <= now(), false)
				else false end as "hasExpired",
			coalesce(s.done, 0) as done,
			case when a.id is null then null else json_build_object(
				'id', a.id, 'queueId', a.queue_id, 'taskId', a.task_id, 'userId', a.user_id, 'status', a.status,
				'presentedOrder', a.presented_order, 'reservedUntil', a.reserved_until, 'activeSeconds', a.active_seconds,
				'skipReason', a.skip_reason, 'flagged', a.flagged, 'flagReason', a.flag_reason, 'startedAt', a.started_at,
				'submittedAt', a.submitted_at, 'itemId', t.item_id, 'answerAId', t.answer_a_id, 'answerBId', t.answer_b_id)
			end as assignment,
			case when i.id is null then null else json_build_object(
				'itemId', i.id, 'datasetId', i.dataset_id, 'externalId', i.external_id, 'promptText', i.prompt_text,
				'conversation', i.conversation, 'promptAvailable', i.prompt_available, 'turnCount', i.turn_count,
				'referenceText', i.reference_text, 'referenceTurns', i.reference_turns, 'category', i.category)
			end as item,
			coalesce((select json_agg(json_build_object('id', c.id, 'content', c.content, 'turns', c.turns,
					'available', c.available))
				from candidate_answer c where c.id in (t.answer_a_id, t.answer_b_id)), '[]') as answers
		from q
		left join mine a on true
		left join annotation_task t on t.id = a.task_id
		left join dataset_item i on i.id = t.item_id
		left join annotation_worker_stats s on s.queue_id = q.id and s.user_id = ${userId}`.execute(db);
	const row = r.rows[0];
	if (row?.assignment) {
		// Timestamps travel as JSON text inside the row.
		const a = row.assignment;
		a.reservedUntil = new Date(a.reservedUntil);
		a.startedAt = new Date(a.startedAt);
		a.submittedAt = a.submittedAt === null ? null : new Date(a.submittedAt);
	}
	return row;
}

/**
 * Raises the queue's `open_from` to its first task with a free slot (migration 0029), so that
 * "next" no longer walks the filled tasks before it. Two statements: the queue row is locked
 * first (skipped when someone holds it: a slot being freed, or another raise), and the minimum is
 * read after, in a snapshot that sees every slot freed before the lock; a slot freed later lowers
 * `open_from` again through the trigger, which waits for this lock.
 */
export async function raiseOpenFrom(db: Db, queueId: string): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const locked = await sql`
			select 1 from annotation_queue where id = ${queueId} for no key update skip locked`.execute(trx);
		if (locked.rows.length === 0) return;
		await sql`
			update annotation_queue q set open_from = coalesce((
				select min(t.seq) from annotation_task t
				where t.queue_id = q.id and t.open_slots > 0 and t.seq >= q.open_from), q.open_from)
			where q.id = ${queueId}`.execute(trx);
	});
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
