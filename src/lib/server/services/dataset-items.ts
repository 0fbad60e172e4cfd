/**
 * The read side of datasets, item level: the items table (keyset pages,
 * search, filters, capped counts) and the item view (prompt or conversation,
 * reference, every candidate answer with its lengths, previous/next). No judge
 * output here: annotators read items through these functions, and they see answers without
 * their systems (`seesSystemNames`, auth/policy.ts): no names, ids or answer metadata, in an
 * order drawn per item, and no filter by system.
 */
import { createHash } from 'node:crypto';
import { seesSystemNames } from '../auth/policy';
import type { Db } from '../db/client';
import { resolveSearch, SEARCH_CANDIDATE_CAP, type ResolvedSearch } from '../db/repositories/dataset-item-search';
import * as items from '../db/repositories/dataset-items';
import type { Membership } from '../db/repositories/members';
import type { ChatMessage } from '../db/schema';
import { jsonEntries, type JsonEntry } from '../../json-entries';
import { AppError } from '../errors';
import { listFacets, requireDataset } from './dataset-browse';

/** Filtered counts stop here: counting every match on 250k items is not worth the wait. */
export const COUNT_CAP = 10_000;
const PREVIEW_CHARS = 200;

export interface ItemFilterInput {
	search?: string;
	systemId?: string;
	category?: string;
	tag?: string;
}

export interface ItemSummary {
	id: string;
	externalId: string;
	/** The first words of the prompt (or of the conversation's first user message); null when the source has no text. */
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
	/** Matching items; when `totalCapped`, at least this many; null when not counted (a search under 3 characters). */
	total: number | null;
	totalCapped: boolean;
}

function previewOf(row: items.ItemListRow): string | null {
	const text =
		row.promptText ??
		row.conversation?.find((m) => m.role === 'user')?.content ??
		row.conversation?.[0]?.content ??
		null;
	if (text === null) return null;
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS)}…` : flat;
}

async function buildFilter(
	db: Db,
	membership: Membership,
	datasetId: string,
	f: ItemFilterInput
): Promise<items.ItemFilter> {
	const search: ResolvedSearch | undefined = f.search ? await resolveSearch(db, datasetId, f.search) : undefined;
	// A blind member filtering by system would learn which items a system answered: ignored.
	const systemId = seesSystemNames(membership) ? f.systemId : undefined;
	return { datasetId, search, systemId, category: f.category, tag: f.tag };
}

async function countMatches(
	db: Db,
	filter: items.ItemFilter,
	unfiltered: number
): Promise<{ total: number | null; totalCapped: boolean }> {
	if (!filter.search && filter.systemId === undefined && filter.category === undefined && filter.tag === undefined)
		return { total: unfiltered, totalCapped: false };
	// A broad search matched more than the candidate cap: that is all we know without a full scan.
	if (filter.search?.kind === 'broad') return { total: SEARCH_CANDIDATE_CAP, totalCapped: true };
	// Counting a search without index support would scan every item and answer.
	if (filter.search?.kind === 'short') return { total: null, totalCapped: false };
	const n = await items.countItems(db, filter, COUNT_CAP + 1);
	return { total: Math.min(n, COUNT_CAP), totalCapped: n > COUNT_CAP };
}

/**
 * Category and tag counts under the other active filters. A search without index support
 * (under 3 characters, or broader than the candidate cap) would scan every item and answer
 * for the counts, so then the counts follow the other filters only.
 */
export async function listItemFacets(db: Db, membership: Membership, input: ItemFilterInput & { datasetId: string }) {
	const dataset = await requireDataset(db, membership, input.datasetId);
	const filter = await buildFilter(db, membership, dataset.id, input);
	if (filter.search && filter.search.kind !== 'ids') filter.search = undefined;
	return listFacets(db, membership, filter);
}

export async function listItems(
	db: Db,
	membership: Membership,
	input: ItemFilterInput & { datasetId: string; after?: string; before?: string; limit: number }
): Promise<ItemPage> {
	const dataset = await requireDataset(db, membership, input.datasetId);
	const filter = await buildFilter(db, membership, dataset.id, input);
	const [page, count] = await Promise.all([
		items.listItems(db, { ...filter, after: input.after, before: input.before, limit: input.limit }),
		countMatches(db, filter, dataset.itemCount)
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
		...count
	};
}

export type PromptView =
	{ kind: 'text'; text: string } | { kind: 'conversation'; messages: ChatMessage[] } | { kind: 'unavailable' };

export type ReferenceView = { kind: 'text'; text: string } | { kind: 'turns'; turns: string[] } | null;

export interface AnswerView {
	id: string;
	/** Null for a member who may not see systems (annotators): the page says "Answer n" instead. */
	systemId: string | null;
	systemName: string | null;
	available: boolean;
	/** A single response, or null when the answer has one response per user turn. */
	content: string | null;
	turns: string[] | null;
	charCount: number;
	approxTokens: number;
	metadata: JsonEntry[];
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
	/** Entries, not an object: imported keys may be "__proto__" or "constructor" (see lib/json-entries.ts). */
	metadata: JsonEntry[];
	contentHash: string;
	revision: number;
	answers: AnswerView[];
	/** Neighbours in list order under the same filters, for previous/next navigation. */
	previousId: string | null;
	nextId: string | null;
}

/**
 * Answers as a blind member sees them: no system, no metadata (it may name the model), ordered
 * by a hash of item and answer id. The order is the same on every visit to the item, and it is
 * not the systems' name order, so "Answer 1" does not stand for the same system on every item.
 */
export function blindAnswers(itemId: string, answers: items.AnswerRow[]): AnswerView[] {
	const rank = (id: string) => createHash('sha256').update(`${itemId}:${id}`).digest('hex');
	return answers
		.map((a) => ({ a, r: rank(a.id) }))
		.sort((x, y) => (x.r < y.r ? -1 : x.r > y.r ? 1 : 0))
		.map(({ a }) => ({ ...a, systemId: null, systemName: null, metadata: [] }));
}

export async function getItem(
	db: Db,
	membership: Membership,
	input: ItemFilterInput & { datasetId: string; itemId: string }
): Promise<ItemView> {
	const dataset = await requireDataset(db, membership, input.datasetId);
	const item = await items.findItem(db, dataset.id, input.itemId);
	if (!item) throw new AppError('NOT_FOUND', 'Item not found.');
	const filter = await buildFilter(db, membership, dataset.id, input);
	const [answers, neighbours] = await Promise.all([
		items.listItemAnswers(db, item.id),
		items.findNeighbours(db, filter, item.externalId)
	]);
	const prompt: PromptView = !item.promptAvailable
		? { kind: 'unavailable' }
		: item.conversation
			? { kind: 'conversation', messages: item.conversation }
			: { kind: 'text', text: item.promptText ?? '' };
	const reference: ReferenceView =
		item.referenceText !== null
			? { kind: 'text', text: item.referenceText }
			: item.referenceTurns
				? { kind: 'turns', turns: item.referenceTurns }
				: null;
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
		metadata: jsonEntries(item.metadata),
		contentHash: item.contentHash,
		revision: item.revision,
		answers: seesSystemNames(membership)
			? answers.map((a) => ({ ...a, metadata: jsonEntries(a.metadata) }))
			: blindAnswers(item.id, answers),
		previousId: neighbours.previousId,
		nextId: neighbours.nextId
	};
}
