/**
 * The read side of datasets, dataset level: what the dataset list and the
 * dataset page header and filters show. Every call is scoped by the caller's
 * membership (a dataset id from another project is NOT_FOUND). Judge output
 * never appears here: annotators read through these functions and must stay
 * blind, so even the count of verdicts and labels goes only to members with
 * the readResults capability (auth/policy.ts). Items are in services/dataset-items.ts.
 */
import { can, seesSystemNames } from '../auth/policy';
import type { Db } from '../db/client';
import * as browse from '../db/repositories/dataset-browse';
import type { ItemFilter } from '../db/repositories/dataset-items';
import type { Membership } from '../db/repositories/members';
import type { JsonObject } from '../db/schema';
import { AppError } from '../errors';
import { RevisionCache } from './revision-cache';

const FACET_LIMIT = 200;
/** Above this many answers, the system filter lists names without per-system counts (a full index scan). */
const SYSTEM_COUNT_MAX_ANSWERS = 100_000;

export interface DatasetSummary {
	id: string;
	name: string;
	description: string;
	itemCount: number;
	answerCount: number;
	systemCount: number;
	currentRevision: number;
	latestRevisionAt: Date | null;
	createdAt: Date;
	updatedAt: Date;
	/** Imported verdicts and labels; null for annotators (blinding). */
	results: { judgmentCount: number; annotationCount: number } | null;
}

function toSummary(row: browse.DatasetListRow, membership: Membership): DatasetSummary {
	return {
		id: row.id,
		name: row.name,
		description: row.description,
		itemCount: row.itemCount,
		answerCount: row.answerCount,
		systemCount: row.systemCount,
		currentRevision: row.currentRevision,
		latestRevisionAt: row.latestRevisionAt,
		createdAt: row.createdAt,
		updatedAt: row.updatedAt,
		results: can(membership, 'readResults')
			? { judgmentCount: row.judgmentCount, annotationCount: row.annotationCount }
			: null
	};
}

export async function listDatasets(db: Db, membership: Membership): Promise<DatasetSummary[]> {
	const rows = await browse.listDatasets(db, membership.projectId);
	return rows.map((r) => toSummary(r, membership));
}

export interface DatasetDetail extends DatasetSummary {
	/** `{ format, mapping }` of the last import, offered again by the import wizard. */
	fieldMapping: JsonObject | null;
	revisions: browse.RevisionRow[];
}

export async function requireDataset(db: Db, membership: Membership, datasetId: string): Promise<browse.DatasetRow> {
	const row = await browse.findDataset(db, membership.projectId, datasetId);
	if (!row) throw new AppError('NOT_FOUND', 'Dataset not found.');
	return row;
}

export async function getDataset(db: Db, membership: Membership, datasetId: string): Promise<DatasetDetail> {
	const row = await requireDataset(db, membership, datasetId);
	const revisions = await browse.listRevisions(db, datasetId);
	// The mapping may carry a fixed system name (one file per system): not for blind members.
	const fieldMapping = seesSystemNames(membership) ? row.fieldMapping : null;
	return { ...toSummary(row, membership), fieldMapping, revisions };
}

export interface SystemOption {
	id: string;
	name: string;
	/** Answers from this system in the dataset; null on large datasets (not counted). */
	answerCount: number | null;
}

// A dataset changes only by imports, and every import that adds anything makes a
// new revision: (dataset, revision) is a safe key for facts derived from its rows.
const systemsCache = new RevisionCache<SystemOption[]>(200);
const facetsCache = new RevisionCache<{ categories: browse.FacetRow[]; tags: browse.FacetRow[] }>(200);

/** The dataset's systems; none for a member who may not see systems (annotators, `seesSystemNames`). */
export async function listSystems(db: Db, membership: Membership, datasetId: string): Promise<SystemOption[]> {
	const dataset = await requireDataset(db, membership, datasetId);
	if (!seesSystemNames(membership)) return [];
	return systemsCache.get(dataset.id, dataset.currentRevision, async () => {
		if (dataset.answerCount > SYSTEM_COUNT_MAX_ANSWERS) {
			const names = await browse.listDatasetSystemNames(db, membership.projectId, dataset.id);
			return names.map((s) => ({ ...s, answerCount: null }));
		}
		return browse.listDatasetSystems(db, dataset.id);
	});
}

/**
 * Category and tag counts for the filter menus. Each facet counts the items that pass
 * every OTHER active filter (its own choice left out, so its other values stay
 * selectable with the counts they would give). Unfiltered counts are cached per revision.
 * The search is resolved by the caller (services/dataset-items.ts `listItemFacets`).
 */
export async function listFacets(db: Db, membership: Membership, filter: ItemFilter) {
	const dataset = await requireDataset(db, membership, filter.datasetId);
	const { category, tag, ...others } = { ...filter, datasetId: dataset.id };
	const unfiltered = others.search === undefined && others.systemId === undefined;
	if (unfiltered && category === undefined && tag === undefined) {
		return facetsCache.get(dataset.id, dataset.currentRevision, async () => {
			const [categories, tags] = await Promise.all([
				browse.listCategories(db, others, FACET_LIMIT),
				browse.listTags(db, others, FACET_LIMIT)
			]);
			return { categories, tags };
		});
	}
	const [categories, tags] = await Promise.all([
		browse.listCategories(db, { ...others, tag }, FACET_LIMIT),
		browse.listTags(db, { ...others, category }, FACET_LIMIT)
	]);
	return { categories, tags };
}
