/**
 * Labels made in Concord (rows of `annotation` with source 'ui' or 'gold'), their append-only
 * audit, and the reads behind the annotator's task view and the adjudication view.
 */
import { sql } from 'kysely';
import { prepared, type Db } from '../client';
import type {
	AnnotationSource,
	AssignmentStatus,
	AuditAction,
	ChatMessage,
	JsonObject,
	PresentedOrder,
	QueueStatus,
	Verdict
} from '../schema';

/** A label as stored and as the audit records it (`after`): enough to rebuild the row. */
export interface LabelState {
	id: string;
	projectId: string;
	datasetId: string;
	itemId: string;
	answerAId: string;
	answerBId: string | null;
	presentedOrder: PresentedOrder | null;
	annotatorUserId: string | null;
	source: AnnotationSource;
	queueId: string | null;
	taskId: string | null;
	assignmentId: string | null;
	verdict: Verdict | null;
	score: number | null;
	criteria: Record<string, number> | null;
	redLines: Record<string, boolean> | null;
	rationale: string | null;
	version: number;
}

const labelColumns = sql`
	n.id, n.project_id as "projectId", n.dataset_id as "datasetId", n.item_id as "itemId",
	n.answer_a_id as "answerAId", n.answer_b_id as "answerBId", n.presented_order as "presentedOrder",
	n.annotator_user_id as "annotatorUserId", n.source, n.queue_id as "queueId", n.task_id as "taskId",
	n.assignment_id as "assignmentId", n.verdict, n.score::float8 as score, n.criteria, n.red_lines as "redLines",
	n.rationale, n.version`;

export async function findLabelByAssignment(db: Db, assignmentId: string): Promise<LabelState | undefined> {
	const r =
		await sql<LabelState>`select ${labelColumns} from annotation n where n.assignment_id = ${assignmentId}`.execute(db);
	return r.rows[0];
}

export async function findGoldLabel(db: Db, taskId: string): Promise<LabelState | undefined> {
	const r =
		await sql<LabelState>`select ${labelColumns} from annotation n where n.task_id = ${taskId} and n.source = 'gold'`.execute(
			db
		);
	return r.rows[0];
}

/** The `annotation` row for a label state (the columns Concord writes). */
function labelRow(state: LabelState) {
	return {
		id: state.id,
		project_id: state.projectId,
		dataset_id: state.datasetId,
		item_id: state.itemId,
		answer_a_id: state.answerAId,
		answer_b_id: state.answerBId,
		presented_order: state.presentedOrder,
		annotator_user_id: state.annotatorUserId,
		external_annotator: null,
		external_key: null,
		source: state.source,
		verdict: state.verdict,
		score: state.score === null ? null : String(state.score),
		metadata: '{}',
		import_id: null,
		revision: null,
		queue_id: state.queueId,
		task_id: state.taskId,
		assignment_id: state.assignmentId,
		criteria: state.criteria ? JSON.stringify(state.criteria) : null,
		red_lines: state.redLines ? JSON.stringify(state.redLines) : null,
		rationale: state.rationale,
		version: state.version
	};
}

/** Inserts or overwrites the row with `state` (the caller checked the version under a lock). */
export async function writeLabel(db: Db, state: LabelState): Promise<void> {
	const values = labelRow(state);
	await db
		.insertInto('annotation')
		.values(values)
		.onConflict((oc) =>
			oc.column('id').doUpdateSet({
				verdict: values.verdict,
				score: values.score,
				criteria: values.criteria,
				red_lines: values.red_lines,
				rationale: values.rationale,
				version: values.version,
				annotator_user_id: values.annotator_user_id,
				updated_at: sql<Date>`now()` as never
			})
		)
		.execute();
}

