/**
 * Normalized records → rows of the import's staging table, as COPY text.
 * The columns and their order belong to the staging table (db/repositories/import-staging.ts).
 * Long-format and vote files repeat an item (and vote files both answers) on every line:
 * a bounded set of fingerprints of the rows staged so far (seen-rows.ts) stages each
 * identical item or answer once. A repeat with different content is still staged, so the
 * database check reports it, and a record always stages at least one row, which carries
 * its duplicate-check key.
 */
import { sha256Hex } from './hashing';
import type { NormalizedRecord } from './normalized';
import { SeenRows } from './seen-rows';
import { copyText, copyTextArray } from '../db/bulk/copy-from';
import { STAGE_COLUMNS, type StageColumn } from '../db/repositories/import-staging';

type Col = StageColumn;
const INDEX = Object.fromEntries(STAGE_COLUMNS.map((c, i) => [c, i])) as Record<Col, number>;
const N = '\\N';

function row(values: Partial<Record<Col, string>>): string {
	const cells = new Array<string>(STAGE_COLUMNS.length).fill(N);
	for (const k in values) cells[INDEX[k as Col]] = values[k as Col]!;
	return cells.join('\t') + '\n';
}

/**
 * What a record says, without where it says it: two lines with the same hash are the same row
 * repeated (skipped); the same key with another hash is a conflict.
 */
export function recordHash(rec: NormalizedRecord): string {
	return sha256Hex(JSON.stringify({ ...rec, line: 0 }));
}

const bool = (b: boolean) => (b ? 't' : 'f');
const json = (v: unknown) => copyText(v === null || v === undefined ? null : JSON.stringify(v));
const num = (n: number | null) => (n === null ? N : String(n));

export class StageEncoder {
	private readonly seen: SeenRows;
	readonly systems = new Set<string>();

	constructor(maxRemembered?: number) {
		this.seen = new SeenRows(maxRemembered);
	}

	/** True while no answer was staged twice (the merge then needs no de-duplication of answers). */
	get answersStagedOnce(): boolean {
		return !this.seen.overflowed && !this.answerRestaged;
	}
	private answerRestaged = false;

	/** COPY text for one record (several staging rows). */
	encode(rec: NormalizedRecord): string {
		let out = '';
		let keyCols: Partial<Record<Col, string>> = rec.key
			? {
					dup_key: copyText(rec.key.value),
					dup_field: copyText(rec.key.field),
					dup_label: copyText(rec.key.label),
					dup_hash: recordHash(rec)
				}
			: {};
		// The first staged row of a record carries its duplicate-check key.
		const take = () => {
			const k = keyCols;
			keyCols = {};
			return k;
		};
		// A repeated item or answer, skipped unless the record would stage nothing else.
		let skipped: (() => string) | null = null;
		const line = String(rec.line);
		const idField = copyText(rec.idField);
		const hasOtherRows = rec.answers.length + rec.references.length + rec.judgments.length + rec.annotations.length > 0;
		const it = rec.item;
		if (it) {
			const itemRow = () =>
				row({
					kind: 'i',
					line,
					...take(),
					id_field: idField,
					src_field: copyText(rec.promptField),
					item_key: copyText(it.externalId),
					hash: it.contentHash,
					prompt_text: copyText(it.promptText),
					conversation: json(it.conversation),
					prompt_available: bool(it.promptAvailable),
					turn_count: String(it.turnCount),
					ref_text: copyText(it.referenceText),
					ref_turns: json(it.referenceTurns),
					category: copyText(it.category),
					tags: copyTextArray(it.tags),
					metadata: json(it.metadata)
				});
			// A line that is only an item keeps its row: its key is what the duplicate check compares.
			if (hasOtherRows && this.seenItem(it.externalId, it.contentHash, it.referenceText, it.referenceTurns))
				skipped = itemRow;
			else out += itemRow();
		}
		for (const a of rec.answers) {
			this.systems.add(a.system);
			const answerRow = () =>
				row({
					kind: 'a',
					line,
					...take(),
					id_field: idField,
					src_field: copyText(a.field),
					item_key: copyText(a.itemExternalId),
					sys_a: copyText(a.system),
					hash: a.contentHash,
					content: copyText(a.content),
					turns: json(a.turns),
					available: bool(a.available),
					per_turn: bool(a.perTurn),
					metadata: json(a.metadata),
					char_count: String(a.charCount),
					approx_tokens: String(a.approxTokens)
				});
			// Content decides, as in the checks: of two lines with the same text the first one's
			// metadata and per-turn flag are kept (as with items).
			if (this.seen.seen(`a\u0000${a.itemExternalId}\u0000${a.system}\u0000${a.contentHash}`))
				skipped ??= () => {
					this.answerRestaged = true;
					return answerRow();
				};
			else out += answerRow();
		}
		for (const r of rec.references) {
			out += row({
				kind: 'r',
				line,
				...take(),
				id_field: idField,
				src_field: copyText(r.field),
				item_key: copyText(r.itemExternalId),
				ref_text: copyText(r.referenceText),
				ref_turns: json(r.referenceTurns)
			});
		}
		for (const j of rec.judgments) {
			out += row({
				kind: 'j',
				line,
				...take(),
				id_field: idField,
				src_field: copyText(j.field),
				item_key: copyText(j.itemExternalId),
				sys_a: copyText(j.systemA),
				sys_b: copyText(j.systemB),
				run_name: copyText(j.run.name),
				run_model: copyText(j.run.model),
				run_mode: j.run.mode,
				presented_order: copyText(j.order),
				sample: num(j.sample),
				verdict: copyText(j.verdict),
				score: num(j.score),
				preference: num(j.preference),
				raw: json(j.raw ?? null)
			});
		}
		for (const n of rec.annotations) {
			out += row({
				kind: 'n',
				line,
				...take(),
				id_field: idField,
				src_field: copyText(n.field),
				item_key: copyText(n.itemExternalId),
				sys_a: copyText(n.systemA),
				sys_b: copyText(n.systemB),
				presented_order: copyText(n.order),
				annotator: copyText(n.annotator),
				external_key: copyText(n.externalKey),
				verdict: copyText(n.verdict),
				score: num(n.score),
				metadata: json(n.metadata)
			});
		}
		// Every row was a repeat: stage one anyway, for the record's key.
		if (out === '' && skipped) out = skipped();
		return out;
	}

	private seenItem(id: string, hash: string, refText: string | null, refTurns: string[] | null): boolean {
		// The reference is compared on its own (hashing.ts): it is part of what makes a repeat identical.
		const ref = refText === null && refTurns === null ? '' : sha256Hex(refText ?? JSON.stringify(refTurns));
		return this.seen.seen(`i\u0000${id}\u0000${hash}\u0000${ref}`);
	}
}
