/**
 * Turns batches of rows into the bytes of one format as a web ReadableStream.
 * Pull-based: the next batch is read from the database only when the response
 * has taken the previous chunk (highWaterMark 1), so a slow client slows the
 * reads instead of filling memory. Cancelling the download (the client went
 * away) ends the row source, which stops the queries.
 */
import type { ExportColumn, ExportFormat, RowBatches } from './columns';
import { csvHeader, csvLines } from './csv';
import { jsonlLines } from './jsonl';
import { ParquetStream } from './parquet';

export interface EncodeOptions {
	format: ExportFormat;
	columns: readonly ExportColumn[];
	batches: RowBatches;
	/** The whole CSV file already written (by the database's COPY), used instead of `batches` for CSV. */
	csvBytes?: AsyncIterable<Uint8Array>;
	/** Parquet footer metadata, given the number of rows written. */
	footer: (rowCount: number) => Record<string, string>;
}

export function encodeExport({
	format,
	columns,
	batches,
	csvBytes,
	footer
}: EncodeOptions): ReadableStream<Uint8Array> {
	if (format === 'csv' && csvBytes) return byteStream(csvBytes);
	const encoder = new TextEncoder();
	const iterator = batches[Symbol.asyncIterator]();
	const parquet = format === 'parquet' ? new ParquetStream(columns) : null;
	let rowCount = 0;
	let started = false;
	let done = false;

	const encode = (rows: unknown[][]): Uint8Array => {
		if (parquet) return parquet.push(rows);
		return encoder.encode(format === 'csv' ? csvLines(columns, rows) : jsonlLines(columns, rows));
	};

	return new ReadableStream<Uint8Array>(
		{
			async pull(controller) {
				if (!started) {
					started = true;
					if (format === 'csv') controller.enqueue(encoder.encode(csvHeader(columns)));
				}
				// Loop until something is enqueued: a Parquet batch may not complete a row group.
				while (!done) {
					const next = await iterator.next();
					if (next.done) {
						done = true;
						if (parquet) controller.enqueue(parquet.finish(footer(rowCount)));
						controller.close();
						return;
					}
					rowCount += next.value.length;
					const bytes = encode(next.value);
					if (bytes.byteLength > 0) {
						controller.enqueue(bytes);
						return;
					}
				}
			},
			async cancel() {
				done = true;
				await iterator.return?.();
			}
		},
		{ highWaterMark: 1 }
	);
}

/** Each chunk as it is pulled (same backpressure as above); cancelling ends the source. */
function byteStream(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
	const iterator = chunks[Symbol.asyncIterator]();
	return new ReadableStream<Uint8Array>(
		{
			async pull(controller) {
				const next = await iterator.next();
				if (next.done) controller.close();
				else controller.enqueue(next.value);
			},
			async cancel() {
				await iterator.return?.();
			}
		},
		{ highWaterMark: 1 }
	);
}
