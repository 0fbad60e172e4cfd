/**
 * Read queries behind the dataset browser, item level: keyset pages of items
 * under filters and search, capped counts, previous/next neighbours, and one
 * item with all candidate answers. No judgments here (see dataset-browse.ts).
 *
 * Items list in file order: (position, id) — see migration 0009-item-position —
 * and pages are keyset pages on that order (index dataset_item_position_idx), so
 * page 5,000 of a 250k-item dataset costs the same as page 1. Cursors stay
 * external ids (they appear in URLs); the cursor row's key is looked up by the
 * dataset's unique (dataset_id, external_id) index.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../client';
import type { ChatMessage, JsonObject } from '../schema';
import type { ItemRecord } from '../../importers/normalized';
import { searchCondition, type ResolvedSearch } from './dataset-item-search';

export interface ItemFilter {
	datasetId: string;
	/** Resolved by `resolveSearch` (dataset-item-search.ts) once per request. */
	search?: ResolvedSearch;
	systemId?: string;
	category?: string;
	tag?: string;
}

/** The filter as a condition on `dataset_item i` (also used by the facet counts). */
export function filterCondition(filter: ItemFilter): Expression<SqlBool> {
	const parts: Expression<SqlBool>[] = [sql<SqlBool>`i.dataset_id = ${filter.datasetId}`];
	if (filter.category !== undefined) parts.push(sql<SqlBool>`i.category = ${filter.category}`);
	if (filter.tag !== undefined) parts.push(sql<SqlBool>`i.tags @> array[${filter.tag}]::text[]`);
	if (filter.systemId !== undefined) {
		parts.push(
			sql<SqlBool>`exists (select 1 from candidate_answer a where a.item_id = i.id and a.system_id = ${filter.systemId})`
		);
	}
	if (filter.search) parts.push(searchCondition(filter.search));
	return sql<SqlBool>`${sql.join(parts, sql` and `)}`;
}

export interface ItemListRow {
	id: string;
	externalId: string;
	promptText: string | null;
	conversation: ChatMessage[] | null;
	promptAvailable: boolean;
	turnCount: number;
	hasReference: boolean;
	category: string | null;
	tags: string[];
	answerCount: number;
}

export interface ItemPageQuery extends ItemFilter {
	/** Keyset cursors: the external id of the last (first) row of the current page. */
	after?: string;
	before?: string;
	limit: number;
}

/**
 * One page in file order. `before` reads backwards and flips the rows
 * back, so the caller always gets ascending order. One extra row is fetched
 * to tell whether another page exists in the reading direction.
 */
export async function listItems(db: Db, q: ItemPageQuery): Promise<{ rows: ItemListRow[]; more: boolean }> {
	const backwards = q.before !== undefined;
	const cursor = q.before ?? q.after;
	const cmp = backwards ? sql`<` : sql`>`;
	const dir = backwards ? sql`desc` : sql`asc`;
	const cursorCond =
		cursor === undefined
			? sql`true`
			: sql`(i.position, i.id) ${cmp} (select c.position, c.id from dataset_item c where c.dataset_id = ${q.datasetId} and c.external_id = ${cursor}::text)`;
	const result = await sql<ItemListRow>`
		select i.id, i.external_id as "externalId",
			left(i.prompt_text, 400) as "promptText",
			case when i.conversation is null then null else jsonb_path_query_array(i.conversation, '$[0 to 1]') end as conversation,
			i.prompt_available as "promptAvailable", i.turn_count as "turnCount",
			(i.reference_text is not null or i.reference_turns is not null) as "hasReference",
			i.category, i.tags,
			(select count(*)::int from candidate_answer a where a.item_id = i.id) as "answerCount"
		from dataset_item i
		where ${filterCondition(q)} and ${cursorCond}
		order by i.position ${dir}, i.id ${dir}
		limit ${q.limit + 1}
	`.execute(db);
	const more = result.rows.length > q.limit;
	const rows = result.rows.slice(0, q.limit);
	if (backwards) rows.reverse();
	return { rows, more };
}

/** Matching items, counted up to `cap` (a capped count stays cheap on huge datasets). */
export async function countItems(db: Db, filter: ItemFilter, cap: number): Promise<number> {
	const result = await sql<{ n: number }>`
		select count(*)::int as n from (select 1 from dataset_item i where ${filterCondition(filter)} limit ${cap}) t
	`.execute(db);
	return result.rows[0]?.n ?? 0;
}

/** The neighbours of an item in list order under the same filter (for previous/next). */
export async function findNeighbours(
	db: Db,
	filter: ItemFilter,
	externalId: string
): Promise<{ previousId: string | null; nextId: string | null }> {
	const [prev, next] = await Promise.all([
		listItems(db, { ...filter, before: externalId, limit: 1 }),
		listItems(db, { ...filter, after: externalId, limit: 1 })
	]);
	return { previousId: prev.rows[0]?.id ?? null, nextId: next.rows[0]?.id ?? null };
}

/** An item as stored: the importers' normalized record plus its row identity. */
export interface ItemDetailRow extends ItemRecord {
	id: string;
	datasetId: string;
	revision: number;
	createdAt: Date;
}

export async function findItem(db: Db, datasetId: string, itemId: string): Promise<ItemDetailRow | undefined> {
	return db
		.selectFrom('dataset_item')
		.select([
			'id',
			'dataset_id as datasetId',
			'external_id as externalId',
			'prompt_text as promptText',
			'conversation',
			'prompt_available as promptAvailable',
			'turn_count as turnCount',
			'reference_text as referenceText',
			'reference_turns as referenceTurns',
			'category',
			'tags',
			'metadata',
			'content_hash as contentHash',
			'revision',
			'created_at as createdAt'
		])
		.where('dataset_id', '=', datasetId)
		.where('id', '=', itemId)
		.executeTakeFirst();
}

export interface AnswerRow {
	id: string;
	systemId: string;
	systemName: string;
	content: string | null;
	turns: string[] | null;
	available: boolean;
	metadata: JsonObject;
	charCount: number;
	approxTokens: number;
	revision: number;
}

export async function listItemAnswers(db: Db, itemId: string): Promise<AnswerRow[]> {
	return db
		.selectFrom('candidate_answer as a')
		.innerJoin('system as s', 's.id', 'a.system_id')
		.select([
			'a.id',
			's.id as systemId',
			's.name as systemName',
			'a.content',
			'a.turns',
			'a.available',
			'a.metadata',
			'a.char_count as charCount',
			'a.approx_tokens as approxTokens',
			'a.revision'
		])
		.where('a.item_id', '=', itemId)
		.orderBy('s.name')
		.execute();
}
