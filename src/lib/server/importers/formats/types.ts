/**
 * A format adapter turns one raw record (a JSON object or a CSV row keyed by
 * header) into a normalized record, reporting every bad field. Adapters are pure
 * and synchronous; detection looks only at the field names of the first record
 * and the file name.
 */
import type { z } from 'zod';
import type { Container, RawRecord } from '../containers';
import type { ImportIssue } from '../issues';
import type { ImportLimits } from '../limits';
import type { NormalizedRecord } from '../normalized';

export const FORMAT_IDS = [
	'csv',
	'jsonl',
	'mt-bench-questions',
	'mt-bench-answers',
	'mt-bench-reference',
	'alpaca-eval-outputs',
	'alpaca-eval-annotations',
	'llmbar',
	'arena-votes'
] as const;
export type FormatId = (typeof FORMAT_IDS)[number];

export interface AdapterContext {
	fileName: string;
	limits: ImportLimits;
	/** Field names of the first record (the CSV header). */
	fields: readonly string[];
}

export interface MapResult {
	record: NormalizedRecord | null;
	issues: ImportIssue[];
}

export interface FormatAdapter<O = unknown> {
	id: FormatId;
	label: string;
	containers: readonly Container[];
	/** 0 = not this format; higher = better fit. */
	detect(fields: ReadonlySet<string>, fileName: string): number;
	/** Validates the user's mapping/options (a missing mapping means defaults). */
	options: z.ZodType<O>;
	/** Defaults the UI shows (and the importer uses when given none). */
	suggest(ctx: AdapterContext): O;
	/** Problems of the options against the file itself (e.g. a mapped column that does not exist). */
	checkOptions?(options: O, ctx: AdapterContext): ImportIssue[];
	mapper(options: O, ctx: AdapterContext): (raw: RawRecord) => MapResult;
}

/** The file name without directories and extensions: "model_answer/gpt-4.jsonl.gz" → "gpt-4". */
export function baseName(fileName: string): string {
	const last = fileName.split(/[/\\]/).pop() ?? fileName;
	return last.replace(/\.gz$/i, '').replace(/\.(jsonl|json|csv|tsv|txt)$/i, '') || 'import';
}
