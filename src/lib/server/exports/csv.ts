/**
 * CSV as RFC 4180 describes it: CRLF line ends, a header line, fields that hold
 * a comma, a double quote, CR or LF enclosed in double quotes with inner quotes
 * doubled. UTF-8, no byte-order mark (pipelines read it as plain UTF-8; a BOM
 * would become part of the first column's name for them).
 *
 * Formula injection (CWE-1236): a spreadsheet treats a cell that starts with
 * `=`, `+`, `-` or `@` (and, in some programs, TAB or CR) as a formula, so a model
 * answer or a rationale could run one on the reader's machine. TEXT cells that
 * start with one of those characters — or with `'` itself — get a `'` in front
 * (OWASP's advice; spreadsheets then show the text as typed). Escaping the quote
 * too makes the rule reversible: a program reading the file drops one leading
 * `'` from any text cell that starts with it and gets the exact original back
 * (`unguardCsvText`, and the manifest's `csv.formulaGuard` says so). Number,
 * boolean and time columns are never touched: −0.5 stays a number.
 */
import type { ExportColumn, ExportRow } from './columns';

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r', "'"]);

export const CSV_FORMULA_GUARD =
	"text cells starting with = + - @ TAB CR or ' carry one extra leading ' (drop it to get the original text)";

export function guardCsvText(text: string): string {
	return text.length > 0 && FORMULA_START.has(text[0]) ? `'${text}` : text;
}

/** The inverse of `guardCsvText`, for readers of Concord's CSV files. */
export function unguardCsvText(cell: string): string {
	return cell.startsWith("'") ? cell.slice(1) : cell;
}

function quote(text: string): string {
	return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function cell(value: unknown, type: ExportColumn['type']): string {
	if (value === null || value === undefined) return '';
	switch (type) {
		case 'int':
		case 'double':
			return Number.isFinite(value as number) ? String(value) : '';
		case 'bool':
			return value ? 'true' : 'false';
		case 'timestamp':
			// Repositories hand times over as ISO text already.
			return value instanceof Date ? value.toISOString() : String(value);
		case 'json':
			return quote(guardCsvText(JSON.stringify(value)));
		default:
			return quote(guardCsvText(String(value)));
	}
}

export function csvHeader(columns: readonly ExportColumn[]): string {
	return columns.map((c) => quote(guardCsvText(c.name))).join(',') + '\r\n';
}

export function csvLines(columns: readonly ExportColumn[], rows: readonly ExportRow[]): string {
	let out = '';
	for (const row of rows) {
		let line = '';
		for (let i = 0; i < columns.length; i++) {
			if (i > 0) line += ',';
			line += cell(row[i], columns[i].type);
		}
		out += line + '\r\n';
	}
	return out;
}
