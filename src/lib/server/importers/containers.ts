/**
 * Second stage: UTF-8 bytes → raw records (plain objects) with line numbers, in
 * batches. Three containers: JSON Lines (one object per line), a JSON array of
 * objects (split incrementally), and CSV/TSV with a header row (csv-parse,
 * streaming). Bad lines become issues; parsing continues so every bad row is
 * reported.
 */
import { Readable } from 'node:stream';
import { parse as parseCsv, type CsvError } from 'csv-parse';
import { fileError, keyedFileError, type ImportIssue } from './issues';
import { splitJsonArray } from './json-array';
import type { ImportLimits } from './limits';
import { readLines, type LineResult } from './lines';
import { jsonType } from './fields';
import { tooDeepField, tooDeepIssue } from './json-depth';

export type Container = 'jsonl' | 'json' | 'csv';

export interface RawRecord {
	line: number;
	/** JSON array files: the element's 1-based position (a one-line array has every element on line 1). */
	element?: number;
	value: Record<string, unknown>;
}

export interface RawBatch {
	records: RawRecord[];
	issues: ImportIssue[];
	/** CSV: the column names, on every batch after the header row. */
	header?: string[];
}

export interface ContainerInfo {
	container: Container;
	/** CSV only. */
	delimiter?: string;
}

/** Looks at the first bytes (and the file name) to tell JSON, JSON Lines and CSV apart. */
export function sniffContainer(head: Buffer, fileName: string): ContainerInfo | null {
	// Leading blank lines say nothing about the container: look from the first non-blank byte.
	let start = 0;
	while (start < head.byteLength && WHITESPACE.has(head[start])) start++;
	const text = head.subarray(start, start + 64 * 1024).toString('utf8');
	const first = text[0];
	if (first === '[') return { container: 'json' };
	if (first === '{') return { container: 'jsonl' };
	const lower = fileName.toLowerCase().replace(/\.gz$/, '');
	const headerLine = text.split('\n', 1)[0];
	const delimiter = guessDelimiter(headerLine, lower.endsWith('.tsv'));
	if (lower.endsWith('.csv') || lower.endsWith('.tsv')) return { container: 'csv', delimiter };
	if (lower.endsWith('.json') || lower.endsWith('.jsonl')) return null;
	// Unnamed text: CSV only if the header clearly has several columns.
	if (headerLine.split(delimiter).length >= 2 && !hasControlChars(headerLine)) return { container: 'csv', delimiter };
	return null;
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Binary junk is not a CSV header: control characters other than tab/newline/CR. */
function hasControlChars(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
	}
	return false;
}

function guessDelimiter(headerLine: string, tsv: boolean): string {
	if (tsv) return '\t';
	const counts: [string, number][] = [',', '\t', ';', '|'].map((d) => [d, headerLine.split(d).length - 1]);
	counts.sort((a, b) => b[1] - a[1]);
	return counts[0][1] > 0 ? counts[0][0] : ',';
}

function parseObject(text: string, line: number, element?: number): RawRecord | ImportIssue {
	const at = element === undefined ? {} : { element };
	const where = element === undefined ? `line ${line}` : `array element ${element} (line ${line})`;
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		const detail = (error as Error).message;
		return {
			line,
			field: null,
			reason: `Invalid JSON on ${where}: ${detail}`,
			key: 'import_err_invalid_json',
			params: { detail },
			...at
		};
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		return {
			line,
			field: null,
			reason: `Each ${element === undefined ? 'line' : 'array element'} must be a JSON object, got ${jsonType(value)}.`,
			key: element === undefined ? 'import_err_line_not_object' : 'import_err_element_not_object',
			params: { type: jsonType(value) },
			...at
		};
	}
	const record = value as Record<string, unknown>;
	const deep = tooDeepField(record);
	if (deep !== undefined) return { line, field: deep, ...tooDeepIssue(), ...at };
	return { line, value: record, ...at };
}

async function* jsonLines(bytes: AsyncIterable<Buffer>, limits: ImportLimits): AsyncGenerator<RawBatch> {
	for await (const lines of readLines(bytes, { maxLineBytes: limits.maxRecordBytes })) {
		const batch: RawBatch = { records: [], issues: [] };
		for (const l of lines) {
			if (l.error) batch.issues.push(l.error);
			else if (l.text.trim() !== '') {
				const r = parseObject(l.text, l.no);
				if ('value' in r) batch.records.push(r);
				else batch.issues.push(r);
			}
		}
		yield batch;
	}
}

async function* jsonArray(bytes: AsyncIterable<Buffer>, limits: ImportLimits): AsyncGenerator<RawBatch> {
	for await (const elements of splitJsonArray(bytes, limits.maxRecordBytes)) {
		const batch: RawBatch = { records: [], issues: [] };
		for (const el of elements) {
			if (el.error) batch.issues.push(el.error);
			else {
				const r = parseObject(el.text, el.no, el.index);
				if ('value' in r) batch.records.push(r);
				else batch.issues.push(r);
			}
		}
		yield batch;
	}
}

