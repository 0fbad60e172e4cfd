import { sql, type Kysely } from 'kysely';

/**
 * Stored prompts compressed with lz4 where the server has it (issue 10, bench:judge).
 *
 * Every live judgment inserts its rendered prompt (≈ 3.4 KB of jsonb on the bench's judge) into
 * `judge_prompt`, over the 2 KB TOAST threshold, so PostgreSQL compresses it. pglz (the default)
 * took ≈ 40–60 µs of server CPU per prompt where lz4 takes a fraction of that, at a similar size;
 * only new values are affected, old ones stay readable as they are (each value records its method).
 *
 * lz4 is a build option of PostgreSQL: a server built without it (the embedded one) refuses the
 * method with feature_not_supported, and then the column keeps pglz. The migration succeeds on
 * both, so a database may end with either method; nothing reads which.
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`
		do $$
		begin
			alter table judge_prompt alter column messages set compression lz4;
		exception when feature_not_supported then
			null;
		end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`alter table judge_prompt alter column messages set compression default`.execute(db);
}
