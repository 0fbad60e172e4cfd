/**
 * What every export format shares: a fixed list of typed columns and rows as
 * positional arrays (one value per column, in column order). Positional rows
 * keep a million-row stream cheap; the column type decides how a value is
 * written (CSV never guards a number, Parquet gets a real INT32/DOUBLE column).
 */
export type ColumnType = 'string' | 'int' | 'double' | 'bool' | 'timestamp' | 'json';

export interface ExportColumn {
	name: string;
	type: ColumnType;
}

/** string | number | boolean | Date | a JSON value (type 'json') | null. */
export type ExportValue = unknown;
export type ExportRow = ExportValue[];

export const EXPORT_FORMATS = ['csv', 'jsonl', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A row source: batches of rows, pulled one at a time (backpressure: nothing is read ahead). */
export type RowBatches = AsyncIterable<ExportRow[]>;

export const CONTENT_TYPES: Record<ExportFormat, string> = {
	csv: 'text/csv; charset=utf-8; header=present',
	jsonl: 'application/x-ndjson; charset=utf-8',
	parquet: 'application/vnd.apache.parquet'
};
