/**
 * The body of the 'dataset.import' job: stream the stored upload through the
 * parser into a staging table (COPY), check it against itself and the dataset,
 * then merge — all in ONE transaction on one connection. Any bad row, conflict
 * or cancel rolls everything back, so a file is imported whole or not at all.
 * Progress (bytes, rows) and the cancel flag go through the pool on a separate
 * connection every ~0.5 s, so the UI sees them while the transaction is open.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Db } from '../db/client';
import * as datasetsRepo from '../db/repositories/datasets';
import * as importsRepo from '../db/repositories/imports';
import * as staging from '../db/repositories/import-staging';
import type { ImportStats } from '../db/schema';
import { ImportFileError, IssueList, fileError } from '../importers/issues';
import { importLimits, type ImportLimits } from '../importers/limits';
import { openImport } from '../importers/pipeline';
import type { FormatId } from '../importers/formats/types';
import { dbOnClient } from '../importers/writer/client-db';
import { CopyBuffer } from '../importers/writer/copy-buffer';
import { copyFrom, type CopyWriter } from '../importers/writer/copy-from';
import { StageEncoder } from '../importers/writer/stage-rows';
import { logger } from '../logger';

export interface RunnerDeps {
	db: Db;
	pool: pg.Pool;
}

export interface RunOptions {
	limits?: Partial<ImportLimits>;
	signal?: AbortSignal;
	progressIntervalMs?: number;
}

/** The import stopped for a reason the user caused (cancel); not an error to retry. */
class Cancelled extends Error {}

