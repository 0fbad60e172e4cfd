import { sql, type Kysely } from 'kysely';

/**
 * Exports and the HTTP API for pipelines.
 *
 * - `api_token`: per-user tokens for scripts. The token is `concord_<id>.<secret>`;
 *   only SHA-256(secret) is stored (like sessions). Each token is scoped to ONE
 *   project with a role no wider than the user's membership (checked again at
 *   every use), may expire, is revoked by setting `revoked_at` (the row stays,
 *   so the list shows what existed), and records when it was last used.
 * - Keyset indexes for streamed exports: a run's judgments and a dataset's labels
 *   in id order, read in batches.
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('api_token')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('secret_hash', 'bytea', (c) => c.notNull())
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
		.addColumn('project_id', 'uuid', (c) => c.notNull().references('project.id').onDelete('cascade'))
		.addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'annotator', 'viewer')`))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('expires_at', 'timestamptz')
		.addColumn('last_used_at', 'timestamptz')
		.addColumn('revoked_at', 'timestamptz')
		.execute();
	await db.schema.createIndex('api_token_user_idx').on('api_token').columns(['user_id', 'created_at']).execute();
	await sql`create index judgment_run_id_idx on judgment (run_id, id)`.execute(db);
	await sql`create index annotation_dataset_id_idx on annotation (dataset_id, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index annotation_dataset_id_idx`.execute(db);
	await sql`drop index judgment_run_id_idx`.execute(db);
	await db.schema.dropTable('api_token').execute();
}
