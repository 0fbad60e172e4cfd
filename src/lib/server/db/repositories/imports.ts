/**
 * dataset_import rows and their uploaded bytes (dataset_import_chunk). Uploads
 * are stored in PostgreSQL so any worker machine can read them; chunks are
 * ~1 MiB and are read back one at a time (with one read ahead) so memory stays
 * flat whatever the file size.
 */
import { sql } from 'kysely';
import type pg from 'pg';
import { copyOutBytea } from '../bulk/copy-to';
import type { Db } from '../client';
import type { ImportErrorEntry, ImportStats, ImportStatus } from '../schema';

export async function createImport(db: Db, row: { projectId: string; fileName: string; createdBy: string | null }) {
	return db
		.insertInto('dataset_import')
		.values({ project_id: row.projectId, file_name: row.fileName, created_by: row.createdBy, status: 'uploading' })
		.returning(['id'])
		.executeTakeFirstOrThrow();
}

export async function insertChunk(db: Db, importId: string, seq: number, data: Buffer): Promise<void> {
	await db.insertInto('dataset_import_chunk').values({ import_id: importId, seq, data }).execute();
}

export async function readChunk(db: Db, importId: string, seq: number): Promise<Buffer | null> {
	const row = await db
		.selectFrom('dataset_import_chunk')
		.select('data')
		.where('import_id', '=', importId)
		.where('seq', '=', seq)
		.executeTakeFirst();
	return row ? Buffer.from(row.data) : null;
}

/** The upload's chunks in order; the next chunk is fetched while the current one is processed. */
export async function* streamChunks(db: Db, importId: string): AsyncGenerator<Buffer> {
	let seq = 0;
	let next = readChunk(db, importId, seq);
	for (;;) {
		const chunk = await next;
		if (!chunk) return;
		seq++;
		next = readChunk(db, importId, seq);
		// A later read failing while the consumer stopped early must not go unhandled.
		next.catch(() => {});
		yield chunk;
	}
}

/**
 * The whole upload as raw bytes over COPY (binary) on its own client: no hex
 * strings, no query per chunk. Used by the import job (beside its transaction's
 * connection); preview reads only the first chunks with `streamChunks`.
 * `close()` must be called: the reader may stop mid-COPY, so its client is
 * destroyed rather than returned to the pool.
 */
