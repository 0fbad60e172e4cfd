/**
 * Annotation queues: the queue rows, who may work on them, building their tasks from a
 * selection, and the counters behind progress. Assignment (next / submit / skip) is in
 * annotation-assignments.ts; labels and the audit in annotation-labels.ts.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../client';
import type { JsonObject, JudgeMode, ProjectRole, QueueStatus } from '../schema';

export interface RubricVersionRow {
	id: string;
	projectId: string;
	mode: JudgeMode;
	content: JsonObject;
}

/** Read here rather than through the rubrics service: the queue only needs the stored content. */
export async function findRubricVersion(db: Db, projectId: string, id: string): Promise<RubricVersionRow | undefined> {
	return db
		.selectFrom('rubric_version')
		.select(['id', 'project_id as projectId', 'mode', 'content'])
		.where('project_id', '=', projectId)
		.where('id', '=', id)
		.executeTakeFirst();
}

export async function findJudgeRun(
	db: Db,
	projectId: string,
	id: string
): Promise<{ id: string; datasetId: string; mode: JudgeMode } | undefined> {
	return db
		.selectFrom('judge_run')
		.select(['id', 'dataset_id as datasetId', 'mode'])
		.where('project_id', '=', projectId)
		.where('id', '=', id)
		.executeTakeFirst();
}

export async function findSystem(db: Db, projectId: string, id: string): Promise<{ id: string } | undefined> {
	return db
		.selectFrom('system')
		.select('id')
		.where('project_id', '=', projectId)
		.where('id', '=', id)
		.executeTakeFirst();
}

export interface QueueRow {
	id: string;
	projectId: string;
	datasetId: string;
	rubricVersionId: string;
	name: string;
	mode: JudgeMode;
	overlapK: number;
	status: QueueStatus;
	revealAfterSubmit: boolean;
	reservationSeconds: number;
	disagreementThreshold: number;
	judgeRunId: string | null;
	judgeThreshold: number | null;
	selection: JsonObject;
	pairing: JsonObject | null;
	taskCount: number;
	createdAt: Date;
}

const queueColumns = [
	'q.id',
	'q.project_id as projectId',
	'q.dataset_id as datasetId',
	'q.rubric_version_id as rubricVersionId',
	'q.name',
	'q.mode',
	'q.overlap_k as overlapK',
	'q.status',
	'q.reveal_after_submit as revealAfterSubmit',
	'q.reservation_seconds as reservationSeconds',
	'q.disagreement_threshold as disagreementThreshold',
	'q.judge_run_id as judgeRunId',
	'q.judge_threshold as judgeThreshold',
	'q.selection',
	'q.pairing',
	'q.task_count as taskCount',
	'q.created_at as createdAt'
] as const;

export async function findQueue(db: Db, projectId: string, queueId: string): Promise<QueueRow | undefined> {
	return db
		.selectFrom('annotation_queue as q')
		.select(queueColumns)
		.where('q.project_id', '=', projectId)
		.where('q.id', '=', queueId)
		.executeTakeFirst();
}

export async function listQueues(db: Db, projectId: string): Promise<QueueRow[]> {
	return db
		.selectFrom('annotation_queue as q')
		.select(queueColumns)
		.where('q.project_id', '=', projectId)
		.orderBy('q.created_at', 'desc')
		.orderBy('q.id')
		.execute();
}

/**
 * Queues `userId` may work on: those listing them as a member, and, for the annotator role,
 * those with no member list at all.
 */
export async function listQueuesForAnnotator(
	db: Db,
	projectId: string,
	userId: string,
	role: ProjectRole
): Promise<QueueRow[]> {
	return db
		.selectFrom('annotation_queue as q')
		.select(queueColumns)
		.where('q.project_id', '=', projectId)
		.where((eb) =>
			eb.or([
				eb.exists(
					eb
						.selectFrom('annotation_queue_member as m')
						.select('m.user_id')
						.whereRef('m.queue_id', '=', 'q.id')
						.where('m.user_id', '=', userId)
				),
				role === 'annotator'
					? eb.not(
							eb.exists(
								eb.selectFrom('annotation_queue_member as m').select('m.user_id').whereRef('m.queue_id', '=', 'q.id')
							)
						)
					: eb.val(false)
			])
		)
		.orderBy('q.created_at', 'desc')
		.orderBy('q.id')
		.execute();
}

