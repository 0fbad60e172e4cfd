/**
 * Generic CSV / JSON Lines with a field mapping chosen in the UI (and remembered
 * per dataset). The mapping names the source column for each Concord field:
 *
 *   externalId    stable item id (optional: without it the id is a hash of the prompt)
 *   prompt        the prompt text            ─┐ exactly one of these two
 *   conversation  JSON [{role, content}, …]  ─┘ (a JSON string in CSV)
 *   reference     reference answer text (JSON sources: a string array = one per turn)
 *   category, tags (a JSON array or "a, b, c")
 *   answer        answer text (JSON sources: a string array = one response per turn)
 *   system        column holding the system name (long format: one row per item × system)
 *   systemName    a fixed system name for files holding one system's answers
 *   answerColumns { column: systemName } for wide files (one row per item, a column per system)
 *   itemMetadata, answerMetadata: columns copied into metadata
 * Rows repeating an item (long format) must repeat it identically.
 */
import { z } from 'zod';
import type { FieldReader as FR } from '../fields';
import { FieldReader } from '../fields';
import { derivedId } from '../hashing';
import type { ImportIssue } from '../issues';
import { emptyRecord, makeAnswer, makeItem } from '../normalized';
import type { AdapterContext, FormatAdapter, MapResult } from './types';

const column = z.string().trim().min(1).max(200);
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export const GenericMappingSchema = z
	.object({
		externalId: column.nullish(),
		prompt: column.nullish(),
		conversation: column.nullish(),
		reference: column.nullish(),
		category: column.nullish(),
		tags: column.nullish(),
		system: column.nullish(),
		systemName: z.string().trim().min(1).max(512).nullish(),
		answer: column.nullish(),
		answerColumns: z
			.unknown()
			.superRefine((v, ctx) => {
				// A record key, unlike a metadata column, cannot be "__proto__" & co.: the schema below
				// would drop it silently and the serializers refuse it. Say so instead.
				for (const key of v && typeof v === 'object' ? Object.keys(v) : [])
					if (RESERVED_KEYS.has(key))
						ctx.addIssue({
							code: 'custom',
							message: `The column "${key}" cannot be a wide answer column; rename it in the file, or use one row per answer (long format).`
						});
			})
			.pipe(z.record(column, z.string().trim().min(1).max(512)).nullish())
			.optional(),
		itemMetadata: z.array(column).max(200).default([]),
		answerMetadata: z.array(column).max(200).default([])
	})
	.refine((m) => !!m.prompt !== !!m.conversation, {
		message: 'Map exactly one of "prompt" or "conversation".',
		path: ['prompt']
	})
	.refine((m) => !m.answer || !!m.system || !!m.systemName, {
		message: 'An "answer" column needs a "system" column or a fixed "systemName".',
		path: ['system']
	})
	.refine((m) => !(m.answer && m.answerColumns && Object.keys(m.answerColumns).length > 0), {
		message: 'Use either "answer" (long format) or "answerColumns" (wide format), not both.',
		path: ['answerColumns']
	});
export type GenericMapping = z.infer<typeof GenericMappingSchema>;

const GUESSES: [keyof GenericMapping, RegExp][] = [
	['externalId', /^(id|_id|uid|uuid|external_?id|question_?id|item_?id|prompt_?id|qid|example_?id)$/i],
	['conversation', /^(conversation|messages|dialog(ue)?|chat|history)$/i],
	['prompt', /^(prompt|question|instruction|input|query|text|user_?prompt)$/i],
	['reference', /^(reference|reference_?answer|ref|gold|ground_?truth|target|expected(_?output)?|ideal)$/i],
	['category', /^(category|type|task|dataset|domain|subject)$/i],
	['tags', /^(tags|labels|keywords)$/i],
	['system', /^(system|model|model_?id|model_?name|generator|system_?name)$/i],
	['answer', /^(answer|response|output|completion|candidate|reply|model_?answer)$/i]
];

export function suggestGenericMapping(fields: readonly string[]): GenericMapping {
	const m: Record<string, unknown> = {};
	const used = new Set<string>();
	for (const [key, re] of GUESSES) {
		if (key === 'prompt' && m.conversation) continue;
		const f = fields.find((x) => !used.has(x) && re.test(x.trim()));
		if (f) {
			m[key] = f;
			used.add(f);
		}
	}
	if (!m.prompt && !m.conversation) {
		const first = fields.find((f) => !used.has(f));
		if (first) {
			m.prompt = first;
			used.add(first);
		}
	}
	m.itemMetadata = fields.filter((f) => !used.has(f));
	m.answerMetadata = [];
	// A suggestion may still be incomplete (e.g. no prompt column at all): the UI shows it for editing.
	return m as GenericMapping;
}