/** What submit reads before writing, in one statement: my assignment, its queue, my label, a replayed key. */
export interface SubmitContext {
	assignmentId: string;
	taskId: string;
	itemId: string;
	answerAId: string;
	answerBId: string | null;
	status: AssignmentStatus;
	presentedOrder: PresentedOrder | null;
	queueId: string;
	projectId: string;
	datasetId: string;
	rubricVersionId: string;
	queueStatus: QueueStatus;
	label: LabelState | null;
	/** The idempotency key is already in this label's audit. */
	replayed: boolean;
}

export async function findSubmitContext(
	db: Db,
	opts: { projectId: string; userId: string; assignmentId: string; idempotencyKey: string }
): Promise<SubmitContext | undefined> {
	const r = await sql<SubmitContext>`${prepared}
		select a.id as "assignmentId", a.task_id as "taskId", t.item_id as "itemId", t.answer_a_id as "answerAId",
			t.answer_b_id as "answerBId", a.status, a.presented_order as "presentedOrder", q.id as "queueId",
			q.project_id as "projectId", q.dataset_id as "datasetId", q.rubric_version_id as "rubricVersionId",
			q.status as "queueStatus", case when l.id is null then null else to_jsonb(l) end as label,
			exists (select 1 from annotation_audit x where x.annotation_id = l.id
				and x.idempotency_key = ${opts.idempotencyKey}) as replayed
		from annotation_assignment a
		join annotation_task t on t.id = a.task_id
		join annotation_queue q on q.id = a.queue_id and q.project_id = ${opts.projectId}
		left join lateral (select ${labelColumns} from annotation n where n.assignment_id = a.id) l on true
		where a.id = ${opts.assignmentId} and a.user_id = ${opts.userId}`.execute(db);
	return r.rows[0];
}

/**
 * Writes a submit in ONE statement: the label (insert, or update of the version the caller
 * read), its audit row, the assignment (submitted, active time, flag), and for a first label
 * the task's counters (submitted_count; open_slots when the slot must be taken back) and my
 * done/skipped counters. Every write hangs off the label write's RETURNING, and the label write
 * re-checks under the row lock what the caller read (a first label: the assignment still in
 * `seenStatus`, a free slot when retaking; a revision: the version unchanged), so a lost race
 * writes nothing and returns false; the caller then takes the locked path. A first label also
 * re-checks the queue (in the label's project, not closed), for a caller that did not read it.
 */
export async function writeSubmission(
	db: Db,
	w: {
		userId: string;
		state: LabelState;
		before: LabelState | null;
		seenStatus: AssignmentStatus;
		retakeSlot: boolean;
		activeSeconds: number;
		flagged: boolean;
		flagReason: string | null;
		idempotencyKey: string;
	}
): Promise<boolean> {
	const { state } = w;
	const assignmentId = state.assignmentId as string;
	// JSON columns as JSON values, not strings, for jsonb_populate_record.
	const row = JSON.stringify({ ...labelRow(state), metadata: {}, criteria: state.criteria, red_lines: state.redLines });
	const cols = sql.join(Object.keys(labelRow(state)).map((c) => sql.id(c)));
	const first = w.before === null;
	const label = first
		? sql`
			a as (
				select x.id, x.task_id from annotation_assignment x
				where x.id = ${assignmentId} and x.user_id = ${w.userId} and x.status = ${w.seenStatus}
					and exists (select 1 from annotation_queue q where q.id = x.queue_id
						and q.project_id = ${state.projectId} and q.status <> 'closed')
				for update of x
			), tsk as (
				update annotation_task t set submitted_count = t.submitted_count + 1
					${w.retakeSlot ? sql`, open_slots = t.open_slots - 1` : sql``}
				from a where t.id = a.task_id ${w.retakeSlot ? sql`and t.open_slots > 0` : sql``}
				returning t.id
			), lbl as (
				insert into annotation (${cols})
				select ${cols} from jsonb_populate_record(null::annotation, ${row}::jsonb)
				where exists (select 1 from tsk)
				returning id
			), st as (
				insert into annotation_worker_stats (queue_id, user_id, done, skipped)
				select ${state.queueId}, ${w.userId}, 1, ${w.seenStatus === 'skipped' ? -1 : 0} from lbl
				on conflict (queue_id, user_id) do update
				set done = annotation_worker_stats.done + excluded.done,
					skipped = annotation_worker_stats.skipped + excluded.skipped
			)`
		: sql`
			lbl as (
				update annotation n set verdict = r.verdict, score = r.score, criteria = r.criteria,
					red_lines = r.red_lines, rationale = r.rationale, version = r.version, updated_at = now()
				from jsonb_populate_record(null::annotation, ${row}::jsonb) r
				where n.assignment_id = ${assignmentId} and n.version = ${state.version - 1}
				returning n.id
			)`;
	const r = await sql<{ written: number }>`${prepared}
		with ${label}, aud as (
			insert into annotation_audit
				(project_id, queue_id, annotation_id, assignment_id, actor_user_id, action, before, after, idempotency_key)
			select ${state.projectId}, ${state.queueId}, lbl.id, ${assignmentId}, ${w.userId},
				${first ? 'create' : 'revise'}, ${w.before ? JSON.stringify(w.before) : null}::jsonb,
				${JSON.stringify(state)}::jsonb, ${w.idempotencyKey}
			from lbl
		), asg as (
			update annotation_assignment x set status = 'submitted',
				active_seconds = coalesce(x.active_seconds, 0) + ${w.activeSeconds},
				flagged = ${w.flagged}, flag_reason = ${w.flagReason},
				submitted_at = coalesce(x.submitted_at, date_trunc('milliseconds', now()))
			from lbl where x.id = ${assignmentId}
		)
		select count(*)::int as written from lbl`.execute(db);
	return (r.rows[0]?.written ?? 0) === 1;
}

