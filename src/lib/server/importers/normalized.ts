/**
 * The normalized shape every format adapter produces: what Concord will store,
 * independent of the source format. The writer only ever sees these.
 */
import type { ChatMessage, JsonObject, PresentedOrder, Verdict } from '../db/schema';
import { canonicalJson, sha256Hex } from './hashing';
import { measureText, measureTexts } from './text-metrics';

export interface ItemRecord {
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
}

export interface AnswerRecord {
	itemExternalId: string;
	/** Source field of the answer text, for errors. */
	field: string;
	system: string;
	content: string | null;
	turns: string[] | null;
	/**
	 * The source gives one response per user turn (MT-Bench, or an array in JSON): the count must
	 * match the item's turns. A single text answers the conversation's last message.
	 */
	perTurn: boolean;
	available: boolean;
	metadata: JsonObject;
	contentHash: string;
	charCount: number;
	approxTokens: number;
}

/** A reference answer for an item defined elsewhere (MT-Bench reference files). */
export interface ReferenceRecord {
	itemExternalId: string;
	field: string;
	referenceText: string | null;
	referenceTurns: string[] | null;
}

export interface JudgeRunRef {
	name: string;
	model: string | null;
	mode: 'pairwise' | 'pointwise';
}

export interface JudgmentRecord {
	itemExternalId: string;
	field: string;
	run: JudgeRunRef;
	systemA: string;
	systemB: string | null;
	order: PresentedOrder | null;
	/** Explicit sample index; null: the k-th repeat of the same key in the file gets sample k. */
	sample: number | null;
	verdict: Verdict | null;
	score: number | null;
	/** Soft preference for answer B in [0, 1]. */
	preference: number | null;
	raw: unknown;
}

export interface AnnotationRecord {
	itemExternalId: string;
	field: string;
	systemA: string;
	systemB: string | null;
	order: PresentedOrder | null;
	annotator: string;
	externalKey: string;
	verdict: Verdict | null;
	score: number | null;
	metadata: JsonObject;
}

export interface RecordKey {
	/** Identity of the record within the file; a repeat is a "duplicate id" error. */
	value: string;
	/** Field(s) named in the error. */
	field: string;
	label: string;
}

export interface NormalizedRecord {
	line: number;
	key: RecordKey | null;
	/** Source field names used in errors found later by the database checks. */
	idField: string;
	promptField: string;
	item: ItemRecord | null;
	answers: AnswerRecord[];
	references: ReferenceRecord[];
	judgments: JudgmentRecord[];
	annotations: AnnotationRecord[];
}

export function emptyRecord(
	line: number,
	key: RecordKey | null,
	fields: { idField: string; promptField: string }
): NormalizedRecord {
	return { line, key, ...fields, item: null, answers: [], references: [], judgments: [], annotations: [] };
}

export interface ItemInput {
	externalId: string;
	/** One text, a conversation, or null when the source has no text. */
	prompt: string | ChatMessage[] | null;
	reference?: string | string[] | null;
	category?: string | null;
	tags?: string[];
	metadata?: JsonObject;
}

function splitTurns(value: string | string[] | null | undefined): { text: string | null; turns: string[] | null } {
	if (value == null) return { text: null, turns: null };
	if (typeof value === 'string') return { text: value, turns: null };
	return value.length === 1 ? { text: value[0], turns: null } : { text: null, turns: value };
}

/** The hash of every item without text, category or tags (vote files name thousands of them). */
const BARE_ITEM_HASH = sha256Hex(canonicalJson({ p: null, c: null, t: [] }));
const UNAVAILABLE_HASH = sha256Hex('unavailable');

export function makeItem(input: ItemInput): ItemRecord {
	const conversation = Array.isArray(input.prompt) ? input.prompt : null;
	const promptText = typeof input.prompt === 'string' ? input.prompt : null;
	const ref = splitTurns(input.reference);
	const tags = input.tags ?? [];
	const category = input.category ?? null;
	return {
		externalId: input.externalId,
		promptText,
		conversation,
		promptAvailable: input.prompt !== null,
		turnCount: conversation ? Math.max(1, conversation.filter((m) => m.role === 'user').length) : 1,
		referenceText: ref.text,
		referenceTurns: ref.turns,
		category,
		tags,
		metadata: input.metadata ?? {},
		contentHash:
			input.prompt === null && category === null && tags.length === 0
				? BARE_ITEM_HASH
				: sha256Hex(canonicalJson({ p: promptText ?? conversation, c: category, t: tags }))
	};
}

export function makeReference(itemExternalId: string, reference: string | string[], field: string): ReferenceRecord {
	const ref = splitTurns(reference);
	return { itemExternalId, field, referenceText: ref.text, referenceTurns: ref.turns };
}

export interface AnswerInput {
	itemExternalId: string;
	field: string;
	system: string;
	/** One text, one response per user turn, or null when the source has no text. */
	content: string | string[] | null;
	metadata?: JsonObject;
}

export function makeAnswer(input: AnswerInput): AnswerRecord {
	const { text, turns } = splitTurns(input.content);
	const metrics = text !== null ? measureText(text) : turns ? measureTexts(turns) : { charCount: 0, approxTokens: 0 };
	const contentHash =
		text !== null
			? sha256Hex(`c\u0000${text}`)
			: turns
				? sha256Hex(`t\u0000${JSON.stringify(turns)}`)
				: UNAVAILABLE_HASH;
	return {
		itemExternalId: input.itemExternalId,
		field: input.field,
		system: input.system,
		content: text,
		turns,
		perTurn: Array.isArray(input.content),
		available: input.content !== null,
		metadata: input.metadata ?? {},
		contentHash,
		...metrics
	};
}
