import { sql, type Kysely } from 'kysely';

/**
 * Pairwise rubrics at the gate (issue 12 item 7).
 *
 * - `calibration_set.mode`: what the set holds. A pointwise set keeps one reference score per
 *   answer (`calibration_set_item`); a pairwise set keeps one reference preference per answer pair
 *   (`calibration_set_pair`). Existing sets are pointwise.
 * - `calibration_set_pair`: the frozen snapshot of a pairwise set, one row per (item, answer A,
 *   answer B): the reference verdict A / B / tie (the gold label, else the majority of the other
 *   human labels, an even split being a tie), how many labels it rests on, and the two systems.
 *   Like the pointwise rows, a trigger refuses UPDATE: later label edits never reach a pinned set.
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('calibration_set')
		.addColumn('mode', 'text', (c) =>
			c
				.notNull()
				.defaultTo('pointwise')
				.check(sql`mode in ('pointwise', 'pairwise')`)
		)
		.execute();

	await db.schema
		.createTable('calibration_set_pair')
		.addColumn('set_id', 'uuid', (c) => c.notNull().references('calibration_set.id').onDelete('cascade'))
		.addColumn('item_id', 'uuid', (c) => c.notNull().references('dataset_item.id').onDelete('cascade'))
		.addColumn('answer_a_id', 'uuid', (c) => c.notNull().references('candidate_answer.id').onDelete('cascade'))
		.addColumn('answer_b_id', 'uuid', (c) => c.notNull().references('candidate_answer.id').onDelete('cascade'))
		.addColumn('system_a', 'text', (c) => c.notNull())
		.addColumn('system_b', 'text', (c) => c.notNull())
		.addColumn('reference', 'text', (c) => c.notNull().check(sql`reference in ('gold', 'consensus')`))
		.addColumn('labels', 'integer', (c) => c.notNull())
		.addColumn('verdict', 'text', (c) => c.notNull().check(sql`verdict in ('A', 'B', 'tie')`))
		.addPrimaryKeyConstraint('calibration_set_pair_pk', ['set_id', 'answer_a_id', 'answer_b_id'])
		.execute();
	await sql`
		create function calibration_set_pair_immutable() returns trigger language plpgsql as $$
		begin
			raise exception 'calibration_set_pair is a frozen snapshot: pin a new set instead'
				using errcode = 'check_violation';
		end $$`.execute(db);
	await sql`
		create trigger calibration_set_pair_no_update before update on calibration_set_pair
		for each row execute function calibration_set_pair_immutable()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('calibration_set_pair').execute();
	await sql`drop function calibration_set_pair_immutable()`.execute(db);
	await db.schema.alterTable('calibration_set').dropColumn('mode').execute();
}
