import { sql, type Kysely } from 'kysely';

/**
 * Annotation: queues of tasks, assignments of tasks to annotators, labels, the audit log.
 *
 * - `annotation_queue`: one rubric version over one dataset; `overlap_k` annotators per task;
 *   open / paused / closed; whether an annotator sees judge output and others' labels for a task
 *   after submitting it (`reveal_after_submit`); adjudication thresholds.
 * - `annotation_queue_member`: who may work on a queue. No rows = every annotator of the project
 *   (admins only when listed: they are not annotators by default).
 * - `annotation_task`: one answer (pointwise) or one pair (pairwise) of one item. `open_slots`
 *   = overlap_k − (live reservations + submitted labels); the partial index on open tasks is what
 *   "next item" walks, so a queue of millions of tasks is never scanned.
 * - `annotation_assignment`: a task given to one annotator, unique per (task, user), so nobody
 *   gets a task twice. Status reserved → submitted | skipped | expired | released. Only reserved
 *   and submitted hold a slot. `presented_order` is the left/right placement, drawn per annotator
 *   and task and recorded so human position bias can be measured.
 * - Labels are rows in `annotation` (source 'ui'; adjudicated gold labels: source 'gold') with the
 *   queue, task and assignment, criterion scores, red-line results, rationale and a version for
 *   optimistic concurrency.
 * - `annotation_audit`: append-only (a trigger refuses update and delete): every label write,
 *   before and after. Replaying it rebuilds the labels.
 * - `annotation_worker_stats`: per queue × annotator counters kept by the same transactions that
 *   submit and skip, so progress is a handful of rows to read, whatever the queue's size.
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('annotation_queue')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('project_id', 'uuid', (c) => c.notNull().references('project.id').onDelete('cascade'))
		.addColumn('dataset_id', 'uuid', (c) => c.notNull().references('dataset.id').onDelete('cascade'))
		.addColumn('rubric_version_id', 'uuid', (c) => c.notNull().references('rubric_version.id'))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('pairwise', 'pointwise')`))
		.addColumn('overlap_k', 'integer', (c) => c.notNull().check(sql`overlap_k between 1 and 100`))
		.addColumn('status', 'text', (c) =>
			c
				.notNull()
				.defaultTo('open')
				.check(sql`status in ('open', 'paused', 'closed')`)
		)
		.addColumn('reveal_after_submit', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('reservation_seconds', 'integer', (c) =>
			c
				.notNull()
				.defaultTo(1800)
				.check(sql`reservation_seconds between 10 and 604800`)
		)
		// In [0, 1]: a task goes to adjudication when annotators disagree by more than this.
		.addColumn('disagreement_threshold', 'double precision', (c) => c.notNull().defaultTo(0))
		// Optional: compare the annotators' majority with this run's verdicts too.
		.addColumn('judge_run_id', 'uuid', (c) => c.references('judge_run.id').onDelete('set null'))
		.addColumn('judge_threshold', 'double precision')
		.addColumn('selection', 'jsonb', (c) => c.notNull())
		.addColumn('pairing', 'jsonb')
		.addColumn('task_count', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('created_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('annotation_queue_project_name_key', ['project_id', 'name'])
		.execute();

	await db.schema
		.createTable('annotation_queue_member')
		.addColumn('queue_id', 'uuid', (c) => c.notNull().references('annotation_queue.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
		.addPrimaryKeyConstraint('annotation_queue_member_pkey', ['queue_id', 'user_id'])
		.execute();

	await db.schema
		.createTable('annotation_task')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		// Hand-out order within the queue (insertion order; a sample is inserted shuffled).
		.addColumn('seq', 'bigint', (c) => c.notNull().generatedAlwaysAsIdentity())
		.addColumn('queue_id', 'uuid', (c) => c.notNull().references('annotation_queue.id').onDelete('cascade'))
		.addColumn('item_id', 'uuid', (c) => c.notNull().references('dataset_item.id').onDelete('cascade'))
		.addColumn('answer_a_id', 'uuid', (c) => c.notNull().references('candidate_answer.id').onDelete('cascade'))
		.addColumn('answer_b_id', 'uuid', (c) => c.references('candidate_answer.id').onDelete('cascade'))
		.addColumn('open_slots', 'integer', (c) => c.notNull().check(sql`open_slots >= 0`))
		.addColumn('submitted_count', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await sql`create unique index annotation_task_unit_key on annotation_task (queue_id, item_id, answer_a_id, answer_b_id) nulls not distinct`.execute(
		db
	);
	await sql`create index annotation_task_open_idx on annotation_task (queue_id, seq) where open_slots > 0`.execute(db);
	await sql`create index annotation_task_labelled_idx on annotation_task (queue_id, seq) where submitted_count > 0`.execute(
		db
	);

	await db.schema
		.createTable('annotation_assignment')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('queue_id', 'uuid', (c) => c.notNull().references('annotation_queue.id').onDelete('cascade'))
		.addColumn('task_id', 'uuid', (c) => c.notNull().references('annotation_task.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
		.addColumn('status', 'text', (c) =>
			c.notNull().check(sql`status in ('reserved', 'submitted', 'skipped', 'expired', 'released')`)
		)
		.addColumn('presented_order', 'text', (c) => c.check(sql`presented_order in ('ab', 'ba')`))
		.addColumn('reserved_until', 'timestamptz', (c) => c.notNull())
		.addColumn('active_seconds', 'double precision')
		.addColumn('skip_reason', 'text')
		.addColumn('flagged', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('flag_reason', 'text')
		.addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('submitted_at', 'timestamptz')
		.addUniqueConstraint('annotation_assignment_task_user_key', ['task_id', 'user_id'])
		.execute();
	// Reclaiming expired reservations and "my current reservation" both walk only live reservations.
	await sql`create index annotation_assignment_reserved_idx on annotation_assignment (queue_id, reserved_until) where status = 'reserved'`.execute(
		db
	);
	await sql`create index annotation_assignment_user_idx on annotation_assignment (queue_id, user_id, submitted_at desc)`.execute(
		db
	);

	await db.schema
		.createTable('annotation_worker_stats')
		.addColumn('queue_id', 'uuid', (c) => c.notNull().references('annotation_queue.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
		.addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
		.addPrimaryKeyConstraint('annotation_worker_stats_pkey', ['queue_id', 'user_id'])
		.execute();

	// Labels: gold labels from adjudication get their own source.
	await sql`alter table annotation drop constraint if exists annotation_source_check`.execute(db);
	await sql`alter table annotation add constraint annotation_source_check check (source in ('imported', 'ui', 'gold'))`.execute(
		db
	);
	await db.schema
		.alterTable('annotation')
		// No foreign keys: every imported label would pay their triggers (see 0005); only the
		// annotation service writes these columns, from rows it has just locked.
		.addColumn('queue_id', 'uuid')
		.addColumn('task_id', 'uuid')
		.addColumn('assignment_id', 'uuid')
		.addColumn('criteria', 'jsonb')
		.addColumn('red_lines', 'jsonb')
		.addColumn('rationale', 'text')
		.addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('updated_at', 'timestamptz')
		.execute();
	await sql`create unique index annotation_assignment_key on annotation (assignment_id) where assignment_id is not null`.execute(
		db
	);
	await sql`create unique index annotation_gold_task_key on annotation (task_id) where source = 'gold'`.execute(db);
	await sql`create index annotation_task_idx on annotation (task_id) where task_id is not null`.execute(db);

	await db.schema
		.createTable('annotation_audit')
		.addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
		.addColumn('project_id', 'uuid', (c) => c.notNull().references('project.id').onDelete('cascade'))
		.addColumn('queue_id', 'uuid', (c) => c.references('annotation_queue.id').onDelete('cascade'))
		.addColumn('annotation_id', 'uuid', (c) => c.notNull())
		.addColumn('assignment_id', 'uuid')
		.addColumn('actor_user_id', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('create', 'revise', 'adjudicate')`))
		.addColumn('before', 'jsonb')
		.addColumn('after', 'jsonb', (c) => c.notNull())
		.addColumn('idempotency_key', 'text')
		.addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await sql`create unique index annotation_audit_idempotency_key on annotation_audit (annotation_id, idempotency_key) where idempotency_key is not null`.execute(
		db
	);
	await sql`create index annotation_audit_annotation_idx on annotation_audit (annotation_id, id)`.execute(db);
	await sql`create index annotation_audit_queue_idx on annotation_audit (queue_id, id)`.execute(db);
	await sql`
		create function annotation_audit_append_only() returns trigger language plpgsql as $$
		begin
			raise exception 'annotation_audit is append-only' using errcode = 'check_violation';
		end $$`.execute(db);
	await sql`
		create trigger annotation_audit_no_change before update or delete on annotation_audit
		for each row execute function annotation_audit_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('annotation_audit').ifExists().execute();
	await sql`drop function if exists annotation_audit_append_only()`.execute(db);
	await sql`delete from annotation where source = 'gold'`.execute(db);
	await db.schema
		.alterTable('annotation')
		.dropColumn('queue_id')
		.dropColumn('task_id')
		.dropColumn('assignment_id')
		.dropColumn('criteria')
		.dropColumn('red_lines')
		.dropColumn('rationale')
		.dropColumn('version')
		.dropColumn('updated_at')
		.execute();
	await sql`alter table annotation drop constraint if exists annotation_source_check`.execute(db);
	await sql`alter table annotation add constraint annotation_source_check check (source in ('imported', 'ui'))`.execute(
		db
	);
	for (const t of [
		'annotation_worker_stats',
		'annotation_assignment',
		'annotation_task',
		'annotation_queue_member',
		'annotation_queue'
	])
		await db.schema.dropTable(t).ifExists().execute();
}
