/**
 * Read queries behind the dataset browser: dataset lists with counts, item
 * pages with search and filters, and one item with all candidate answers.
 * Writes belong to the import repositories; nothing here reads judgments
 * (annotators use these queries and must stay blind to judge output).
 *
 * Item order is (length(external_id), external_id) — see migration
 * 0004-dataset-search — and pages are keyset pages on that order, so page 5,000
 * of a 250k-item dataset costs the same as page 1.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../client';
import type { ChatMessage, JsonObject } from '../schema';

export interface DatasetListRow {
	id: string;
	name: string;
	description: string;
	itemCount: number;
	answerCount: number;
	judgmentCount: number;
	annotationCount: number;
	systemCount: number;
	currentRevision: number;
	latestRevisionAt: Date | null;
	createdAt: Date;
	updatedAt: Date;
}

function datasetQuery(db: Db) {
	return db.selectFrom('dataset as d').select((eb) => [
		'd.id',
		'd.name',
		'd.description',
		'd.item_count as itemCount',
		'd.answer_count as answerCount',
		'd.judgment_count as judgmentCount',
		'd.annotation_count as annotationCount',
		'd.current_revision as currentRevision',
		'd.created_at as createdAt',
		'd.updated_at as updatedAt',
		// Systems of the project that answered in this dataset: one index probe per system.
		eb
			.selectFrom('system as s')
			.select((e) => e.fn.countAll<number>().as('n'))
			.whereRef('s.project_id', '=', 'd.project_id')
			.where((e) =>
				e.exists(e.selectFrom('candidate_answer as a').select(sql`1`.as('one')).whereRef('a.dataset_id', '=', 'd.id').whereRef('a.system_id', '=', 's.id'))
			)
			.$castTo<number>()
			.as('systemCount'),
		eb
			.selectFrom('dataset_revision as r')
			.select('r.created_at')
			.whereRef('r.dataset_id', '=', 'd.id')
			.orderBy('r.revision', 'desc')
			.limit(1)
			.$castTo<Date | null>()
			.as('latestRevisionAt')
	]);
}

export async function listDatasets(db: Db, projectId: string): Promise<DatasetListRow[]> {
	const rows = await datasetQuery(db).where('d.project_id', '=', projectId).orderBy('d.name').execute();
	return rows.map((r) => ({ ...r, systemCount: Number(r.systemCount ?? 0) }));
}

export interface DatasetRow extends DatasetListRow {
	projectId: string;
	fieldMapping: JsonObject | null;
}

/** A dataset of the given project (a dataset id from another project finds nothing). */
export async function findDataset(db: Db, projectId: string, datasetId: string): Promise<DatasetRow | undefined> {
	const row = await datasetQuery(db)
		.select(['d.project_id as projectId', 'd.field_mapping as fieldMapping'])
		.where('d.project_id', '=', projectId)
		.where('d.id', '=', datasetId)
		.executeTakeFirst();
	return row && { ...row, systemCount: Number(row.systemCount ?? 0) };
}

export interface RevisionRow {
	revision: number;
	contentHash: string;
	itemsAdded: number;
	answersAdded: number;
	referencesAdded: number;
	createdAt: Date;
}

export async function listRevisions(db: Db, datasetId: string, limit = 20): Promise<RevisionRow[]> {
	return db
		.selectFrom('dataset_revision')
		.select([
			'revision',
			'content_hash as contentHash',
			'items_added as itemsAdded',
			'answers_added as answersAdded',
			'references_added as referencesAdded',
			'created_at as createdAt'
		])
		.where('dataset_id', '=', datasetId)
		.orderBy('revision', 'desc')
		.limit(limit)
		.execute();
}

export interface SystemCountRow {
	id: string;
	name: string;
	answerCount: number;
}

/** Systems with answers in the dataset, with their answer counts (an index-only scan). */
export async function listDatasetSystems(db: Db, datasetId: string): Promise<SystemCountRow[]> {
	return db
		.selectFrom('candidate_answer as a')
		.innerJoin('system as s', 's.id', 'a.system_id')
		.select((eb) => ['s.id', 's.name', eb.fn.countAll<number>().as('answerCount')])
		.where('a.dataset_id', '=', datasetId)
		.groupBy(['s.id', 's.name'])
		.orderBy('s.name')
		.execute();
}

