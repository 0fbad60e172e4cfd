import { sql, type Kysely } from 'kysely';

/**
 * One row per running graphile-worker pool (one per worker process): the pool id is
 * what graphile-worker writes into `locked_by` of the jobs it takes. The row's
 * `beat_at` is refreshed every few seconds with the database clock; a row that
 * stops moving means its process died, and its jobs are unlocked for a retry
 * (src/lib/server/jobs/liveness.ts).
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('worker_heartbeat')
		.addColumn('pool_id', 'text', (c) => c.primaryKey())
		.addColumn('worker_name', 'text', (c) => c.notNull())
		.addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('beat_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('worker_heartbeat_beat_at_idx').on('worker_heartbeat').column('beat_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('worker_heartbeat').execute();
}