function checkColumns(mapping: GenericMapping, ctx: AdapterContext, csv: boolean): ImportIssue[] {
	if (!csv) return []; // JSON Lines: fields may be absent from some rows; missing required ones are reported per row.
	const have = new Set(ctx.fields);
	const named = [
		mapping.externalId,
		mapping.prompt,
		mapping.conversation,
		mapping.reference,
		mapping.category,
		mapping.tags,
		mapping.system,
		mapping.answer,
		...Object.keys(mapping.answerColumns ?? {}),
		...mapping.itemMetadata,
		...mapping.answerMetadata
	].filter((c): c is string => !!c);
	return named
		.filter((c) => !have.has(c))
		.map((c) => ({
			line: 1,
			field: c,
			reason: `The mapping names the column "${c}", which is not in the header (${ctx.fields.join(', ')}).`
		}));
}

/** Text or (JSON sources only) an array of per-turn texts. A required answer may be "" (a model can answer nothing). */
function textOrTurns(r: FR, field: string, required: boolean): string | string[] | null {
	if (!r.has(field)) return required ? r.fail(field, 'is required but missing.', 'import_err_field_missing') : null;
	const v = r.get(field);
	if (Array.isArray(v) && !r.csv) return r.stringArray(field, v, { minLength: 1 });
	return r.string(field, { required, allowEmpty: required });
}

function readConversation(r: FR, field: string) {
	if (!r.has(field)) return r.fail(field, 'is required but missing.', 'import_err_field_missing');
	const before = r.issues.length;
	const value = r.jsonValue(field);
	// A cell that is not JSON at all is one problem, not two.
	return r.issues.length > before ? null : r.messages(field, value);
}

function genericMapper(csv: boolean) {
	return (mapping: GenericMapping, ctx: AdapterContext) =>
		(raw: { line: number; value: Record<string, unknown> }): MapResult => {
			const r = new FieldReader(raw.value, raw.line, ctx.limits, csv);
			const prompt = mapping.prompt ? r.string(mapping.prompt, { required: true }) : null;
			const conversation = mapping.conversation ? readConversation(r, mapping.conversation) : null;
			const reference = mapping.reference ? textOrTurns(r, mapping.reference, false) : null;
			const category = mapping.category ? r.string(mapping.category) : null;
			const tags = mapping.tags ? r.tags(mapping.tags) : [];
			const promptValue = prompt ?? conversation;
			let externalId = mapping.externalId ? r.id(mapping.externalId) : null;
			if (!mapping.externalId && promptValue !== null) {
				externalId = derivedId('h:', typeof promptValue === 'string' ? promptValue : JSON.stringify(promptValue));
			}
			const itemMetadata = r.metadata(mapping.itemMetadata);
			const answerMetadata = r.metadata(mapping.answerMetadata);

			const answers: { system: string; content: string | string[]; field: string }[] = [];
			if (mapping.answer) {
				const system = mapping.system ? r.name(mapping.system) : (mapping.systemName ?? null);
				const content = textOrTurns(r, mapping.answer, true);
				if (system !== null && content !== null) answers.push({ system, content, field: mapping.answer });
			}
			for (const [col, system] of Object.entries(mapping.answerColumns ?? {})) {
				// Wide files: an empty cell means this system has no answer for the item.
				const content = r.has(col) ? textOrTurns(r, col, true) : null;
				if (content !== null) answers.push({ system, content, field: col });
			}
			if (!r.ok || externalId === null || promptValue === null) return { record: null, issues: r.issues };

			const promptField = (mapping.prompt ?? mapping.conversation)!;
			const longFormat = !!mapping.answer;
			const key = longFormat
				? {
						value: `${externalId}\u001f${answers[0]?.system}`,
						field: mapping.externalId ?? mapping.prompt ?? 'prompt',
						label: `answer for item "${externalId}" from system "${answers[0]?.system}"`
					}
				: {
						value: externalId,
						field: mapping.externalId ?? mapping.prompt ?? 'prompt',
						label: `item id "${externalId}"`
					};
			const record = emptyRecord(raw.line, key, { idField: mapping.externalId ?? promptField, promptField });
			record.item = makeItem({ externalId, prompt: promptValue, reference, category, tags, metadata: itemMetadata });
			record.answers = answers.map((a) =>
				makeAnswer({
					itemExternalId: externalId!,
					field: a.field,
					system: a.system,
					content: a.content,
					metadata: answerMetadata
				})
			);
			return { record, issues: [] };
		};
}

function makeGeneric(id: 'csv' | 'jsonl'): FormatAdapter<GenericMapping> {
	const csv = id === 'csv';
	return {
		id,
		label: csv ? 'CSV / TSV with a field mapping' : 'JSON Lines with a field mapping',
		containers: csv ? ['csv'] : ['jsonl', 'json'],
		// The fallback for its container: any other format that matches wins.
		detect: () => 0.1,
		options: GenericMappingSchema as z.ZodType<GenericMapping>,
		suggest: (ctx) => suggestGenericMapping(ctx.fields),
		checkOptions: (m, ctx) => checkColumns(m, ctx, csv),
		mapper: genericMapper(csv)
	};
}

export const csvAdapter = makeGeneric('csv');
export const jsonlAdapter = makeGeneric('jsonl');
