/**
 * Substring search over items (prompt, conversation, reference) and their
 * answers, case-insensitive, backed by the pg_trgm indexes of migration
 * 0004-dataset-search.
 *
 * No single plan is fast for every term, so the search is resolved in two
 * steps. First the trigram indexes collect the matching item ids, stopping
 * after SEARCH_CANDIDATE_CAP + 1: a selective term ("a rare word") ends here
 * with a short id list, and the page is a lookup by id. A broad term ("the")
 * would make that list huge; instead the page walks the items in list order
 * and tests each one (its text, then its few answers by the item index) until
 * the page is full, which is fast exactly because most items match.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../client';

export const SEARCH_CANDIDATE_CAP = 2000;

export type ResolvedSearch =
	/** Every matching item (at most SEARCH_CANDIDATE_CAP). */
	| { kind: 'ids'; ids: string[] }
	/** More matches than the cap: test items one by one while paging. */
	| { kind: 'broad'; pattern: string }
	/** Under 3 characters there are no trigrams to look up: test items one by one, match count unknown. */
	| { kind: 'short'; pattern: string };

/** pg_trgm needs three characters (code points) to use its index. */
export const MIN_INDEXED_SEARCH = 3;

/** `%term%` with LIKE wildcards escaped, so a user's `%` or `_` matches itself. */
export function likePattern(search: string): string {
	return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const itemText = sql`dataset_item_search_text(i.prompt_text, i.conversation, i.reference_text, i.reference_turns)`;
const answerText = sql`candidate_answer_search_text(a.content, a.turns)`;

export async function resolveSearch(db: Db, datasetId: string, search: string): Promise<ResolvedSearch> {
	const pattern = likePattern(search);
	if ([...search].length < MIN_INDEXED_SEARCH) return { kind: 'short', pattern };
	const limit = SEARCH_CANDIDATE_CAP + 1;
	const [items, answers] = await Promise.all([
		sql<{
			id: string;
		}>`select i.id from dataset_item i where i.dataset_id = ${datasetId} and ${itemText} ilike ${pattern} limit ${limit}`.execute(
			db
		),
		sql<{ id: string }>`
			select distinct a.item_id as id from candidate_answer a
			where a.dataset_id = ${datasetId} and ${answerText} ilike ${pattern} limit ${limit}
		`.execute(db)
	]);
	const ids = new Set([...items.rows, ...answers.rows].map((r) => r.id));
	return ids.size > SEARCH_CANDIDATE_CAP ? { kind: 'broad', pattern } : { kind: 'ids', ids: [...ids] };
}

/** The search as a condition on `dataset_item i`. */
export function searchCondition(search: ResolvedSearch): Expression<SqlBool> {
	if (search.kind === 'ids') {
		return search.ids.length === 0 ? sql<SqlBool>`false` : sql<SqlBool>`i.id = any(${search.ids}::uuid[])`;
	}
	// Inside OR, EXISTS stays a per-item probe of the answer index (item_id, system_id): a few rows each.
	return sql<SqlBool>`(${itemText} ilike ${search.pattern} or exists (
		select 1 from candidate_answer a where a.item_id = i.id and ${answerText} ilike ${search.pattern}
	))`;
}
