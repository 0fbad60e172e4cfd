/**
 * graphile-worker on the application's own PostgreSQL. `startWorker` runs the
 * handlers in this process (the in-process worker of `npm start`, or the
 * separate `npm run worker` processes); `createQueue` only enqueues.
 */
import { EventEmitter } from 'node:events';
import {
	Logger as WorkerLogger,
	makeWorkerUtils,
	run,
	type Runner,
	type Task,
	type TaskList,
	type WorkerEvents,
	type WorkerUtils
} from 'graphile-worker';
import type pg from 'pg';
import type { Db } from '../db/client';
import { logger } from '../logger';
import { jobDefinitions, type JobName, type JobPayload, type JobSpec } from './definitions';
import { startHeartbeat } from './liveness';

export interface Queue {
	enqueue<N extends JobName>(name: N, payload: JobPayload<N>, spec?: JobSpec): Promise<{ id: string }>;
	release(): Promise<void>;
}

export async function createQueue(pool: pg.Pool): Promise<Queue> {
	const utils: WorkerUtils = await makeWorkerUtils({ pgPool: pool });
	// Creates graphile_worker's schema if missing; it takes its own lock.
	await utils.migrate();
	return {
		async enqueue(name, payload, spec) {
			const valid = jobDefinitions[name].parse(payload);
			// graphile-worker's typed task map is global; our schema map is the contract.
			const job = await utils.addJob(name as string, valid as never, spec);
			return { id: job.id };
		},
		release: async () => {
			await utils.release();
		}
	};
}

export type JobHandler<N extends JobName> = (
	payload: JobPayload<N>,
	ctx: { jobId: string; attempt: number; signal: AbortSignal }
) => Promise<void>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };

export interface WorkerHandle {
	/** Stops taking jobs and waits for the ones in flight (graceful drain). */
	stop(): Promise<void>;
	readonly name: string;
	/** graphile-worker's pool id: what its jobs carry in `locked_by`, and the heartbeat row's key. */
	readonly poolId: string;
}

export async function startWorker(options: {
	pool: pg.Pool;
	handlers: JobHandlers;
	concurrency: number;
	name: string;
	/** The SvelteKit server and our worker entry handle signals themselves. */
	noHandleSignals?: boolean;
	/** The pool's heartbeat (jobs/liveness.ts), so its jobs are released if this process dies. */
	heartbeat: { db: Db; intervalMs: number };
}): Promise<WorkerHandle> {
	const log = logger.child({ component: 'worker', worker: options.name });
	const taskList: TaskList = {};
	for (const name of Object.keys(jobDefinitions) as JobName[]) {
		const handler = options.handlers[name] as JobHandler<JobName>;
		const task: Task = async (raw, helpers) => {
			const payload = jobDefinitions[name].parse(raw);
			const started = Date.now();
			await handler(payload, {
				jobId: helpers.job.id,
				attempt: helpers.job.attempts,
				signal: helpers.abortSignal ?? new AbortController().signal
			});
			log.info('job done', { job: name, jobId: helpers.job.id, ms: Date.now() - started });
		};
		taskList[name] = task;
	}
	// graphile-worker names its pool only in this event; the pool id is what it writes into locked_by.
	const events = new EventEmitter() as WorkerEvents;
	let poolId: string | undefined;
	events.on('pool:create', ({ workerPool }) => {
		poolId = workerPool.id;
	});
	const runner: Runner = await run({
		events,
		pgPool: options.pool,
		concurrency: options.concurrency,
		taskList,
		noHandleSignals: options.noHandleSignals ?? true,
		parsedCronItems: [],
		pollInterval: 1000,
		// With the default (-1) a job's completion is written fire-and-forget, so a
		// graceful stop can close the pool before it lands and the finished job stays
		// locked for 4 hours. Batching (even with 0 delay) is flushed by runner.stop().
		preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
		logger: workerLogger(log)
	});
	if (!poolId) {
		await runner.stop();
		throw new Error('graphile-worker did not report its pool id (pool:create); check the graphile-worker version.');
	}
	const heartbeat = await startHeartbeat(options.heartbeat.db, {
		poolId,
		workerName: options.name,
		heartbeatMs: options.heartbeat.intervalMs
	});
	log.info('worker started', { concurrency: options.concurrency, pool: poolId });
	return {
		name: options.name,
		poolId,
		async stop() {
			await runner.stop();
			// Beats until the drain is over: a slow drain must not look like a death.
			await heartbeat.stop();
			log.info('worker stopped');
		}
	};
}

/** Routes graphile-worker's own messages into our structured log. */
function workerLogger(log: ReturnType<typeof logger.child>): WorkerLogger {
	return new WorkerLogger(() => (level, message, meta) => {
		const fields = meta as Record<string, unknown> | undefined;
		if (level === 'error') log.error(message, fields);
		else if (level === 'warning') log.warn(message, fields);
		else if (level === 'info') log.info(message, fields);
		else log.debug(message, fields);
	});
}