export async function auditHasKey(db: Db, annotationId: string, key: string): Promise<boolean> {
	const row = await db
		.selectFrom('annotation_audit')
		.select('id')
		.where('annotation_id', '=', annotationId)
		.where('idempotency_key', '=', key)
		.executeTakeFirst();
	return row !== undefined;
}

export async function appendAudit(
	db: Db,
	entry: {
		projectId: string;
		queueId: string | null;
		annotationId: string;
		assignmentId: string | null;
		actorUserId: string;
		action: AuditAction;
		before: LabelState | null;
		after: LabelState;
		idempotencyKey: string | null;
	}
): Promise<void> {
	await db
		.insertInto('annotation_audit')
		.values({
			project_id: entry.projectId,
			queue_id: entry.queueId,
			annotation_id: entry.annotationId,
			assignment_id: entry.assignmentId,
			actor_user_id: entry.actorUserId,
			action: entry.action,
			before: entry.before ? JSON.stringify(entry.before) : null,
			after: JSON.stringify(entry.after),
			idempotency_key: entry.idempotencyKey
		})
		.execute();
}

/** The last `after` of every label of a queue, from the audit alone. */
export async function lastAuditStates(db: Db, queueId: string): Promise<LabelState[]> {
	const r = await sql<{ after: LabelState }>`
		select distinct on (annotation_id) after from annotation_audit
		where queue_id = ${queueId} order by annotation_id, id desc`.execute(db);
	return r.rows.map((x) => x.after);
}

export async function labelsOfQueue(db: Db, queueId: string): Promise<LabelState[]> {
	const r =
		await sql<LabelState>`select ${labelColumns} from annotation n where n.queue_id = ${queueId} order by n.id`.execute(
			db
		);
	return r.rows;
}

export interface AuditRow {
	id: string;
	annotationId: string;
	actorUserId: string | null;
	action: AuditAction;
	before: JsonObject | null;
	after: JsonObject;
	at: Date;
}

export async function auditOfLabel(db: Db, annotationId: string): Promise<AuditRow[]> {
	return db
		.selectFrom('annotation_audit')
		.select(['id', 'annotation_id as annotationId', 'actor_user_id as actorUserId', 'action', 'before', 'after', 'at'])
		.where('annotation_id', '=', annotationId)
		.orderBy('id')
		.execute();
}

