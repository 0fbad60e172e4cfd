/**
 * Normalized records → rows of the import's staging table, as COPY text.
 * The columns and their order belong to the staging table (db/repositories/import-staging.ts).
 * Long-format and vote files repeat an item (and vote files both answers) on every line:
 * a bounded set of fingerprints of the rows staged so far (seen-rows.ts) stages each
 * identical item or answer once. A repeat with different content is still staged, so the
 * database check reports it, and a record always stages at least one row, which carries
 * its duplicate-check key. Two more such sets (record keys; verdict and label identities) tell
 * the check step whether anything can be repeated at all (keysRepeated, votesRepeated): three
 * sets of at most 12 MiB each.
 */
import { sha256Hex } from './hashing';
import type { AnswerRecord, ItemRecord, NormalizedRecord } from './normalized';
import { SeenRows } from './seen-rows';
import { copyText, copyTextArray } from '../db/bulk/copy-from';
import { STAGE_COLUMNS, type StageColumn } from '../db/repositories/import-staging';

type Col = StageColumn;
const INDEX = Object.fromEntries(STAGE_COLUMNS.map((c, i) => [c, i])) as Record<Col, number>;
const N = '\\N';

/**
 * A row builder for one kind of staged row: `cols` are the columns it fills, and the row
 * function takes their values in that order (every other column is NULL). Built once per
 * kind, so a row is one pass over the staging columns: no object per row (the encoder runs
 * for every line of a file, and building each row from an object of its values cost more
 * than parsing the line).
 */
function rowOf(cols: readonly Col[]): (values: readonly string[]) => string {
	const from = new Int16Array(STAGE_COLUMNS.length).fill(-1);
	cols.forEach((c, i) => (from[INDEX[c]] = i));
	return (values) => {
		let out = from[0] < 0 ? N : values[from[0]];
		for (let i = 1; i < from.length; i++) out += '\t' + (from[i] < 0 ? N : values[from[i]]);
		return out + '\n';
	};
}

/** Every row starts with these: its kind, its line, and the record's duplicate-check key (on the first row only). */
const HEAD = [
	'kind',
	'line',
	'dup_key',
	'dup_field',
	'dup_label',
	'dup_hash',
	'id_field',
	'src_field',
	'item_key'
] as const;
const NO_KEY = [N, N, N, N] as const;

const ITEM_ROW = rowOf([
	...HEAD,
	'hash',
	'prompt_text',
	'conversation',
	'prompt_available',
	'turn_count',
	'ref_text',
	'ref_turns',
	'category',
	'tags',
	'metadata'
]);
const ANSWER_ROW = rowOf([
	...HEAD,
	'sys_a',
	'hash',
	'content',
	'turns',
	'available',
	'per_turn',
	'metadata',
	'char_count',
	'approx_tokens'
]);
const REFERENCE_ROW = rowOf([...HEAD, 'ref_text', 'ref_turns']);
const JUDGMENT_ROW = rowOf([
	...HEAD,
	'sys_a',
	'sys_b',
	'run_name',
	'run_model',
	'run_mode',
	'presented_order',
	'sample',
	'verdict',
	'score',
	'preference',
	'raw'
]);
const ANNOTATION_ROW = rowOf([
	...HEAD,
	'sys_a',
	'sys_b',
	'presented_order',
	'annotator',
	'external_key',
	'verdict',
	'score',
	'metadata'
]);

/**
 * What a record says, without where it says it: two lines with the same hash are the same row
 * repeated (skipped); the same key with another hash is a conflict.
 * (The JSON of the record with line 0: the line is set to 0 for the call rather than the
 * record copied, which cost as much as the digest.)
 */
export function recordHash(rec: NormalizedRecord): string {
	const line = rec.line;
	rec.line = 0;
	try {
		return sha256Hex(JSON.stringify(rec));
	} finally {
		rec.line = line;
	}
}

const bool = (b: boolean) => (b ? 't' : 'f');
const json = (v: unknown) => copyText(v === null || v === undefined ? null : JSON.stringify(v));
const num = (n: number | null) => (n === null ? N : String(n));

export class StageEncoder {
	private readonly seen: SeenRows;
	/** Fingerprints of the record keys staged so far (see keysRepeated). */
	private readonly keys: SeenRows;
	private keyRepeated = false;
	/** Fingerprints of the verdicts' and labels' identities (see votesRepeated). */
	private readonly votes: SeenRows;
	private voteRepeated = false;
	readonly systems = new Set<string>();

	constructor(maxRemembered?: number) {
		this.seen = new SeenRows(maxRemembered);
		this.keys = new SeenRows(maxRemembered);
		this.votes = new SeenRows(maxRemembered);
	}

	/** True while no answer was staged twice (the merge then needs no de-duplication of answers). */
	get answersStagedOnce(): boolean {
		return !this.seen.overflowed && !this.answerRestaged;
	}
	private answerRestaged = false;

	/**
	 * False when no record key was staged twice (a fingerprint set never misses a repeat, and
	 * it is exact until it fills up): then there is no repeated record to skip or report, and
	 * the check step skips the statements that look for them.
	 */
	get keysRepeated(): boolean {
		return this.keyRepeated || this.keys.overflowed;
	}

