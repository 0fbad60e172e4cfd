import { sql, type Kysely } from 'kysely';

/**
 * Bulk imports write millions of rows; every foreign key costs a trigger call and
 * an index probe per inserted row (measured: most of an import's merge time).
 * These constraints guard columns that are either provenance only or copies of
 * what another, kept key already guarantees, so they go:
 * - `import_id` on items, answers, judgments, annotations: provenance (which
 *   upload added the row); imports are only deleted with their project.
 * - candidate_answer.dataset_id and annotation.project_id / dataset_id: denormalised
 *   copies of the item's dataset/project, written by the importer in the same
 *   statement as item_id (whose key, with ON DELETE CASCADE, is kept).
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
const DROPPED: [string, string][] = [
	['dataset_item', 'dataset_item_import_id_fkey'],
	['candidate_answer', 'candidate_answer_import_id_fkey'],
	['candidate_answer', 'candidate_answer_dataset_id_fkey'],
	['judgment', 'judgment_import_id_fkey'],
	['annotation', 'annotation_import_id_fkey'],
	['annotation', 'annotation_project_id_fkey'],
	['annotation', 'annotation_dataset_id_fkey']
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const [table, constraint] of DROPPED) {
		await sql`alter table ${sql.table(table)} drop constraint if exists ${sql.id(constraint)}`.execute(db);
	}
}

export async function down(db: Kysely<any>): Promise<void> {
	const restore: [string, string, string, string][] = [
		['dataset_item', 'import_id', 'dataset_import', 'set null'],
		['candidate_answer', 'import_id', 'dataset_import', 'set null'],
		['candidate_answer', 'dataset_id', 'dataset', 'cascade'],
		['judgment', 'import_id', 'dataset_import', 'set null'],
		['annotation', 'import_id', 'dataset_import', 'set null'],
		['annotation', 'project_id', 'project', 'cascade'],
		['annotation', 'dataset_id', 'dataset', 'cascade']
	];
	for (const [table, column, target, action] of restore) {
		await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_${column}_fkey`)} foreign key (${sql.id(column)}) references ${sql.table(target)} (id) on delete ${sql.raw(action)}`.execute(
			db
		);
	}
}
