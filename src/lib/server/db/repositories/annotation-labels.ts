/**
 * Labels made in Concord (rows of `annotation` with source 'ui' or 'gold'), their append-only
 * audit, and the reads behind the annotator's task view and the adjudication view.
 */
import { sql } from 'kysely';
import type { Db } from '../client';
import type { AnnotationSource, AuditAction, ChatMessage, JsonObject, PresentedOrder, Verdict } from '../schema';

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

/** Inserts or overwrites the row with `state` (the caller checked the version under a lock). */
export async function writeLabel(db: Db, state: LabelState): Promise<void> {
	const values = {
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

/** Answer texts only: no system, no metadata (the workspace is blind to who answered). */
export async function taskAnswers(
	db: Db,
	answerIds: string[]
): Promise<{ id: string; content: string | null; turns: string[] | null; available: boolean }[]> {
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
		select x.task_id as "unitTaskId", r.id as "runId", r.name as "runName", j.verdict, j.score::float8 as score,
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