async function* csvRecords(
	bytes: AsyncIterable<Buffer>,
	limits: ImportLimits,
	delimiter: string
): AsyncGenerator<RawBatch> {
	// Line-level problems (encoding, a huge physical line) are found before csv-parse
	// sees the text; the line is replaced by an empty one to keep numbering intact.
	let pendingIssues: ImportIssue[] = [];
	let lastRecordEnd = 0;
	let lastErrorLine = -1;
	async function* text(): AsyncGenerator<string> {
		for await (const lines of readLines(bytes, { maxLineBytes: limits.maxRecordBytes })) {
			yield (
				lines
					.map((l: LineResult) => {
						if (l.error) {
							pendingIssues.push(l.error);
							return '';
						}
						return l.text;
					})
					.join('\n') + '\n'
			);
		}
	}
	const parser = parseCsv({
		delimiter,
		relax_column_count: true,
		skip_empty_lines: true,
		max_record_size: limits.maxRecordBytes,
		info: true,
		// Runs as csv-parse reads (ahead of our consumer), so error lines can refer to it.
		on_record: (record: string[], context: { lines: number }) => {
			lastRecordEnd = context.lines;
			return record;
		},
		skip_records_with_error: true,
		on_skip: (error: CsvError | undefined) => {
			if (!error) return;
			const at = (error as unknown as { lines?: number }).lines;
			// An unterminated quote is found at the end of the file: name the line where its record began.
			const line = error.code === 'CSV_QUOTE_NOT_CLOSED' ? lastRecordEnd + 1 : typeof at === 'number' ? at : 0;
			// After a syntax error csv-parse may trip again on the rest of the same line: report it once.
			if (line === lastErrorLine) return;
			lastErrorLine = line;
			pendingIssues.push({ line, field: null, reason: `CSV: ${csvReason(error)}` });
		}
	});
	const input = Readable.from(text());
	input.on('error', (error) => parser.destroy(error));
	input.pipe(parser);

	let header: string[] | null = null;
	let batch: RawRecord[] = [];
	const flush = (): RawBatch => {
		const out = { records: batch, issues: pendingIssues, header: header ?? undefined };
		batch = [];
		pendingIssues = [];
		return out;
	};
	for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
		const innerNewlines = record.reduce((n, f) => n + countNewlines(f), 0);
		const line = info.lines - innerNewlines;
		if (!header) {
			header = checkHeader(record, line);
			continue;
		}
		if (record.length !== header.length) {
			pendingIssues.push({
				line,
				field: null,
				reason: `CSV: this row has ${record.length} fields but the header has ${header.length} (ragged row).`,
				key: 'import_err_ragged_row',
				params: { fields: record.length, header: header.length }
			});
			continue;
		}
		// Column names are data: "__proto__" must stay a column, not become the prototype.
		const value: Record<string, unknown> = Object.create(null);
		for (let i = 0; i < header.length; i++) value[header[i]] = record[i];
		batch.push({ line, value });
		if (batch.length >= 100) yield flush();
	}
	if (!header) throw keyedFileError({ key: 'import_err_csv_no_header' }, 'The CSV file has no header row.', 1);
	yield flush();
}

function countNewlines(s: string): number {
	let n = 0;
	for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
	return n;
}

function csvReason(error: CsvError): string {
	switch (error.code) {
		case 'CSV_QUOTE_NOT_CLOSED':
			return 'a quoted field is never closed (unterminated quote).';
		case 'CSV_INVALID_CLOSING_QUOTE':
			return 'a quote inside an unquoted field or text right after a closing quote; quote the field and double inner quotes ("").';
		case 'CSV_MAX_RECORD_SIZE':
			return 'the record is larger than the record limit (16 × CONCORD_IMPORT_MAX_FIELD_BYTES).';
		default:
			return error.message;
	}
}

function checkHeader(record: string[], line: number): string[] {
	const names = record.map((h) => h.trim());
	const seen = new Set<string>();
	names.forEach((n, i) => {
		if (n === '') throw fileError(`CSV header: column ${i + 1} has no name.`, line);
		if (seen.has(n)) throw fileError(`CSV header: the column name "${n}" appears twice.`, line, n);
		seen.add(n);
	});
	return names;
}

export function readContainer(
	bytes: AsyncIterable<Buffer>,
	info: ContainerInfo,
	limits: ImportLimits
): AsyncGenerator<RawBatch> {
	if (info.container === 'jsonl') return jsonLines(bytes, limits);
	if (info.container === 'json') return jsonArray(bytes, limits);
	return csvRecords(bytes, limits, info.delimiter ?? ',');
}
