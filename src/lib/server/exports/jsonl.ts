/**
 * JSON Lines: one object per row, keys in column order, LF line ends. Times are
 * ISO 8601 strings, JSON columns stay nested values, missing values are null.
 */
import type { ExportColumn, ExportRow } from './columns';

export function jsonlLines(columns: readonly ExportColumn[], rows: readonly ExportRow[]): string {
	let out = '';
	for (const row of rows) {
		const object: Record<string, unknown> = {};
		for (let i = 0; i < columns.length; i++) {
			const value = row[i] ?? null;
			object[columns[i].name] = value instanceof Date ? value.toISOString() : value;
		}
		out += JSON.stringify(object) + '\n';
	}
	return out;
}
