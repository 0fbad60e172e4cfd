/**
 * The read side of datasets: what the dataset list, the items table and the
 * item view show. Every call is scoped by the caller's membership (a dataset
 * id from another project is NOT_FOUND). Judge output never appears here:
 * annotators read items through these functions and must stay blind, so even
 * the count of judgments and labels is shown only to roles that read results.
 */
import type { Db } from '../db/client';
import * as browse from '../db/repositories/dataset-browse';
import type { Membership } from '../db/repositories/members';
import type { ChatMessage, JsonObject } from '../db/schema';
import { AppError } from '../errors';

/** Filtered item counts stop here: counting every match of a broad search on 250k items is not worth the wait. */
export const COUNT_CAP = 10_000;
const FACET_LIMIT = 200;
const PREVIEW_CHARS = 200;

const canReadResults = (m: Membership) => m.role === 'admin' || m.role === 'viewer';

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
		results: canReadResults(membership) ? { judgmentCount: row.judgmentCount, annotationCount: row.annotationCount } : null
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

async function requireDataset(db: Db, membership: Membership, datasetId: string): Promise<browse.DatasetRow> {
	const row = await browse.findDataset(db, membership.projectId, datasetId);
	if (!row) throw new AppError('NOT_FOUND', 'Dataset not found.');
	return row;
}

export async function getDataset(db: Db, membership: Membership, datasetId: string): Promise<DatasetDetail> {
	const row = await requireDataset(db, membership, datasetId);
	const revisions = await browse.listRevisions(db, datasetId);
	return { ...toSummary(row, membership), fieldMapping: row.fieldMapping, revisions };
}

export async function listSystems(db: Db, membership: Membership, datasetId: string): Promise<browse.SystemCountRow[]> {
	await requireDataset(db, membership, datasetId);
	return browse.listDatasetSystems(db, datasetId);
}

export async function listFacets(db: Db, membership: Membership, datasetId: string) {
	await requireDataset(db, membership, datasetId);
	const [categories, tags] = await Promise.all([browse.listCategories(db, datasetId, FACET_LIMIT), browse.listTags(db, datasetId, FACET_LIMIT)]);
	return { categories, tags };
}

export interface ItemFilterInput {
	search?: string;
	systemId?: string;
	category?: string;
	tag?: string;
}

export interface ItemSummary {
	id: string;
	externalId: string;
	/** The first words of the prompt (or of the conversation's first message); null when the source has no text. */
	preview: string | null;
	turnCount: number;
	hasReference: boolean;
	category: string | null;
	tags: string[];
	answerCount: number;
}

export interface ItemPage {
	items: ItemSummary[];
	hasPrevious: boolean;
	hasNext: boolean;
	/** Matching items; when `totalCapped`, at least this many. */
	total: number;
	totalCapped: boolean;
}

function previewOf(row: browse.ItemListRow): string | null {
	const text = row.promptText ?? row.conversation?.find((m) => m.role === 'user')?.content ?? row.conversation?.[0]?.content ?? null;
	if (text === null) return null;
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS)}…` : flat;
}

function isFiltered(f: ItemFilterInput): boolean {
	return Boolean(f.search) || f.systemId !== undefined || f.category !== undefined || f.tag !== undefined;
}

export async function listItems(
	db: Db,
	membership: Membership,
	input: ItemFilterInput & { datasetId: string; after?: string; before?: string; limit: number }
): Promise<ItemPage> {
	const dataset = await requireDataset(db, membership, input.datasetId);
	const filter: browse.ItemFilter = { datasetId: dataset.id, search: input.search, systemId: input.systemId, category: input.category, tag: input.tag };
	const [page, counted] = await Promise.all([
		browse.listItems(db, { ...filter, after: input.after, before: input.before, limit: input.limit }),
		isFiltered(input) ? browse.countItems(db, filter, COUNT_CAP + 1) : Promise.resolve(dataset.itemCount)
	]);
	const backwards = input.before !== undefined;
	return {
		items: page.rows.map((r) => ({
			id: r.id,
			externalId: r.externalId,
			preview: previewOf(r),
			turnCount: r.turnCount,
			hasReference: r.hasReference,
			category: r.category,
			tags: r.tags,
			answerCount: r.answerCount
		})),
		hasPrevious: backwards ? page.more : input.after !== undefined,
		hasNext: backwards ? true : page.more,
		total: Math.min(counted, isFiltered(input) ? COUNT_CAP : counted),
		totalCapped: isFiltered(input) && counted > COUNT_CAP
	};
}

export type PromptView =
	| { kind: 'text'; text: string }
	| { kind: 'conversation'; messages: ChatMessage[] }
	| { kind: 'unavailable' };

export type ReferenceView = { kind: 'text'; text: string } | { kind: 'turns'; turns: string[] } | null;

export interface AnswerView {
	id: string;
	systemId: string;
	systemName: string;
	available: boolean;
	/** A single response, or null when the answer has one response per user turn. */
	content: string | null;
	turns: string[] | null;
	charCount: number;
	approxTokens: number;
	metadata: JsonObject;
	revision: number;
}

export interface ItemView {
	id: string;
	datasetId: string;
	datasetName: string;
	externalId: string;
	prompt: PromptView;
	turnCount: number;
	reference: ReferenceView;
	category: string | null;
	tags: string[];
	metadata: JsonObject;
	contentHash: string;
	revision: number;
	answers: AnswerView[];
	/** Neighbours in list order under the same filters, for previous/next navigation. */
	previousId: string | null;
	nextId: string | null;
}

export async function getItem(db: Db, membership: Membership, input: ItemFilterInput & { datasetId: string; itemId: string }): Promise<ItemView> {
	const dataset = await requireDataset(db, membership, input.datasetId);
	const item = await browse.findItem(db, dataset.id, input.itemId);
	if (!item) throw new AppError('NOT_FOUND', 'Item not found.');
	const filter: browse.ItemFilter = { datasetId: dataset.id, search: input.search, systemId: input.systemId, category: input.category, tag: input.tag };
	const [answers, neighbours] = await Promise.all([browse.listItemAnswers(db, item.id), browse.findNeighbours(db, filter, item.externalId)]);
	const prompt: PromptView = !item.promptAvailable
		? { kind: 'unavailable' }
		: item.conversation
			? { kind: 'conversation', messages: item.conversation }
			: { kind: 'text', text: item.promptText ?? '' };
	const reference: ReferenceView =
		item.referenceText !== null ? { kind: 'text', text: item.referenceText } : item.referenceTurns ? { kind: 'turns', turns: item.referenceTurns } : null;
	return {
		id: item.id,
		datasetId: dataset.id,
		datasetName: dataset.name,
		externalId: item.externalId,
		prompt,
		turnCount: item.turnCount,
		reference,
		category: item.category,
		tags: item.tags,
		metadata: item.metadata,
		contentHash: item.contentHash,
		revision: item.revision,
		answers: answers.map((a) => ({ ...a })),
		previousId: neighbours.previousId,
		nextId: neighbours.nextId
	};
}
