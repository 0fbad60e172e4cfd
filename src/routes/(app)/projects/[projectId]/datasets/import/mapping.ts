/**
 * The generic CSV / JSON Lines field mapping as the wizard edits it, and its
 * conversion to the mapping the importer takes (see
 * lib/server/importers/formats/generic.ts for the meaning of every field).
 * The form keeps "which kind of answers" explicit — none, long (one row per
 * item × system) or wide (one column per system) — which the importer infers
 * from which keys are set.
 */
export type AnswerMode = 'none' | 'long' | 'wide';

export interface MappingDraft {
	externalId: string;
	promptKind: 'prompt' | 'conversation';
	promptColumn: string;
	reference: string;
	category: string;
	tags: string;
	answerMode: AnswerMode;
	answer: string;
	/** Long format: the column naming the system, or '' to use `systemName`. */
	system: string;
	systemName: string;
	/** Wide format: column → system name, for the checked columns. */
	answerColumns: Record<string, string>;
	itemMetadata: string[];
	answerMetadata: string[];
}

export function isGenericFormat(format: string | null | undefined): boolean {
	return format === 'csv' || format === 'jsonl';
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const strList = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** A mapping from the server (suggested or remembered) as an editable draft. */
export function draftFromMapping(raw: unknown): MappingDraft {
	const m = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
	const wide =
		m.answerColumns && typeof m.answerColumns === 'object' ? (m.answerColumns as Record<string, unknown>) : {};
	const answerColumns = Object.fromEntries(Object.entries(wide).filter(([, v]) => typeof v === 'string')) as Record<
		string,
		string
	>;
	const conversation = str(m.conversation);
	return {
		externalId: str(m.externalId),
		promptKind: conversation ? 'conversation' : 'prompt',
		promptColumn: conversation || str(m.prompt),
		reference: str(m.reference),
		category: str(m.category),
		tags: str(m.tags),
		answerMode: str(m.answer) ? 'long' : Object.keys(answerColumns).length > 0 ? 'wide' : 'none',
		answer: str(m.answer),
		system: str(m.system),
		systemName: str(m.systemName),
		answerColumns,
		itemMetadata: strList(m.itemMetadata),
		answerMetadata: strList(m.answerMetadata)
	};
}

/** The draft as the importer's mapping: unused keys are left out rather than sent empty. */
export function mappingFromDraft(d: MappingDraft): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	const set = (key: string, value: string) => {
		if (value.trim()) out[key] = value.trim();
	};
	set('externalId', d.externalId);
	set(d.promptKind, d.promptColumn);
	set('reference', d.reference);
	set('category', d.category);
	set('tags', d.tags);
	if (d.answerMode === 'long') {
		set('answer', d.answer);
		if (d.system) set('system', d.system);
		else set('systemName', d.systemName);
	} else if (d.answerMode === 'wide') {
		const cols = Object.entries(d.answerColumns).filter(([col, name]) => col && name.trim());
		if (cols.length > 0) out.answerColumns = Object.fromEntries(cols.map(([col, name]) => [col, name.trim()]));
	}
	// A column given a role above is no longer copied into metadata as well.
	const used = usedColumns(d);
	out.itemMetadata = d.itemMetadata.filter((c) => !used.has(c));
	out.answerMetadata = d.answerMetadata.filter((c) => !used.has(c));
	return out;
}

/** Columns the draft already uses for something other than metadata. */
export function usedColumns(d: MappingDraft): Set<string> {
	const used = [d.externalId, d.promptColumn, d.reference, d.category, d.tags];
	if (d.answerMode === 'long') used.push(d.answer, d.system);
	if (d.answerMode === 'wide') used.push(...Object.keys(d.answerColumns));
	return new Set(used.filter(Boolean));
}