/** Whether `userId` is listed on the queue, and whether the queue lists anyone (one round trip). */
export async function queueMembership(
	db: Db,
	queueId: string,
	userId: string
): Promise<{ listed: boolean; anyListed: boolean }> {
	const r = await sql<{ listed: boolean; anyListed: boolean }>`
		select exists (select 1 from annotation_queue_member where queue_id = ${queueId} and user_id = ${userId}) as listed,
			exists (select 1 from annotation_queue_member where queue_id = ${queueId}) as "anyListed"`.execute(db);
	return r.rows[0];
}

export interface NewQueue {
	projectId: string;
	datasetId: string;
	rubricVersionId: string;
	name: string;
	mode: JudgeMode;
	overlapK: number;
	revealAfterSubmit: boolean;
	reservationSeconds: number;
	disagreementThreshold: number;
	judgeRunId: string | null;
	judgeThreshold: number | null;
	selection: JsonObject;
	pairing: JsonObject | null;
	createdBy: string;
}

export async function insertQueue(db: Db, q: NewQueue): Promise<string> {
	const row = await db
		.insertInto('annotation_queue')
		.values({
			project_id: q.projectId,
			dataset_id: q.datasetId,
			rubric_version_id: q.rubricVersionId,
			name: q.name,
			mode: q.mode,
			overlap_k: q.overlapK,
			reveal_after_submit: q.revealAfterSubmit,
			reservation_seconds: q.reservationSeconds,
			disagreement_threshold: q.disagreementThreshold,
			judge_run_id: q.judgeRunId,
			judge_threshold: q.judgeThreshold,
			selection: JSON.stringify(q.selection),
			pairing: q.pairing ? JSON.stringify(q.pairing) : null,
			created_by: q.createdBy
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/** Only users who are members of the project are added (the service reports the others). */
export async function addQueueMembers(db: Db, projectId: string, queueId: string, userIds: string[]): Promise<number> {
	if (userIds.length === 0) return 0;
	const result = await sql`
		insert into annotation_queue_member (queue_id, user_id)
		select ${queueId}, m.user_id from project_member m
		where m.project_id = ${projectId} and m.user_id = any(${userIds}::uuid[]) and m.role in ('admin', 'annotator')
		on conflict do nothing`.execute(db);
	return Number(result.numAffectedRows ?? 0);
}

export async function setQueueStatus(db: Db, queueId: string, status: QueueStatus): Promise<void> {
	await db.updateTable('annotation_queue').set({ status }).where('id', '=', queueId).execute();
}

export type Selection =
	| { kind: 'all' }
	| { kind: 'random'; n: number; seed: string }
	| { kind: 'stratified'; by: 'system' | 'category'; n: number; seed: string }
	| { kind: 'judge-unsure'; judgeRunId: string };

export type Pairing = { kind: 'all-pairs' } | { kind: 'baseline'; baselineSystemId: string };

/**
 * Candidate tasks of a dataset as rows (item_id, answer_a_id, answer_b_id, category, stratum,
 * ord_key): one per available answer (pointwise), per pair of systems (all-pairs; answer_a is
 * the answer of the smaller system id), or per contender against the baseline (answer_b).
 */
function candidates(datasetId: string, mode: JudgeMode, pairing: Pairing | null): RawBuilder<unknown> {
	if (mode === 'pointwise')
		return sql`
			select a.item_id, a.id as answer_a_id, null::uuid as answer_b_id, i.category, a.system_id::text as stratum,
				i.external_id, a.id::text as unit_key
			from candidate_answer a join dataset_item i on i.id = a.item_id
			where a.dataset_id = ${datasetId} and a.available`;
	const pairCondition =
		pairing?.kind === 'baseline'
			? sql`b.system_id = ${pairing.baselineSystemId}::uuid and a.system_id <> b.system_id`
			: sql`a.system_id < b.system_id`;
	return sql`
		select a.item_id, a.id as answer_a_id, b.id as answer_b_id, i.category, a.system_id::text as stratum,
			i.external_id, a.id::text || b.id::text as unit_key
		from candidate_answer a
		join candidate_answer b on b.item_id = a.item_id and b.available and ${pairCondition}
		join dataset_item i on i.id = a.item_id
		where a.dataset_id = ${datasetId} and a.available`;
}

/**
 * Units a judge run was unsure about: for a pair, verdicts (in answer terms, normalised to the
 * pair's id order) that differ across presented orders or samples; for one answer, scores that
 * differ across samples. Compared per turn.
 */
function judgeUnsure(runId: string, mode: JudgeMode): RawBuilder<unknown> {
	if (mode === 'pointwise')
		return sql`
			select j.item_id, j.answer_a_id, null::uuid as answer_b_id, i.category, j.answer_a_id::text as stratum,
				i.external_id, j.answer_a_id::text as unit_key
			from judgment j join dataset_item i on i.id = j.item_id
			where j.run_id = ${runId} and j.status = 'ok' and j.answer_b_id is null
			group by j.item_id, j.answer_a_id, i.category, i.external_id, j.turn
			having count(distinct j.score) > 1`;
	return sql`
		select u.item_id, u.lo as answer_a_id, u.hi as answer_b_id, i.category, u.lo::text as stratum,
			i.external_id, u.lo::text || u.hi::text as unit_key
		from (
			select j.item_id, least(j.answer_a_id, j.answer_b_id) as lo, greatest(j.answer_a_id, j.answer_b_id) as hi, j.turn,
				case when j.answer_a_id < j.answer_b_id or j.verdict = 'tie' then j.verdict
					when j.verdict = 'A' then 'B' else 'A' end as v
			from judgment j
			where j.run_id = ${runId} and j.status = 'ok' and j.answer_b_id is not null and j.verdict is not null
		) u join dataset_item i on i.id = u.item_id
		group by u.item_id, u.lo, u.hi, i.category, i.external_id, u.turn
		having count(distinct u.v) > 1`;
}

/**
 * The units a selection picks that the queue does not have yet, as the CTEs `src`, `fresh` and
 * `chosen` plus their insert order: shared by insertTasks and countNewTasks (the preview), so the
 * preview counts exactly what an insert would add. Random and category-stratified selections sample ITEMS
 * (all of a sampled item's answers or pairs come along); system-stratified selections sample
 * tasks per system (of answer_a). Stratified samples allocate n proportionally to the strata,
 * at least one each. Sampling is deterministic for a seed: rank by md5(seed || key).
 */
function selectedUnits(
	queue: { id: string; datasetId: string; mode: JudgeMode },
	selection: Selection,
	pairing: Pairing | null
): { ctes: RawBuilder<unknown>; order: RawBuilder<unknown> } {
	const source =
		selection.kind === 'judge-unsure'
			? judgeUnsure(selection.judgeRunId, queue.mode)
			: candidates(queue.datasetId, queue.mode, pairing);
	const seed = 'seed' in selection ? selection.seed : '';
	let chosen: RawBuilder<unknown>;
	if (selection.kind === 'random') {
		chosen = sql`
			select c.* from fresh c where c.item_id in (
				select item_id from (select distinct item_id from fresh) x
				order by md5(${seed} || x.item_id::text) limit ${selection.n})`;
	} else if (selection.kind === 'stratified' && selection.by === 'category') {
		chosen = sql`
			select c.* from fresh c where c.item_id in (
				select item_id from (
					select x.item_id, row_number() over (partition by x.category order by md5(${seed} || x.item_id::text)) as r,
						count(*) over (partition by x.category) as sn, count(*) over () as total
					from (select distinct item_id, category from fresh) x
				) y where y.r <= greatest(1, round(${selection.n}::numeric * y.sn / y.total)))`;
	} else if (selection.kind === 'stratified') {
		chosen = sql`
			select y.item_id, y.answer_a_id, y.answer_b_id, y.category, y.stratum, y.external_id, y.unit_key from (
				select c.*, row_number() over (partition by c.stratum order by md5(${seed} || c.unit_key)) as r,
					count(*) over (partition by c.stratum) as sn, count(*) over () as total
				from fresh c
			) y where y.r <= greatest(1, round(${selection.n}::numeric * y.sn / y.total))`;
	} else {
		chosen = sql`select c.* from fresh c`;
	}
	const order =
		selection.kind === 'random' || selection.kind === 'stratified'
			? sql`md5(${seed} || s.unit_key)`
			: sql`length(s.external_id), s.external_id, s.unit_key`;
	const ctes = sql`
		with src as (${source}),
		fresh as (
			select * from src c where not exists (
				select 1 from annotation_task t
				where t.queue_id = ${queue.id} and t.item_id = c.item_id and t.answer_a_id = c.answer_a_id
					and t.answer_b_id is not distinct from c.answer_b_id)
		),
		chosen as (${chosen})`;
	return { ctes, order };
}

/**
 * Inserts the tasks a selection picks, skipping units the queue already has (so adding items
 * later never touches finished work).
 */
export async function insertTasks(
	db: Db,
	queue: { id: string; datasetId: string; mode: JudgeMode; overlapK: number },
	selection: Selection,
	pairing: Pairing | null
): Promise<number> {
	const { ctes, order } = selectedUnits(queue, selection, pairing);
	const result = await sql`
		${ctes}
		insert into annotation_task (queue_id, item_id, answer_a_id, answer_b_id, open_slots)
		select ${queue.id}, s.item_id, s.answer_a_id, s.answer_b_id, ${queue.overlapK} from chosen s
		order by ${order}
		on conflict do nothing`.execute(db);
	const added = Number(result.numAffectedRows ?? 0);
	if (added > 0)
		await db
			.updateTable('annotation_queue')
			.set((eb) => ({ task_count: eb('task_count', '+', added) }))
			.where('id', '=', queue.id)
			.execute();
	return added;
}

/** How many tasks insertTasks would add now for this selection (the "add items" preview). */
export async function countNewTasks(
	db: Db,
	queue: { id: string; datasetId: string; mode: JudgeMode },
	selection: Selection,
	pairing: Pairing | null
): Promise<number> {
	const { ctes } = selectedUnits(queue, selection, pairing);
	// Distinct units: insertTasks' "on conflict do nothing" drops duplicates the same way.
	const { rows } = await sql<{ n: number }>`
		${ctes}
		select count(*)::int as n from (select distinct item_id, answer_a_id, answer_b_id from chosen) u`.execute(db);
	return rows[0]?.n ?? 0;
}

export interface WorkerProgressRow {
	userId: string;
	displayName: string;
	done: number;
	skipped: number;
	inProgress: number;
	medianSeconds: number | null;
}

/**
 * Per annotator: the counters kept by submit/skip, live reservations, and the median active
 * seconds of their last 500 labels (bounded, so polling stays cheap on any queue size).
 */
export async function queueProgress(db: Db, queueId: string): Promise<WorkerProgressRow[]> {
	const rows = await sql<WorkerProgressRow>`
		with people as (
			select user_id from annotation_worker_stats where queue_id = ${queueId}
			union
			select user_id from annotation_assignment
			where queue_id = ${queueId} and status = 'reserved' and reserved_until > now()
		)
		select p.user_id as "userId", u.display_name as "displayName",
			coalesce(s.done, 0)::int as done, coalesce(s.skipped, 0)::int as skipped,
			(select count(*)::int from annotation_assignment a
				where a.queue_id = ${queueId} and a.user_id = p.user_id and a.status = 'reserved' and a.reserved_until > now()) as "inProgress",
			(select percentile_cont(0.5) within group (order by x.active_seconds) from (
				select a.active_seconds from annotation_assignment a
				where a.queue_id = ${queueId} and a.user_id = p.user_id and a.submitted_at is not null
				order by a.submitted_at desc limit 500) x) as "medianSeconds"
		from people p
		join app_user u on u.id = p.user_id
		left join annotation_worker_stats s on s.queue_id = ${queueId} and s.user_id = p.user_id
		order by u.display_name, p.user_id`.execute(db);
	return rows.rows.map((r) => ({ ...r, medianSeconds: r.medianSeconds === null ? null : Number(r.medianSeconds) }));
}

/** Labels done / skipped per queue of a project, summed from the per-annotator counters. */
export async function queueTotals(
	db: Db,
	projectId: string
): Promise<Map<string, { done: number; skipped: number; inProgress: number }>> {
	const rows = await sql<{ queueId: string; done: number; skipped: number; inProgress: number }>`
		select q.id as "queueId",
			coalesce((select sum(s.done) from annotation_worker_stats s where s.queue_id = q.id), 0)::int as done,
			coalesce((select sum(s.skipped) from annotation_worker_stats s where s.queue_id = q.id), 0)::int as skipped,
			(select count(*)::int from annotation_assignment a
				where a.queue_id = q.id and a.status = 'reserved' and a.reserved_until > now()) as "inProgress"
		from annotation_queue q where q.project_id = ${projectId}`.execute(db);
	return new Map(rows.rows.map((r) => [r.queueId, r]));
}

/** One annotator's counters in a queue (their own work only). */
export async function workerStats(db: Db, queueId: string, userId: string): Promise<{ done: number; skipped: number }> {
	const row = await db
		.selectFrom('annotation_worker_stats')
		.select(['done', 'skipped'])
		.where('queue_id', '=', queueId)
		.where('user_id', '=', userId)
		.executeTakeFirst();
	return row ?? { done: 0, skipped: 0 };
}

/** Called by submit and skip in their transaction; the row is this annotator's alone. */
export async function bumpWorkerStats(
	db: Db,
	queueId: string,
	userId: string,
	delta: { done: number; skipped: number }
): Promise<void> {
	await sql`
		insert into annotation_worker_stats (queue_id, user_id, done, skipped)
		values (${queueId}, ${userId}, ${delta.done}, ${delta.skipped})
		on conflict (queue_id, user_id) do update
		set done = annotation_worker_stats.done + excluded.done, skipped = annotation_worker_stats.skipped + excluded.skipped`.execute(
		db
	);
}