export interface TaskItemRow {
	itemId: string;
	datasetId: string;
	externalId: string;
	promptText: string | null;
	conversation: ChatMessage[] | null;
	promptAvailable: boolean;
	turnCount: number;
	referenceText: string | null;
	referenceTurns: string[] | null;
	category: string | null;
}

export async function taskItem(db: Db, itemId: string): Promise<TaskItemRow | undefined> {
	return db
		.selectFrom('dataset_item')
		.select([
			'id as itemId',
			'dataset_id as datasetId',
			'external_id as externalId',
			'prompt_text as promptText',
			'conversation',
			'prompt_available as promptAvailable',
			'turn_count as turnCount',
			'reference_text as referenceText',
			'reference_turns as referenceTurns',
			'category'
		])
		.where('id', '=', itemId)
		.executeTakeFirst();
}

export interface TaskAnswerRow {
	id: string;
	content: string | null;
	turns: string[] | null;
	available: boolean;
}

/** Answer texts only: no system, no metadata (the workspace is blind to who answered). */
export async function taskAnswers(db: Db, answerIds: string[]): Promise<TaskAnswerRow[]> {
	return db
		.selectFrom('candidate_answer')
		.select(['id', 'content', 'turns', 'available'])
		.where('id', 'in', answerIds)
		.execute();
}

export interface TaskUnitRow {
	taskId: string;
	seq: string;
	itemId: string;
	externalId: string;
	answerAId: string;
	answerBId: string | null;
	systemA: string;
	systemB: string | null;
	submittedCount: number;
}

/** A page of a queue's tasks that have at least one submitted label, in seq order. */
export async function labelledTasks(
	db: Db,
	queueId: string,
	afterSeq: string | null,
	limit: number
): Promise<TaskUnitRow[]> {
	const r = await sql<TaskUnitRow>`
		select t.id as "taskId", t.seq::text as seq, t.item_id as "itemId", i.external_id as "externalId",
			t.answer_a_id as "answerAId", t.answer_b_id as "answerBId", sa.name as "systemA", sb.name as "systemB",
			t.submitted_count as "submittedCount"
		from annotation_task t
		join dataset_item i on i.id = t.item_id
		join candidate_answer a on a.id = t.answer_a_id join system sa on sa.id = a.system_id
		left join candidate_answer b on b.id = t.answer_b_id left join system sb on sb.id = b.system_id
		where t.queue_id = ${queueId} and t.submitted_count > 0 ${afterSeq ? sql`and t.seq > ${afterSeq}::bigint` : sql``}
		order by t.seq limit ${limit}`.execute(db);
	return r.rows;
}

export async function findTask(db: Db, queueId: string, taskId: string): Promise<TaskUnitRow | undefined> {
	const r = await sql<TaskUnitRow>`
		select t.id as "taskId", t.seq::text as seq, t.item_id as "itemId", i.external_id as "externalId",
			t.answer_a_id as "answerAId", t.answer_b_id as "answerBId", sa.name as "systemA", sb.name as "systemB",
			t.submitted_count as "submittedCount"
		from annotation_task t
		join dataset_item i on i.id = t.item_id
		join candidate_answer a on a.id = t.answer_a_id join system sa on sa.id = a.system_id
		left join candidate_answer b on b.id = t.answer_b_id left join system sb on sb.id = b.system_id
		where t.queue_id = ${queueId} and t.id = ${taskId}`.execute(db);
	return r.rows[0];
}

export interface UnitLabelRow extends LabelState {
	annotator: string | null;
	externalKey: string | null;
	createdAt: Date;
}

/**
 * Every human label on these units: submitted Concord labels of the queue (by task), gold
 * labels, and imported labels on the same item and answers (either order: answer terms are
 * flipped to the unit's, and `flipped` says so).
 */
