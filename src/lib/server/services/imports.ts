/**
 * Dataset imports, step by step:
 *   1. upload  — the raw bytes are streamed into dataset_import_chunk (size limit
 *                enforced while streaming), giving an import id;
 *   2. preview — the first rows as Concord will store them, the detected format,
 *                columns and a suggested (or remembered) mapping, and the errors
 *                found in those rows; nothing is written;
 *   3. start   — the chosen format/mapping/target is saved and the job
 *                'dataset.import' is queued (a closed tab loses nothing);
 *   4. get/list for progress and errors; cancel.
 * Callers have already checked the admin capability (tRPC `projectProcedure('admin')`,
 * or `guardedEndpoint` for the HTTP upload endpoint).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/client';
import * as datasetsRepo from '../db/repositories/datasets';
import * as importsRepo from '../db/repositories/imports';
import type { ImportErrorEntry } from '../db/schema';
import { AppError } from '../errors';
import { adapters, formatList, type FormatId } from '../importers/formats/index';
import type { MessageRef } from '../importers/issues';
import { isGzip } from '../importers/source';
import { formatBytes, importLimits } from '../importers/limits';
import { jobLiveness, removeJob } from '../jobs/liveness';
import type { Queue } from '../jobs/queue';
import { logger } from '../logger';
import { buildPreview, type ImportPreview } from './import-preview';
import { IMPORT_JOB_ATTEMPTS } from './import-runner';

export const CHUNK_BYTES = 1024 * 1024;

/**
 * An upload refused as a whole: the English message, and the same as one error entry with its
 * i18n key, which the wizard shows in the reader's language.
 */
function uploadError(code: 'BAD_REQUEST' | 'PAYLOAD_TOO_LARGE', reason: string, message: MessageRef, extra = {}) {
	return new AppError(code, reason, { ...extra, errors: [{ line: 0, field: null, reason, ...message }] });
}

function tooLarge(limit: number) {
	return uploadError(
		'PAYLOAD_TOO_LARGE',
		`The file is larger than ${formatBytes(limit)} (CONCORD_IMPORT_MAX_FILE_BYTES).`,
		{ key: 'import_err_too_large', params: { limit: formatBytes(limit) } },
		{ limitBytes: limit }
	);
}

export const emptyFile = () => uploadError('BAD_REQUEST', 'The file is empty.', { key: 'import_err_empty_file' });

export const FileNameSchema = z.string().trim().min(1).max(255);

const DAY = 24 * 60 * 60 * 1000;

/**
 * Uploads interrupted by a server restart, and bytes of imports that failed, were
 * cancelled or never started a week ago, are removed on the next upload (no cron needed).
 */
async function collectGarbage(db: Db): Promise<void> {
	try {
		await importsRepo.deleteStaleUploads(db, new Date(Date.now() - DAY));
		await importsRepo.deleteOldUnusedChunks(db, new Date(Date.now() - 7 * DAY));
	} catch (error) {
		logger.warn('import garbage collection failed', { error });
	}
}

