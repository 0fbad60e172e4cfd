/**
 * Read queries behind the dataset browser, dataset level: lists with counts,
 * revisions, the systems, categories and tags of a dataset. Items are in
 * dataset-items.ts, search in dataset-item-search.ts. Writes belong to the
 * import repositories; nothing here reads judgments (annotators use these
 * queries and must stay blind to judge output).
 */
import { sql } from 'kysely';
import type { Db } from '../client';
import type { JsonObject } from '../schema';
import { filterCondition, type ItemFilter } from './dataset-items';

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
				e.exists(
					e
						.selectFrom('candidate_answer as a')
						.select(sql`1`.as('one'))
						.whereRef('a.dataset_id', '=', 'd.id')
						.whereRef('a.system_id', '=', 's.id')
				)
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

/** Systems with answers in the dataset, without counts: one index probe per system of the project. */
export async function listDatasetSystemNames(
	db: Db,
	projectId: string,
	datasetId: string
): Promise<{ id: string; name: string }[]> {
	return db
		.selectFrom('system as s')
		.select(['s.id', 's.name'])
		.where('s.project_id', '=', projectId)
		.where((eb) =>
			eb.exists(
				eb
					.selectFrom('candidate_answer as a')
					.select(sql`1`.as('one'))
					.where('a.dataset_id', '=', datasetId)
					.whereRef('a.system_id', '=', 's.id')
			)
		)
		.orderBy('s.name')
		.execute();
}

export interface FacetRow {
	value: string;
	count: number;
}

/** Categories of the items that pass `filter` (just the dataset: all of them), most frequent first. */
export async function listCategories(db: Db, filter: ItemFilter, limit: number): Promise<FacetRow[]> {
	const result = await sql<FacetRow>`
		select i.category as value, count(*)::int as count
		from dataset_item i
		where ${filterCondition(filter)} and i.category is not null
		group by i.category
		order by count desc, i.category
		limit ${limit}
	`.execute(db);
	return result.rows;
}

/** Tags of the items that pass `filter`, most frequent first. */
export async function listTags(db: Db, filter: ItemFilter, limit: number): Promise<FacetRow[]> {
	const result = await sql<FacetRow>`
		select tag as value, count(*)::int as count
		from dataset_item i, unnest(i.tags) as tag
		where ${filterCondition(filter)}
		group by tag
		order by count desc, tag
		limit ${limit}
	`.execute(db);
	return result.rows;
}