export async function labelsOfUnits(
	db: Db,
	queueId: string,
	units: { taskId: string; itemId: string; answerAId: string; answerBId: string | null }[]
): Promise<(UnitLabelRow & { unitTaskId: string; flipped: boolean })[]> {
	if (units.length === 0) return [];
	const taskIds = units.map((u) => u.taskId);
	const own = await sql<UnitLabelRow & { unitTaskId: string; flipped: boolean }>`
		select ${labelColumns}, coalesce(u.display_name, n.external_annotator) as annotator, n.external_key as "externalKey",
			n.created_at as "createdAt", n.task_id as "unitTaskId", false as flipped
		from annotation n left join app_user u on u.id = n.annotator_user_id
		left join annotation_assignment a on a.id = n.assignment_id
		where n.task_id = any(${taskIds}::uuid[]) and n.queue_id = ${queueId} and (n.source = 'gold' or a.status = 'submitted')`.execute(
		db
	);
	const values = sql.join(
		units.map((u) => sql`(${u.taskId}::uuid, ${u.itemId}::uuid, ${u.answerAId}::uuid, ${u.answerBId}::uuid)`)
	);
	const imported = await sql<UnitLabelRow & { unitTaskId: string; flipped: boolean }>`
		select ${labelColumns}, n.external_annotator as annotator, n.external_key as "externalKey",
			n.created_at as "createdAt", x.task_id as "unitTaskId", (n.answer_a_id <> x.a) as flipped
		from (values ${values}) as x(task_id, item_id, a, b)
		join annotation n on n.source = 'imported' and n.item_id = x.item_id
			and ((n.answer_a_id = x.a and n.answer_b_id is not distinct from x.b)
				or (x.b is not null and n.answer_a_id = x.b and n.answer_b_id = x.a))`.execute(db);
	return [...own.rows, ...imported.rows];
}

export interface UnitJudgmentRow {
	unitTaskId: string;
	runId: string;
	runName: string;
	verdict: Verdict | null;
	score: number | null;
	/** Category rubrics: the judge's category. */
	category: string | null;
	presentedOrder: PresentedOrder | null;
	sample: number;
	turn: number;
	raw: unknown;
	flipped: boolean;
}

/** Judgments (status ok) of the given runs (or of every run of the dataset) on these units. */
export async function judgmentsOfUnits(
	db: Db,
	datasetId: string,
	runId: string | null,
	units: { taskId: string; itemId: string; answerAId: string; answerBId: string | null }[]
): Promise<UnitJudgmentRow[]> {
	if (units.length === 0) return [];
	const values = sql.join(
		units.map((u) => sql`(${u.taskId}::uuid, ${u.itemId}::uuid, ${u.answerAId}::uuid, ${u.answerBId}::uuid)`)
	);
	const r = await sql<UnitJudgmentRow>`
		select x.task_id as "unitTaskId", r.id as "runId", r.name as "runName", j.verdict, j.score::float8 as score, j.category,
			j.presented_order as "presentedOrder", j.sample, j.turn, j.raw, (j.answer_a_id <> x.a) as flipped
		from (values ${values}) as x(task_id, item_id, a, b)
		join judgment j on j.item_id = x.item_id and j.status = 'ok'
			and ((j.answer_a_id = x.a and j.answer_b_id is not distinct from x.b)
				or (x.b is not null and j.answer_a_id = x.b and j.answer_b_id = x.a))
		join judge_run r on r.id = j.run_id and r.dataset_id = ${datasetId}
		${runId ? sql`where r.id = ${runId}` : sql``}
		order by r.name, j.turn, j.sample, j.presented_order
		limit 2000`.execute(db);
	return r.rows;
}

/** Submitted labels of other annotators on this task (revealed after submit when the queue allows). */
export async function othersLabelsOfTask(db: Db, taskId: string, userId: string): Promise<LabelState[]> {
	const r = await sql<LabelState>`
		select ${labelColumns} from annotation n join annotation_assignment a on a.id = n.assignment_id
		where n.task_id = ${taskId} and a.status = 'submitted' and a.user_id <> ${userId}`.execute(db);
	return r.rows;
}