/** Streams an upload into PostgreSQL in ~1 MiB chunks; nothing of it is kept if it fails or is too large. */
export async function receiveUpload(
	db: Db,
	input: {
		projectId: string;
		userId: string | null;
		fileName: string;
		body: AsyncIterable<Uint8Array>;
		contentLength?: number | null;
		maxBytes?: number;
	}
): Promise<{ importId: string; byteSize: number; gzip: boolean }> {
	const max = input.maxBytes ?? importLimits().maxFileBytes;
	if (input.contentLength != null && input.contentLength > max) throw tooLarge(max);
	const fileName = FileNameSchema.safeParse(input.fileName);
	if (!fileName.success)
		throw uploadError('BAD_REQUEST', 'A file name (1–255 characters) is required.', {
			key: 'import_err_file_name'
		});
	await collectGarbage(db);
	const { id } = await importsRepo.createImport(db, {
		projectId: input.projectId,
		fileName: fileName.data,
		createdBy: input.userId
	});
	const hash = createHash('sha256');
	let pending: Buffer[] = [];
	let pendingLen = 0;
	let seq = 0;
	let total = 0;
	let head: Buffer | null = null;
	const flush = async (final: boolean) => {
		while (pendingLen >= CHUNK_BYTES || (final && pendingLen > 0)) {
			const all = pending.length === 1 ? pending[0] : Buffer.concat(pending);
			const piece = all.subarray(0, Math.min(CHUNK_BYTES, all.byteLength));
			await importsRepo.insertChunk(db, id, seq++, Buffer.from(piece));
			const rest = all.subarray(piece.byteLength);
			pending = rest.byteLength > 0 ? [rest] : [];
			pendingLen = rest.byteLength;
		}
	};
	try {
		for await (const part of input.body) {
			const buf = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
			total += buf.byteLength;
			if (total > max) throw tooLarge(max);
			head ??= buf.subarray(0, 4);
			hash.update(buf);
			pending.push(buf);
			pendingLen += buf.byteLength;
			if (pendingLen >= CHUNK_BYTES) await flush(false);
		}
		await flush(true);
		if (total === 0) throw emptyFile();
		const gzip = head !== null && isGzip(head);
		await importsRepo.finishUpload(db, id, { byteSize: total, gzip, sha256: hash.digest('hex') });
		return { importId: id, byteSize: total, gzip };
	} catch (error) {
		// Cascades to the chunks written so far.
		await importsRepo.deleteImport(db, id).catch(() => {});
		if (error instanceof AppError) throw error;
		logger.warn('upload interrupted', { importId: id, bytes: total, error });
		throw uploadError('BAD_REQUEST', 'The upload was interrupted before the whole file arrived.', {
			key: 'import_err_upload_interrupted'
		});
	}
}

async function requireImport(db: Db, projectId: string, importId: string) {
	const imp = await importsRepo.findImport(db, projectId, importId);
	if (!imp) throw new AppError('NOT_FOUND', 'Import not found.');
	return imp;
}

export const FormatIdSchema = z.enum(Object.keys(adapters) as [FormatId, ...FormatId[]]);

export async function previewImport(
	db: Db,
	projectId: string,
	input: { importId: string; format?: FormatId | null; mapping?: unknown; datasetId?: string | null }
): Promise<ImportPreview> {
	const imp = await requireImport(db, projectId, input.importId);
	if (!['uploaded', 'failed'].includes(imp.status)) {
		throw new AppError('CONFLICT', `This import is ${imp.status}; upload the file again to preview it.`);
	}
	let remembered: { format?: FormatId; mapping?: unknown } | null = null;
	if (input.datasetId) {
		const ds = await datasetsRepo.findDatasetInProject(db, projectId, input.datasetId);
		if (!ds) throw new AppError('NOT_FOUND', 'Dataset not found.');
		remembered = (ds.fieldMapping as { format?: FormatId; mapping?: unknown } | null) ?? null;
	}
	return buildPreview(db, imp, { format: input.format ?? null, mapping: input.mapping, remembered });
}

export const StartImportSchema = z
	.object({
		importId: z.string().uuid(),
		datasetId: z.string().uuid().nullish(),
		newDatasetName: z.string().trim().min(1).max(200).nullish(),
		format: FormatIdSchema,
		mapping: z.record(z.string(), z.unknown()).nullish()
	})
	.refine((v) => !!v.datasetId !== !!v.newDatasetName, {
		message: 'Choose an existing dataset or a name for a new one.',
		path: ['datasetId']
	});
export type StartImportInput = z.infer<typeof StartImportSchema>;