export async function openChunkReader(
	pool: pg.Pool,
	importId: string
): Promise<{ chunks: AsyncGenerator<Buffer>; close(): void }> {
	if (!UUID.test(importId)) throw new Error('invalid import id');
	const client = await pool.connect();
	let closed = false;
	return {
		chunks: copyOutBytea(client, `select data from dataset_import_chunk where import_id = '${importId}' order by seq`),
		close() {
			if (closed) return;
			closed = true;
			client.release(true);
		}
	};
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function deleteChunks(db: Db, importId: string): Promise<void> {
	await db.deleteFrom('dataset_import_chunk').where('import_id', '=', importId).execute();
}

export async function finishUpload(db: Db, importId: string, row: { byteSize: number; gzip: boolean; sha256: string }) {
	await db
		.updateTable('dataset_import')
		.set({
			status: 'uploaded',
			byte_size: row.byteSize,
			gzip: row.gzip,
			file_sha256: row.sha256,
			uploaded_at: new Date(),
			updated_at: new Date()
		})
		.where('id', '=', importId)
		.execute();
}

export async function deleteImport(db: Db, importId: string): Promise<void> {
	await db.deleteFrom('dataset_import').where('id', '=', importId).execute();
}

const importColumns = [
	'id',
	'project_id as projectId',
	'dataset_id as datasetId',
	'new_dataset_name as newDatasetName',
	'format',
	'mapping',
	'status',
	'file_name as fileName',
	'byte_size as byteSize',
	'gzip',
	'bytes_read as bytesRead',
	'rows_processed as rowsProcessed',
	'error_count as errorCount',
	'errors',
	'stats',
	'revision',
	'cancel_requested as cancelRequested',
	'created_by as createdBy',
	'created_at as createdAt',
	'uploaded_at as uploadedAt',
	'started_at as startedAt',
	'finished_at as finishedAt',
	'updated_at as updatedAt'
] as const;

export async function findImport(db: Db, projectId: string, importId: string) {
	return db
		.selectFrom('dataset_import')
		.select(importColumns)
		.where('project_id', '=', projectId)
		.where('id', '=', importId)
		.executeTakeFirst();
}

export async function findImportById(db: Db, importId: string) {
	return db.selectFrom('dataset_import').select(importColumns).where('id', '=', importId).executeTakeFirst();
}

export type ImportRow = NonNullable<Awaited<ReturnType<typeof findImportById>>>;

export async function listImports(db: Db, projectId: string, opts: { datasetId?: string; limit: number }) {
	let q = db
		.selectFrom('dataset_import')
		.select(importColumns)
		.where('project_id', '=', projectId)
		.orderBy('created_at', 'desc')
		.limit(opts.limit);
	if (opts.datasetId) q = q.where('dataset_id', '=', opts.datasetId);
	return q.execute();
}

/** Moves the import to `to` only from one of `from` (compare-and-set); returns whether it moved. */
export async function transition(
	db: Db,
	importId: string,
	from: readonly ImportStatus[],
	to: ImportStatus,
	extra: Partial<{
		datasetId: string | null;
		newDatasetName: string | null;
		format: string;
		mapping: unknown;
		startedAt: Date;
	}> = {}
): Promise<boolean> {
	const res = await db
		.updateTable('dataset_import')
		.set({
			status: to,
			updated_at: new Date(),
			...(extra.datasetId !== undefined ? { dataset_id: extra.datasetId } : {}),
			...(extra.newDatasetName !== undefined ? { new_dataset_name: extra.newDatasetName } : {}),
			...(extra.format !== undefined ? { format: extra.format } : {}),
			...(extra.mapping !== undefined ? { mapping: JSON.stringify(extra.mapping) } : {}),
			...(extra.startedAt ? { started_at: extra.startedAt } : {}),
			// A (re)queued import starts from a clean slate: no errors or progress of an earlier run.
			...(to === 'queued'
				? {
						errors: '[]',
						error_count: 0,
						stats: '{}',
						bytes_read: 0,
						rows_processed: 0,
						cancel_requested: false,
						finished_at: null
					}
				: {})
		})
		.where('id', '=', importId)
		.where('status', 'in', from)
		.executeTakeFirst();
	return Number(res.numUpdatedRows) > 0;
}

export async function updateProgress(
	db: Db,
	importId: string,
	p: { bytesRead: number; rows: number; status?: ImportStatus }
) {
	const row = await db
		.updateTable('dataset_import')
		.set({
			bytes_read: p.bytesRead,
			rows_processed: p.rows,
			updated_at: new Date(),
			...(p.status ? { status: p.status } : {})
		})
		.where('id', '=', importId)
		.returning(['cancel_requested as cancelRequested'])
		.executeTakeFirst();
	return { cancelRequested: row?.cancelRequested ?? false };
}

export async function requestCancel(db: Db, importId: string): Promise<void> {
	await db
		.updateTable('dataset_import')
		.set({ cancel_requested: true, updated_at: new Date() })
		.where('id', '=', importId)
		.execute();
}

export async function finishImport(
	db: Db,
	importId: string,
	r: {
		status: ImportStatus;
		errors?: ImportErrorEntry[];
		errorCount?: number;
		stats?: ImportStats;
		revision?: number | null;
		datasetId?: string;
		bytesRead?: number;
		rows?: number;
	}
) {
	await db
		.updateTable('dataset_import')
		.set({
			status: r.status,
			finished_at: new Date(),
			updated_at: new Date(),
			...(r.errors ? { errors: JSON.stringify(r.errors) } : {}),
			...(r.errorCount !== undefined ? { error_count: r.errorCount } : {}),
			...(r.stats ? { stats: JSON.stringify(r.stats) } : {}),
			...(r.revision !== undefined ? { revision: r.revision } : {}),
			...(r.datasetId ? { dataset_id: r.datasetId } : {}),
			...(r.bytesRead !== undefined ? { bytes_read: r.bytesRead } : {}),
			...(r.rows !== undefined ? { rows_processed: r.rows } : {})
		})
		.where('id', '=', importId)
		.execute();
}

/** Uploads abandoned before they finished (a server restart mid-upload). */
export async function deleteStaleUploads(db: Db, olderThan: Date): Promise<number> {
	const res = await db
		.deleteFrom('dataset_import')
		.where('status', '=', 'uploading')
		.where('updated_at', '<', olderThan)
		.executeTakeFirst();
	return Number(res.numDeletedRows);
}

/** Bytes of failed or cancelled imports nobody retried; the import rows (and their errors) stay. */
export async function deleteOldUnusedChunks(db: Db, olderThan: Date): Promise<void> {
	await db
		.deleteFrom('dataset_import_chunk')
		.where('import_id', 'in', (eb) =>
			eb
				.selectFrom('dataset_import')
				.select('id')
				.where('status', 'in', ['failed', 'cancelled', 'uploaded'])
				.where('updated_at', '<', olderThan)
		)
		.execute();
}

export const touch = (db: Db, importId: string) =>
	db
		.updateTable('dataset_import')
		.set({ updated_at: sql`now()` })
		.where('id', '=', importId)
		.execute();

/** Deletes an import (its chunks cascade) only while it is in one of `statuses`; false if it was not. */
export async function deleteImportIn(db: Db, importId: string, statuses: readonly ImportStatus[]): Promise<boolean> {
	const res = await db
		.deleteFrom('dataset_import')
		.where('id', '=', importId)
		.where('status', 'in', [...statuses])
		.executeTakeFirst();
	return res.numDeletedRows > 0n;
}
