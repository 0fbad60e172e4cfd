import { sql, type Kysely } from 'kysely';

/**
 * A categorical judge's verdict gets its own column. Until now a live run kept the category only
 * inside `raw` (beside the reply text), so the analysis read nothing for it and categorical
 * judge ↔ human agreement had the human side only. `category` holds one of the rubric version's
 * categories (its exact spelling), on 'ok' rows of category rubrics; pairwise verdicts stay in
 * `verdict`, scores in `score`. Rows written before are filled from `raw ->> 'category'`.
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`alter table judgment add column category text`.execute(db);
	await sql`
		update judgment set category = raw ->> 'category'
		where status = 'ok' and verdict is null and score is null and raw ->> 'category' is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`alter table judgment drop column category`.execute(db);
}