export async function runImport(deps: RunnerDeps, importId: string, options: RunOptions = {}): Promise<void> {
	const log = logger.child({ component: 'import', importId });
	const imp = await importsRepo.findImportById(deps.db, importId);
	if (!imp) return;
	// A retried job finds 'validating'/'importing': the earlier attempt's transaction was rolled back.
	if (
		!(await importsRepo.transition(deps.db, importId, ['queued', 'validating', 'importing'], 'validating', {
			startedAt: new Date()
		}))
	) {
		log.info('import not runnable', { status: imp.status });
		return;
	}
	const limits = importLimits(options.limits);
	const issues = new IssueList(limits.maxListedErrors);
	const progress = { bytesRead: 0, rows: 0, cancel: false };
	let lastWrite = Promise.resolve();
	const timer = setInterval(() => {
		lastWrite = lastWrite
			.then(() => importsRepo.updateProgress(deps.db, importId, { bytesRead: progress.bytesRead, rows: progress.rows }))
			.then((r) => {
				if (r.cancelRequested) progress.cancel = true;
			})
			.catch((error) => log.warn('progress update failed', { error }));
	}, options.progressIntervalMs ?? 500);
	const stopProgress = async () => {
		clearInterval(timer);
		await lastWrite;
	};

	const client = await deps.pool.connect();
	let reader: pg.PoolClient | null = null;
	let copy: CopyWriter | null = null;
	let clientBroken = false;
	try {
		await client.query('begin');
		await staging.createStage(client);
		copy = await copyFrom(client, staging.stageCopySql);
		const started = performance.now();
		const ms = { stage: 0, check: 0, merge: 0 };
		reader = await deps.pool.connect();
		const counts = await streamIntoStage({ deps, imp, limits, issues, progress, copy, reader, signal: options.signal });
		// The reader may stop mid-COPY (a file error): never return such a connection to the pool.
		reader.release(true);
		reader = null;
		const staged = copy;
		copy = null;
		await staged.end();
		ms.stage = Math.round(performance.now() - started);
		await stopProgress();
		if (progress.cancel) throw new Cancelled();

		const txDb = dbOnClient(client);
		const target = await resolveTarget(txDb, imp);
		await staging.assignJudgmentSamples(client);
		const found = await staging.findStageProblems(client, {
			datasetId: target.existingId,
			projectId: imp.projectId,
			cap: limits.maxListedErrors,
			onlyDuplicates: !issues.empty
		});
		issues.addAll(found.issues);
		issues.total += found.total - found.issues.length;
		ms.check = Math.round(performance.now() - started) - ms.stage;
		if (!issues.empty) {
			await client.query('rollback');
			await importsRepo.finishImport(deps.db, importId, {
				status: 'failed',
				errors: issues.sorted(),
				errorCount: issues.total,
				stats: { rows: progress.rows },
				bytesRead: progress.bytesRead,
				rows: progress.rows
			});
			log.info('import rejected', { errors: issues.total });
			return;
		}

		await importsRepo.transition(deps.db, importId, ['validating'], 'importing');
		const datasetId = target.existingId ?? (await createTargetDataset(txDb, imp));
		const locked = await datasetsRepo.lockDataset(txDb, datasetId);
		const revision = (locked?.currentRevision ?? 0) + 1;
		const merged = await staging.mergeStage(client, {
			datasetId,
			projectId: imp.projectId,
			importId,
			revision,
			userId: imp.createdBy
		});
		const added =
			merged.itemsAdded +
			merged.answersAdded +
			merged.judgmentsAdded +
			merged.annotationsAdded +
			merged.referencesAdded;
		if (added > 0) {
			const prev = (await datasetsRepo.latestRevisionHash(txDb, datasetId)) ?? '';
			const contentHash = createHash('sha256')
				.update(
					[
						prev,
						merged.itemsAdded,
						merged.itemsDigest,
						merged.answersAdded,
						merged.answersDigest,
						merged.referencesAdded,
						merged.judgmentsAdded,
						merged.annotationsAdded
					].join(':')
				)
				.digest('hex');
			await datasetsRepo.insertRevision(txDb, {
				datasetId,
				revision,
				contentHash,
				importId,
				createdBy: imp.createdBy,
				items: merged.itemsAdded,
				answers: merged.answersAdded,
				judgments: merged.judgmentsAdded,
				annotations: merged.annotationsAdded,
				references: merged.referencesAdded
			});
		}
		await datasetsRepo.applyImportToDataset(txDb, datasetId, {
			revision: added > 0 ? revision : null,
			items: merged.itemsAdded,
			answers: merged.answersAdded,
			judgments: merged.judgmentsAdded,
			annotations: merged.annotationsAdded,
			fieldMapping: { format: imp.format, mapping: imp.mapping }
		});
		const stats: ImportStats = {
			rows: progress.rows,
			itemsAdded: merged.itemsAdded,
			answersAdded: merged.answersAdded,
			judgmentsAdded: merged.judgmentsAdded,
			annotationsAdded: merged.annotationsAdded,
			referencesAdded: merged.referencesAdded,
			systemsAdded: merged.systemsAdded,
			judgeRunsAdded: merged.judgeRunsAdded,
			duplicatesSkipped:
				counts.items -
				merged.itemsAdded +
				(counts.answers - merged.answersAdded) +
				(counts.judgments - merged.judgmentsAdded) +
				(counts.annotations - merged.annotationsAdded)
		};
		await importsRepo.deleteChunks(txDb, importId);
		await importsRepo.finishImport(txDb, importId, {
			status: 'succeeded',
			stats,
			revision: added > 0 ? revision : null,
			datasetId,
			errors: [],
			errorCount: 0,
			bytesRead: progress.bytesRead,
			rows: progress.rows
		});
		await client.query('commit');
		ms.merge = Math.round(performance.now() - started) - ms.stage - ms.check;
		log.info('import succeeded', { ...stats, ms });
	} catch (error) {
		await stopProgress();
		if (copy) await copy.abort('import stopped').catch(() => {});
		await client.query('rollback').catch(() => {
			clientBroken = true;
		});
		if (error instanceof Cancelled) {
			await importsRepo.finishImport(deps.db, importId, {
				status: 'cancelled',
				bytesRead: progress.bytesRead,
				rows: progress.rows
			});
			await importsRepo.deleteChunks(deps.db, importId);
			return;
		}
		if (error instanceof ImportFileError) {
			issues.add(error.issue);
			await importsRepo.finishImport(deps.db, importId, {
				status: 'failed',
				errors: issues.sorted(),
				errorCount: issues.total,
				bytesRead: progress.bytesRead,
				rows: progress.rows
			});
			return;
		}
		clientBroken = true;
		throw error;
	} finally {
		clearInterval(timer);
		reader?.release(true);
		client.release(clientBroken);
	}
}

/**
 * The job entry: unexpected failures (database gone, worker shutting down) are
 * retried — the transaction was rolled back, so a retry starts clean — and after
 * the last attempt the import is marked failed with a generic reason.
 */
