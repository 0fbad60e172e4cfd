import { sql, type Kysely } from 'kysely';

/**
 * Gate and certification (issue 12 item 7).
 *
 * - `calibration_set`: a frozen, labelled set of answers pinned by an admin to a rubric, on one
 *   dataset. `content_hash` is the SHA-256 of the canonical JSON of its rows, so a certification
 *   can say exactly which data it was measured on. The newest set of a rubric is its current one.
 * - `calibration_set_item`: the snapshot, one row per answer: the reference score (gold label,
 *   else the consensus of the other human labels) and the red-line pass/fail marks, copied at pin
 *   time. A trigger refuses UPDATE, so later label edits never change a pinned set.
 * - `judge_run.calibration_set_id`: a run restricted to a set's answers (an evaluation).
 * - `certification`: a rubric version × model × calibration set certified for a named use, with
 *   the thresholds the admin set and the lower bounds that cleared them. Rows are never edited;
 *   a withdrawal sets `revoked_at`.
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('calibration_set')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('project_id', 'uuid', (c) => c.notNull().references('project.id').onDelete('cascade'))
		.addColumn('rubric_id', 'uuid', (c) => c.notNull().references('rubric.id').onDelete('cascade'))
		.addColumn('dataset_id', 'uuid', (c) => c.notNull().references('dataset.id').onDelete('cascade'))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('content_hash', 'text', (c) => c.notNull())
		.addColumn('answer_count', 'integer', (c) => c.notNull())
		.addColumn('item_count', 'integer', (c) => c.notNull())
		.addColumn('gold_count', 'integer', (c) => c.notNull())
		.addColumn('created_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema
		.createIndex('calibration_set_rubric_idx')
		.on('calibration_set')
		.columns(['rubric_id', 'created_at'])
		.execute();

	await db.schema
		.createTable('calibration_set_item')
		.addColumn('set_id', 'uuid', (c) => c.notNull().references('calibration_set.id').onDelete('cascade'))
		.addColumn('answer_id', 'uuid', (c) => c.notNull().references('candidate_answer.id').onDelete('cascade'))
		.addColumn('item_id', 'uuid', (c) => c.notNull().references('dataset_item.id').onDelete('cascade'))
		.addColumn('system_name', 'text', (c) => c.notNull())
		.addColumn('reference', 'text', (c) => c.notNull().check(sql`reference in ('gold', 'consensus')`))
		.addColumn('labels', 'integer', (c) => c.notNull())
		.addColumn('score', 'double precision')
		/** Red-line criterion id → passed (null when the labels say nothing about red lines). */
		.addColumn('passes', 'jsonb')
		.addPrimaryKeyConstraint('calibration_set_item_pk', ['set_id', 'answer_id'])
		.execute();
	await sql`
		create function calibration_set_item_immutable() returns trigger language plpgsql as $$
		begin
			raise exception 'calibration_set_item is a frozen snapshot: pin a new set instead'
				using errcode = 'check_violation';
		end $$`.execute(db);
	await sql`
		create trigger calibration_set_item_no_update before update on calibration_set_item
		for each row execute function calibration_set_item_immutable()`.execute(db);

	await db.schema
		.alterTable('judge_run')
		.addColumn('calibration_set_id', 'uuid', (c) => c.references('calibration_set.id').onDelete('set null'))
		.execute();
	await sql`create index judge_run_calibration_set_idx on judge_run (calibration_set_id) where calibration_set_id is not null`.execute(
		db
	);

	await db.schema
		.createTable('certification')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('project_id', 'uuid', (c) => c.notNull().references('project.id').onDelete('cascade'))
		.addColumn('rubric_id', 'uuid', (c) => c.notNull().references('rubric.id').onDelete('cascade'))
		.addColumn('use', 'text', (c) => c.notNull())
		.addColumn('rubric_version_id', 'uuid', (c) => c.notNull().references('rubric_version.id').onDelete('cascade'))
		.addColumn('rubric_hash', 'text', (c) => c.notNull())
		.addColumn('calibration_set_id', 'uuid', (c) => c.notNull().references('calibration_set.id').onDelete('cascade'))
		.addColumn('calibration_set_hash', 'text', (c) => c.notNull())
		.addColumn('judge_run_id', 'uuid', (c) => c.references('judge_run.id').onDelete('set null'))
		.addColumn('provider_id', 'uuid', (c) => c.references('llm_provider.id').onDelete('set null'))
		/** The verdict-relevant model settings (model, base URL, temperature, …) and their hash. */
		.addColumn('model', 'jsonb', (c) => c.notNull())
		.addColumn('model_hash', 'text', (c) => c.notNull())
		.addColumn('thresholds', 'jsonb', (c) => c.notNull())
		.addColumn('results', 'jsonb', (c) => c.notNull())
		.addColumn('certified_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('revoked_at', 'timestamptz')
		.execute();
	await db.schema
		.createIndex('certification_rubric_idx')
		.on('certification')
		.columns(['rubric_id', 'created_at'])
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('certification').execute();
	await db.schema.alterTable('judge_run').dropColumn('calibration_set_id').execute();
	await db.schema.dropTable('calibration_set_item').execute();
	await sql`drop function calibration_set_item_immutable()`.execute(db);
	await db.schema.dropTable('calibration_set').execute();
}
