/**
 * Boots what the web server and the worker share: the built-in judges (validated
 * first), the database (DATABASE_URL or embedded), migrations, the job queue and optionally an in-process worker.
 * `stop()` drains the worker first, then closes the pool, then stops an
 * embedded PostgreSQL we own — the reverse of start-up.
 */
import os from 'node:os';
import type pg from 'pg';
import { createDb, createPool, SERVER_POOL_IDLE_MS, type Db } from './db/client';
import { readPublishedConnection, startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded';
import { migrateToLatest } from './db/migrate';
import { dataDir, env, type Env } from './env';
import { initBuiltinJudges } from './judging/builtin-registry';
import { createJobHandlers, createReleaseHooks } from './jobs/handlers';
import { startSweeper } from './jobs/liveness';
import { createQueue, startWorker, type Queue, type WorkerHandle } from './jobs/queue';
import { logger } from './logger';

export interface Runtime {
	db: Db;
	pool: pg.Pool;
	queue: Queue;
	databaseUrl: string;
	embedded?: EmbeddedDatabase;
	worker?: WorkerHandle;
	stop(): Promise<void>;
}

export interface RuntimeOptions {
	/** Start an in-process worker. */
	worker: boolean;
	/** For `npm run worker`: never start an embedded server, only join one. */
	joinOnly?: boolean;
	workerName?: string;
	config?: Env;
}

export async function resolveDatabaseUrl(
	config: Env,
	joinOnly = false
): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
	if (config.DATABASE_URL) return { url: config.DATABASE_URL };
	if (joinOnly) {
		const url = await readPublishedConnection(dataDir(config));
		if (!url) {
			throw new Error(
				`No DATABASE_URL and no running Concord in ${dataDir(config)}. Start \`npm start\` first, or set DATABASE_URL to the shared PostgreSQL.`
			);
		}
		return { url };
	}
	const embedded = await startEmbeddedPostgres({ dataDir: dataDir(config), port: config.CONCORD_PG_PORT });
	return { url: embedded.url, embedded };
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
	const config = options.config ?? env();
	// First, before any database: a wrong judge file must stop start-up, naming file and field.
	const judges = await initBuiltinJudges(config.CONCORD_JUDGES_DIR);
	logger.info('built-in judges loaded', { judges: judges.length });
	const { url, embedded } = await resolveDatabaseUrl(config, options.joinOnly);
	const pool = createPool(url, 20, { idleTimeoutMillis: SERVER_POOL_IDLE_MS });
	const db = createDb(pool);
	try {
		const applied = await migrateToLatest(db);
		if (applied.length > 0) logger.info('migrations applied', { applied });
		const queue = await createQueue(pool);
		const workerName = options.workerName ?? `${os.hostname()}:${process.pid}`;
		const worker = options.worker
			? await startWorker({
					pool,
					handlers: createJobHandlers({ db, pool, workerName }),
					concurrency: config.CONCORD_WORKER_CONCURRENCY,
					name: workerName,
					heartbeat: { db, intervalMs: config.CONCORD_WORKER_HEARTBEAT_MS }
				})
			: undefined;
		// Every process sweeps, a web server without a worker too: someone must release
		// the jobs of a killed worker even when no other worker is running.
		const sweeper = startSweeper(db, {
			deadAfterMs: config.CONCORD_WORKER_DEAD_AFTER_MS,
			hooks: createReleaseHooks({ db }),
			ownPools: () => (worker ? [worker.poolId] : [])
		});
		let stopping: Promise<void> | undefined;
		return {
			db,
			pool,
			queue,
			databaseUrl: url,
			embedded,
			worker,
			stop() {
				stopping ??= (async () => {
					await sweeper.stop();
					await worker?.stop();
					await queue.release();
					await db.destroy();
					await embedded?.stop();
				})();
				return stopping;
			}
		};
	} catch (error) {
		await db.destroy().catch(() => {});
		await embedded?.stop().catch(() => {});
		throw error;
	}
}

// One runtime per process; kept on globalThis so Vite's module reloading in
// dev does not boot a second database or worker.
const holder = globalThis as typeof globalThis & { __concordRuntime?: Promise<Runtime> };

export function bootRuntime(options: RuntimeOptions): Promise<Runtime> {
	holder.__concordRuntime ??= startRuntime(options);
	return holder.__concordRuntime;
}

export function getRuntime(): Promise<Runtime> {
	if (!holder.__concordRuntime) throw new Error('Concord runtime is not started (hooks.server.ts init).');
	return holder.__concordRuntime;
}
