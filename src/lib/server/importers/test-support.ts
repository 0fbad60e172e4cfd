/**
 * Helpers for importer tests (unit and integration): run the pipeline over an
 * in-memory file, cut into small chunks so chunk boundaries are exercised.
 */
import type { ImportIssue } from './issues';
import { ImportFileError } from './issues';
import { importLimits, type ImportLimits } from './limits';
import type { NormalizedRecord } from './normalized';
import { openImport } from './pipeline';
import type { FormatId } from './formats/types';

export async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
	for (let i = 0; i < data.byteLength; i += size) yield data.subarray(i, Math.min(i + size, data.byteLength));
}

export interface ParsedFile {
	format: FormatId;
	fields: string[];
	records: NormalizedRecord[];
	issues: ImportIssue[];
	fileError: ImportIssue | null;
}

export async function parseAll(
	data: Uint8Array | string,
	options: {
		fileName: string;
		format?: FormatId;
		mapping?: unknown;
		limits?: Partial<ImportLimits>;
		chunkSize?: number;
	}
): Promise<ParsedFile> {
	const bytes = typeof data === 'string' ? Buffer.from(data) : data;
	const out: ParsedFile = { format: 'jsonl', fields: [], records: [], issues: [], fileError: null };
	try {
		const imp = await openImport(chunked(bytes, options.chunkSize ?? 7919), {
			fileName: options.fileName,
			format: options.format,
			mapping: options.mapping,
			limits: importLimits(options.limits)
		});
		out.format = imp.format;
		out.fields = imp.fields;
		out.issues.push(...imp.mappingIssues);
		for await (const b of imp.batches) {
			out.records.push(...b.records);
			out.issues.push(...b.issues);
		}
	} catch (error) {
		if (!(error instanceof ImportFileError)) throw error;
		out.fileError = error.issue;
	}
	return out;
}
