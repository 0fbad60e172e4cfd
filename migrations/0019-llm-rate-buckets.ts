import { type Kysely } from 'kysely';

/**
 * Rate limits of LLM providers, shared by every worker process: one token-bucket
 * row per provider, updated in a single statement per call
 * (src/lib/server/db/repositories/llm-rate-buckets.ts). `requests` and `tokens`
 * may go negative: that is the debt later callers wait out.
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('llm_rate_bucket')
		.addColumn('key', 'text', (c) => c.primaryKey())
		.addColumn('requests', 'double precision', (c) => c.notNull())
		.addColumn('tokens', 'double precision', (c) => c.notNull())
		.addColumn('refilled_at', 'timestamptz', (c) => c.notNull())
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('llm_rate_bucket').execute();
}