export interface FacetRow {
	value: string;
	count: number;
}

export async function listCategories(db: Db, datasetId: string, limit: number): Promise<FacetRow[]> {
	return db
		.selectFrom('dataset_item')
		.select((eb) => ['category as value', eb.fn.countAll<number>().as('count')])
		.where('dataset_id', '=', datasetId)
		.where('category', 'is not', null)
		.groupBy('category')
		.orderBy('count', 'desc')
		.orderBy('category')
		.limit(limit)
		.execute() as Promise<FacetRow[]>;
}

export async function listTags(db: Db, datasetId: string, limit: number): Promise<FacetRow[]> {
	const result = await sql<FacetRow>`
		select tag as value, count(*)::int as count
		from dataset_item, unnest(tags) as tag
		where dataset_id = ${datasetId}
		group by tag
		order by count desc, tag
		limit ${limit}
	`.execute(db);
	return result.rows;
}

export interface ItemFilter {
	datasetId: string;
	/** Case-insensitive substring of the prompt, the reference or any answer. */
	search?: string;
	systemId?: string;
	category?: string;
	tag?: string;
}

/** Escapes LIKE wildcards so a user's `%` or `_` matches itself. */
export function likePattern(search: string): string {
	return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filterCondition(filter: ItemFilter): Expression<SqlBool> {
	const parts: Expression<SqlBool>[] = [sql<SqlBool>`i.dataset_id = ${filter.datasetId}`];
	if (filter.category !== undefined) parts.push(sql<SqlBool>`i.category = ${filter.category}`);
	if (filter.tag !== undefined) parts.push(sql<SqlBool>`i.tags @> array[${filter.tag}]::text[]`);
	if (filter.systemId !== undefined) {
		parts.push(sql<SqlBool>`exists (select 1 from candidate_answer a where a.item_id = i.id and a.system_id = ${filter.systemId})`);
	}
	if (filter.search) {
		const pattern = likePattern(filter.search);
		// Two index-backed arms (pg_trgm) instead of one OR over a join.
		parts.push(sql<SqlBool>`(
			dataset_item_search_text(i.prompt_text, i.conversation, i.reference_text, i.reference_turns) ilike ${pattern}
			or i.id in (
				select a.item_id from candidate_answer a
				where a.dataset_id = ${filter.datasetId} and candidate_answer_search_text(a.content, a.turns) ilike ${pattern}
			)
		)`);
	}
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
 * One page in external-id order. `before` reads backwards and flips the rows
 * back, so the caller always gets ascending order. One extra row is fetched
 * to tell whether another page exists in the reading direction.
 */
export async function listItems(db: Db, q: ItemPageQuery): Promise<{ rows: ItemListRow[]; more: boolean }> {
	const backwards = q.before !== undefined;
	const cursor = q.before ?? q.after;
	const cmp = backwards ? sql`<` : sql`>`;
	const dir = backwards ? sql`desc` : sql`asc`;
	const cursorCond = cursor === undefined ? sql`true` : sql`(length(i.external_id), i.external_id) ${cmp} (length(${cursor}::text), ${cursor}::text)`;
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
		order by length(i.external_id) ${dir}, i.external_id ${dir}
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
export async function findNeighbours(db: Db, filter: ItemFilter, externalId: string): Promise<{ previousId: string | null; nextId: string | null }> {
	const [prev, next] = await Promise.all([
		listItems(db, { ...filter, before: externalId, limit: 1 }),
		listItems(db, { ...filter, after: externalId, limit: 1 })
	]);
	return { previousId: prev.rows[0]?.id ?? null, nextId: next.rows[0]?.id ?? null };
}

export interface ItemDetailRow {
	id: string;
	datasetId: string;
	externalId: string;
	promptText: string | null;
	conversation: ChatMessage[] | null;
	promptAvailable: boolean;
	turnCount: number;
	referenceText: string | null;
	referenceTurns: string[] | null;
	category: string | null;
	tags: string[];
	metadata: JsonObject;
	contentHash: string;
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
