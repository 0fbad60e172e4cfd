import { sql, type Kysely } from 'kysely';

/**
 * Browsing datasets of ~250k items: substring search and stable keyset pages.
 *
 * Search is case-insensitive substring matching (ILIKE '%term%') backed by
 * pg_trgm GIN indexes, chosen over full-text search because answers mix
 * languages: PostgreSQL's text-search parsers do not segment Chinese, while
 * trigrams match any substring of three or more characters in any script.
 * pg_trgm ships with PostgreSQL (contrib) and is a trusted extension, so the
 * database owner may create it.
 *
 * The searchable text of a row is built by an IMMUTABLE SQL function so the
 * index expression and the query expression are guaranteed to be identical.
 *
 * Items are listed in (length(external_id), external_id) order: numeric ids
 * ("2" before "10") and zero-padded ids sort naturally, and the index below
 * makes keyset pagination an index range scan.
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`create extension if not exists pg_trgm`.execute(db);

	await sql`
		create function dataset_item_search_text(prompt_text text, conversation jsonb, reference_text text, reference_turns jsonb)
		returns text language sql immutable parallel safe
		as $$ select coalesce(prompt_text, '') || ' ' || coalesce(conversation::text, '') || ' ' || coalesce(reference_text, '') || ' ' || coalesce(reference_turns::text, '') $$
	`.execute(db);
	await sql`
		create function candidate_answer_search_text(content text, turns jsonb)
		returns text language sql immutable parallel safe
		as $$ select coalesce(content, turns::text, '') $$
	`.execute(db);

	await sql`
		create index dataset_item_search_idx on dataset_item
		using gin (dataset_item_search_text(prompt_text, conversation, reference_text, reference_turns) gin_trgm_ops)
	`.execute(db);
	await sql`
		create index candidate_answer_search_idx on candidate_answer
		using gin (candidate_answer_search_text(content, turns) gin_trgm_ops)
	`.execute(db);
	await sql`create index dataset_item_order_idx on dataset_item (dataset_id, length(external_id), external_id)`.execute(
		db
	);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index if exists dataset_item_order_idx`.execute(db);
	await sql`drop index if exists candidate_answer_search_idx`.execute(db);
	await sql`drop index if exists dataset_item_search_idx`.execute(db);
	await sql`drop function if exists candidate_answer_search_text(text, jsonb)`.execute(db);
	await sql`drop function if exists dataset_item_search_text(text, jsonb, text, jsonb)`.execute(db);
}
