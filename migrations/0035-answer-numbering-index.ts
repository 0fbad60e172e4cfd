import { sql, type Kysely } from 'kysely';

/**
 * A dataset's answers in uuid order, with their item and system, from the index alone (issue 12,
 * bench:agreement). The agreement page numbers a dataset's answers by uuid in each of the
 * statements it runs side by side (labels, judgments, answers), so that they agree; with this
 * index each numbering is an index-only scan in order, instead of a scan of the answer table
 * (whose rows carry the answer text) and a sort.
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`create index candidate_answer_dataset_id_idx on candidate_answer (dataset_id, id) include (item_id, system_id)`.execute(
		db
	);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('candidate_answer_dataset_id_idx').execute();
}