	/**
	 * False when no two verdicts name the same judge run, item, answers and order, and no two
	 * labels the same item, answers, annotator and key (exact in the same way): then no verdict
	 * needs a sample number and none can be a duplicate. A null and an empty name count as the
	 * same here, which can only make this true without need (the checks then run, as always).
	 */
	get votesRepeated(): boolean {
		return this.voteRepeated || this.votes.overflowed;
	}

	// The record being encoded: its line, id field, and its key until the first row takes it.
	private line = '';
	private idField = '';
	private key: readonly string[] = NO_KEY;

	/** COPY text for one record (several staging rows). */
	encode(rec: NormalizedRecord): string {
		let out = '';
		this.line = String(rec.line);
		this.idField = copyText(rec.idField);
		this.key = NO_KEY;
		if (rec.key) {
			this.key = [copyText(rec.key.value), copyText(rec.key.field), copyText(rec.key.label), recordHash(rec)];
			if (this.keys.seen(rec.key.value)) this.keyRepeated = true;
		}
		// A repeated item or answer, skipped unless the record would stage nothing else.
		let skipped: ItemRecord | AnswerRecord | null = null;
		const hasOtherRows = rec.answers.length + rec.references.length + rec.judgments.length + rec.annotations.length > 0;
		const it = rec.item;
		if (it) {
			// A line that is only an item keeps its row: its key is what the duplicate check compares.
			if (hasOtherRows && this.seenItem(it.externalId, it.contentHash, it.referenceText, it.referenceTurns))
				skipped = it;
			else out += this.itemRow(rec, it);
		}
		for (const a of rec.answers) {
			this.systems.add(a.system);
			// Content decides, as in the checks: of two lines with the same text the first one's
			// metadata and per-turn flag are kept (as with items).
			if (this.seen.seen(`a\u0000${a.itemExternalId}\u0000${a.system}\u0000${a.contentHash}`)) skipped ??= a;
			else out += this.answerRow(a);
		}
		for (const r of rec.references) {
			const v = this.head('r', r.field, r.itemExternalId);
			v.push(copyText(r.referenceText), json(r.referenceTurns));
			out += REFERENCE_ROW(v);
		}
		for (const j of rec.judgments) {
			if (
				this.votes.seen(
					`j\u0000${j.run.name}\u0000${j.run.mode}\u0000${j.itemExternalId}\u0000${j.systemA}\u0000${j.systemB ?? ''}\u0000${j.order ?? ''}`
				)
			)
				this.voteRepeated = true;
			const v = this.head('j', j.field, j.itemExternalId);
			v.push(
				copyText(j.systemA),
				copyText(j.systemB),
				copyText(j.run.name),
				copyText(j.run.model),
				j.run.mode,
				copyText(j.order),
				num(j.sample),
				copyText(j.verdict),
				num(j.score),
				num(j.preference),
				json(j.raw ?? null)
			);
			out += JUDGMENT_ROW(v);
		}
		for (const n of rec.annotations) {
			if (
				this.votes.seen(
					`n\u0000${n.itemExternalId}\u0000${n.systemA}\u0000${n.systemB ?? ''}\u0000${n.annotator}\u0000${n.externalKey}`
				)
			)
				this.voteRepeated = true;
			const v = this.head('n', n.field, n.itemExternalId);
			v.push(
				copyText(n.systemA),
				copyText(n.systemB),
				copyText(n.order),
				copyText(n.annotator),
				copyText(n.externalKey),
				copyText(n.verdict),
				num(n.score),
				json(n.metadata)
			);
			out += ANNOTATION_ROW(v);
		}
		// Every row was a repeat: stage one anyway, for the record's key.
		if (out === '' && skipped) {
			if (skipped === it) out = this.itemRow(rec, it);
			else {
				this.answerRestaged = true;
				out = this.answerRow(skipped as AnswerRecord);
			}
		}
		return out;
	}

	/** The HEAD values of a row; the record's key goes on its first row only. */
	private head(kind: string, srcField: string, itemKey: string): string[] {
		const k = this.key;
		this.key = NO_KEY;
		return [kind, this.line, k[0], k[1], k[2], k[3], this.idField, copyText(srcField), copyText(itemKey)];
	}

	private itemRow(rec: NormalizedRecord, it: ItemRecord): string {
		const v = this.head('i', rec.promptField, it.externalId);
		v.push(
			it.contentHash,
			copyText(it.promptText),
			json(it.conversation),
			bool(it.promptAvailable),
			String(it.turnCount),
			copyText(it.referenceText),
			json(it.referenceTurns),
			copyText(it.category),
			copyTextArray(it.tags),
			json(it.metadata)
		);
		return ITEM_ROW(v);
	}

	private answerRow(a: AnswerRecord): string {
		const v = this.head('a', a.field, a.itemExternalId);
		v.push(
			copyText(a.system),
			a.contentHash,
			copyText(a.content),
			json(a.turns),
			bool(a.available),
			bool(a.perTurn),
			json(a.metadata),
			String(a.charCount),
			String(a.approxTokens)
		);
		return ANSWER_ROW(v);
	}

	private seenItem(id: string, hash: string, refText: string | null, refTurns: string[] | null): boolean {
		// The reference is compared on its own (hashing.ts): it is part of what makes a repeat identical.
		const ref = refText === null && refTurns === null ? '' : sha256Hex(refText ?? JSON.stringify(refTurns));
		return this.seen.seen(`i\u0000${id}\u0000${hash}\u0000${ref}`);
	}
}
