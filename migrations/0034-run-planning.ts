import { sql, type Kysely } from 'kysely';

/**
 * A live run's units may be planned in two steps (issue 10, bench:judge): the run starts with a
 * first batch of units, and its jobs insert the rest while the first ones are judged. Until then
 * `units_planned` is false and the run cannot complete. Every run so far (imported ones, live ones
 * whose units were all inserted up front) is planned.
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`alter table judge_run add column units_planned boolean not null default true`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`alter table judge_run drop column units_planned`.execute(db);
}
