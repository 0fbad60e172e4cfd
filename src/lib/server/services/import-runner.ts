/**
 * The body of the 'dataset.import' job, in three steps run in ONE transaction
 * on one dedicated connection (db/bulk/transaction.ts):
 *   stage (import-stage.ts)  stream the stored upload through the parser into a temp table by COPY
 *   check (import-check.ts)  the staged rows against themselves and the dataset
 *   merge (import-merge.ts)  new rows into the real tables, revision, counters, import succeeded
 * Any bad row, conflict or cancel rolls everything back, so a file is imported
 * whole or not at all. Progress (bytes, rows) and the cancel flag go through
 * the pool on a separate connection every ~0.5 s, so the UI sees them while
 * the transaction is open.
 */
import type pg from 'pg';
import type { Db } from '../db/client';
import { withDedicatedTransaction } from '../db/bulk/transaction';
import * as importsRepo from '../db/repositories/imports';
import { ImportFileError, IssueList } from '../importers/issues';
import { importLimits, type ImportLimits } from '../importers/limits';
import type { ReleasedJob } from '../jobs/liveness';
import { logger } from '../logger';
import { checkStaged } from './import-check';
import { mergeStaged } from './import-merge';
import { ImportCancelled, stageUpload, type ImportProgress } from './import-stage';

export interface RunnerDeps {
	db: Db;
	pool: pg.Pool;
}

export interface RunOptions {
	limits?: Partial<ImportLimits>;
	signal?: AbortSignal;
	progressIntervalMs?: number;
}

/** The checks found problems: roll back, then record them. */
class Rejected extends Error {}

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
	const progress: ImportProgress = { bytesRead: 0, rows: 0, cancel: false };
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

	const started = performance.now();
	const ms = { stage: 0, check: 0, merge: 0 };
	const lap = () => Math.round(performance.now() - started) - ms.stage - ms.check - ms.merge;
	try {
		const stats = await withDedicatedTransaction(deps.pool, async (tx) => {
			const counts = await stageUpload(tx, { pool: deps.pool, imp, limits, issues, progress, signal: options.signal });
			ms.stage = lap();
			await stopProgress();
			if (progress.cancel) throw new ImportCancelled();

			const target = await checkStaged(tx, { imp, issues, cap: limits.maxListedErrors, counts });
			ms.check = lap();
			if (!issues.empty) throw new Rejected();

			await importsRepo.transition(deps.db, importId, ['validating'], 'importing');
			return mergeStaged(tx, { imp, target, counts, progress });
		});
		ms.merge = lap();
		log.info('import succeeded', { ...stats, ms });
	} catch (error) {
		await stopProgress();
		if (error instanceof ImportCancelled) {
			await importsRepo.finishImport(deps.db, importId, {
				status: 'cancelled',
				bytesRead: progress.bytesRead,
				rows: progress.rows
			});
			await importsRepo.deleteChunks(deps.db, importId);
			return;
		}
		if (error instanceof Rejected || error instanceof ImportFileError) {
			if (error instanceof ImportFileError) issues.add(error.issue);
			await importsRepo.finishImport(deps.db, importId, {
				status: 'failed',
				errors: issues.sorted(),
				errorCount: issues.total,
				...(error instanceof Rejected ? { stats: { rows: progress.rows } } : {}),
				bytesRead: progress.bytesRead,
				rows: progress.rows
			});
			log.info('import rejected', { errors: issues.total, ms });
			return;
		}
		throw error;
	} finally {
		clearInterval(timer);
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
							'The import stopped because of a server error (it was retried). Try again later or ask an administrator to check the logs.',
						key: 'import_err_server'
					}
				],
				errorCount: 1
			})
			.catch(() => {});
	}
}

/**
 * The worker running this import died (jobs/liveness.ts). Its transaction died
 * with its connection, so nothing of the file was written. A cancel asked for
 * meanwhile is honoured now (nobody else would read the flag); otherwise the
 * import waits for the retry, or fails with the reason after the last attempt.
 */
export async function onImportJobReleased(db: Db, importId: string, job: ReleasedJob): Promise<'retry' | 'drop'> {
	const imp = await importsRepo.findImportById(db, importId);
	if (!imp || !['queued', 'validating', 'importing'].includes(imp.status)) return 'drop';
	if (imp.cancelRequested) {
		await importsRepo.finishImport(db, importId, { status: 'cancelled' });
		await importsRepo.deleteChunks(db, importId);
		return 'drop';
	}
	if (job.final) {
		await importsRepo.finishImport(db, importId, {
			status: 'failed',
			errors: [{ line: 0, field: null, reason: `The import was interrupted and not retried again. ${job.reason}` }],
			errorCount: 1
		});
		return 'drop';
	}
	await importsRepo.transition(db, importId, ['validating', 'importing'], 'queued');
	logger.warn('import requeued after its worker died', { importId, attempts: job.attempts, reason: job.reason });
	return 'retry';
}

/** Must match the maxAttempts the job is enqueued with (services/imports.ts). */
export const IMPORT_JOB_ATTEMPTS = 3;
