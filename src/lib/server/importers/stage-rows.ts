/**
 * Normalized records → rows of the import's staging table, as COPY text.
 * The columns and their order belong to the staging table (db/repositories/import-staging.ts).
 * Long-format files repeat an item on every row; a small LRU of recently seen
 * identical items avoids staging the same prompt thousands of times (a repeat
 * with different content is still staged, so the database check reports it).
 */
import { sha256Hex } from './hashing';
import type { NormalizedRecord } from './normalized';
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
	private recent = new Map<string, string>();
	readonly systems = new Set<string>();

	constructor(private readonly lruSize = 4096) {}

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
		const line = String(rec.line);
		const idField = copyText(rec.idField);
		const hasOtherRows = rec.answers.length + rec.references.length + rec.judgments.length + rec.annotations.length > 0;
		const it = rec.item;
		if (it && !(hasOtherRows && this.seenSame(it.externalId, it.contentHash, it.referenceText, it.referenceTurns))) {
			out += row({
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
		}
		for (const a of rec.answers) {
			this.systems.add(a.system);
			out += row({
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
		return out;
	}

	private seenSame(id: string, hash: string, refText: string | null, refTurns: string[] | null): boolean {
		// Hash the reference too: the LRU must stay small whatever the texts' size.
		const sig =
			refText === null && refTurns === null ? hash : `${hash}:${sha256Hex(refText ?? JSON.stringify(refTurns))}`;
		const prev = this.recent.get(id);
		if (prev === sig) return true;
		this.recent.delete(id);
		this.recent.set(id, sig);
		if (this.recent.size > this.lruSize) this.recent.delete(this.recent.keys().next().value as string);
		return false;
	}
}