export async function runImportJob(
	deps: { db: Db; pool?: pg.Pool },
	importId: string,
	ctx: { attempt: number; signal: AbortSignal; maxAttempts?: number }
): Promise<void> {
	if (!deps.pool) throw new Error('dataset.import needs the pg pool in createJobHandlers({ db, pool, workerName })');
	try {
		await runImport({ db: deps.db, pool: deps.pool }, importId, { signal: ctx.signal });
	} catch (error) {
		const last = ctx.attempt >= (ctx.maxAttempts ?? IMPORT_JOB_ATTEMPTS);
		logger.error('import failed unexpectedly', { importId, attempt: ctx.attempt, last, error });
		if (!last) {
			await importsRepo.transition(deps.db, importId, ['validating', 'importing'], 'queued').catch(() => {});
			throw error;
		}
		await importsRepo
			.finishImport(deps.db, importId, {
				status: 'failed',
				errors: [
					{
						line: 0,
						field: null,
						reason:
							'The import stopped because of a server error (it was retried). Try again later or ask an administrator to check the logs.'
					}
				],
				errorCount: 1
			})
			.catch(() => {});
	}
}

/** Must match the maxAttempts the job is enqueued with (services/imports.ts). */
export const IMPORT_JOB_ATTEMPTS = 3;

interface StreamCounts {
	items: number;
	answers: number;
	judgments: number;
	annotations: number;
}

async function streamIntoStage(args: {
	deps: RunnerDeps;
	imp: importsRepo.ImportRow;
	limits: ImportLimits;
	issues: IssueList;
	progress: { bytesRead: number; rows: number; cancel: boolean };
	copy: CopyWriter;
	/** A second connection, streaming the upload out while `copy` streams rows in. */
	reader: pg.PoolClient;
	signal?: AbortSignal;
}): Promise<StreamCounts> {
	const { imp, limits, issues, progress, copy } = args;
	const counts: StreamCounts = { items: 0, answers: 0, judgments: 0, annotations: 0 };
	const opened = await openImport(importsRepo.copyChunks(args.reader, imp.id), {
		fileName: imp.fileName,
		limits,
		format: imp.format as FormatId,
		mapping: imp.mapping ?? undefined,
		onRawBytes: (n) => {
			progress.bytesRead += n;
		}
	});
	if (opened.mappingIssues.length > 0) {
		await opened.close();
		issues.addAll(opened.mappingIssues);
		return counts;
	}
	const encoder = new StageEncoder();
	const out = new CopyBuffer(copy);
	try {
		for await (const batch of opened.batches) {
			progress.rows += batch.rows;
			issues.addAll(batch.issues);
			for (const rec of batch.records) {
				await out.add(encoder.encode(rec));
				if (rec.item) counts.items++;
				counts.answers += rec.answers.length;
				counts.judgments += rec.judgments.length;
				counts.annotations += rec.annotations.length;
			}
			if (encoder.systems.size > limits.maxSystems) {
				throw fileError(
					`The file names more than ${limits.maxSystems} different systems; split it or check the system column.`
				);
			}
			if (progress.cancel) throw new Cancelled();
			if (args.signal?.aborted) throw new Error('import interrupted: the worker is shutting down');
		}
		await out.flush();
	} finally {
		await opened.close();
	}
	return counts;
}

async function resolveTarget(txDb: Db, imp: importsRepo.ImportRow): Promise<{ existingId: string | null }> {
	if (imp.datasetId) {
		const ds = await datasetsRepo.findDatasetInProject(txDb, imp.projectId, imp.datasetId);
		if (!ds) throw fileError('The target dataset no longer exists.');
		return { existingId: ds.id };
	}
	const taken = await datasetsRepo.findDatasetByName(txDb, imp.projectId, imp.newDatasetName ?? '');
	if (taken)
		throw fileError(
			`A dataset named "${imp.newDatasetName}" already exists; import into it or choose another name.`,
			0,
			'newDatasetName'
		);
	return { existingId: null };
}

async function createTargetDataset(txDb: Db, imp: importsRepo.ImportRow): Promise<string> {
	const created = await datasetsRepo.insertDataset(txDb, {
		projectId: imp.projectId,
		name: imp.newDatasetName ?? imp.fileName,
		createdBy: imp.createdBy
	});
	if (!created)
		throw fileError(
			`A dataset named "${imp.newDatasetName}" already exists; import into it or choose another name.`,
			0,
			'newDatasetName'
		);
	return created.id;
}