export async function startImport(db: Db, queue: Queue, projectId: string, input: StartImportInput) {
	const imp = await requireImport(db, projectId, input.importId);
	if (!['uploaded', 'failed'].includes(imp.status))
		throw new AppError('CONFLICT', `This import is ${imp.status} and cannot be started.`);
	const adapter = adapters[input.format];
	// No fallback to the preview's suggestion: settings that change what the data means (human
	// labels or judge verdicts, whose) are pre-filled from the file name in the preview, where
	// the person sees and confirms them, and are only ever taken from what was sent.
	const mapping = adapter.options.safeParse(input.mapping ?? {});
	if (!mapping.success) {
		throw new AppError('BAD_REQUEST', 'The field mapping is not valid.', {
			errors: mapping.error.issues.map((i): ImportErrorEntry => ({
				line: 0,
				field: i.path.join('.') || 'mapping',
				reason: i.message
			}))
		});
	}
	if (input.datasetId && !(await datasetsRepo.findDatasetInProject(db, projectId, input.datasetId)))
		throw new AppError('NOT_FOUND', 'Dataset not found.');
	if (input.newDatasetName && (await datasetsRepo.findDatasetByName(db, projectId, input.newDatasetName))) {
		throw new AppError('CONFLICT', `A dataset named "${input.newDatasetName}" already exists.`);
	}
	const moved = await importsRepo.transition(db, imp.id, ['uploaded', 'failed'], 'queued', {
		datasetId: input.datasetId ?? null,
		newDatasetName: input.newDatasetName ?? null,
		format: input.format,
		mapping: mapping.data
	});
	if (!moved) throw new AppError('CONFLICT', 'This import was started by someone else.');
	await queue.enqueue(
		'dataset.import',
		{ importId: imp.id },
		{ jobKey: importJobKey(imp.id), maxAttempts: IMPORT_JOB_ATTEMPTS }
	);
	return getImport(db, projectId, imp.id);
}

const importJobKey = (importId: string) => `dataset-import:${importId}`;

export type ImportView = Awaited<ReturnType<typeof getImport>>;

function view(row: importsRepo.ImportRow) {
	const { cancelRequested, ...rest } = row;
	return { ...rest, cancelRequested, progress: row.byteSize > 0 ? Math.min(1, row.bytesRead / row.byteSize) : 0 };
}

export async function getImport(db: Db, projectId: string, importId: string) {
	return view(await requireImport(db, projectId, importId));
}

export async function listImports(db: Db, projectId: string, opts: { datasetId?: string; limit?: number } = {}) {
	const rows = await importsRepo.listImports(db, projectId, { datasetId: opts.datasetId, limit: opts.limit ?? 50 });
	return rows.map(view);
}

/**
 * Queued or uploaded imports stop at once; a running one stops at its next
 * progress tick and rolls back. One whose worker died (or that waits for its
 * retry) has nobody to read the flag, so it is cancelled here and its job removed;
 * in the window before a death is noticed, the flag is read by the release hook.
 */
export async function cancelImport(db: Db, projectId: string, importId: string) {
	const imp = await requireImport(db, projectId, importId);
	if (await importsRepo.transition(db, imp.id, ['uploaded', 'queued', 'failed'], 'cancelled')) {
		await importsRepo.deleteChunks(db, imp.id);
	} else if (['validating', 'importing'].includes(imp.status)) {
		await importsRepo.requestCancel(db, imp.id);
		if ((await jobLiveness(db, importJobKey(imp.id))) !== 'running') {
			if (await importsRepo.transition(db, imp.id, ['validating', 'importing'], 'cancelled')) {
				await removeJob(db, importJobKey(imp.id));
				await importsRepo.deleteChunks(db, imp.id);
			}
		}
	} else {
		throw new AppError('CONFLICT', `This import is ${imp.status} and cannot be cancelled.`);
	}
	return getImport(db, projectId, imp.id);
}

/** Imports that wrote nothing and run nowhere: an admin may remove them from the history. */
const DISCARDABLE = ['uploaded', 'failed', 'cancelled'] as const;

/** Removes an abandoned or unsuccessful import from the history, with its stored upload. */
export async function discardImport(db: Db, projectId: string, importId: string): Promise<void> {
	const imp = await requireImport(db, projectId, importId);
	// The status is checked again by the delete itself: an import started meanwhile stays.
	if (!(await importsRepo.deleteImportIn(db, imp.id, DISCARDABLE)))
		throw new AppError('CONFLICT', `This import is ${imp.status} and cannot be discarded.`);
}

export { formatList };
