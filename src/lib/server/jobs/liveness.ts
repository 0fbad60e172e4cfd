/**
 * Dead-worker release. graphile-worker 0.17 unlocks the jobs of a crashed
 * process only after 4 hours; until then an import (or a judge run) it held is
 * stuck. So every worker pool writes a heartbeat row, and every Concord process
 * (web server or `npm run worker`) runs a sweeper that, when a pool's heartbeat
 * is older than `deadAfterMs`, unlocks that pool's jobs with graphile-worker's
 * `force_unlock_workers` — in one transaction with the services' release hooks,
 * which put their own rows back in step (an import goes back to `queued`, or to
 * `failed` with a reason after its last attempt, or stays `cancelled`).
 *
 * A job that graphile-worker releases will run again from its start: handlers
 * must be safe to re-run (imports are: their transaction died with the process).
 */
import type { Db } from '../db/client';
import * as heartbeats from '../db/repositories/worker-heartbeats';
import { env } from '../env';
import { logger } from '../logger';
import { jobDefinitions, type JobName, type JobPayload } from './definitions';

export interface LivenessConfig {
	/** How often a pool refreshes its heartbeat row. */
	heartbeatMs: number;
	/** A pool whose heartbeat is older than this is dead; its jobs are released. */
	deadAfterMs: number;
}

export function livenessConfig(): LivenessConfig {
	const config = env();
	return { heartbeatMs: config.CONCORD_WORKER_HEARTBEAT_MS, deadAfterMs: config.CONCORD_WORKER_DEAD_AFTER_MS };
}

/** What a release hook learns about a job whose worker died. */
export interface ReleasedJob {
	jobId: string;
	/** Attempts used so far, including the one that died. */
	attempts: number;
	maxAttempts: number;
	/** No attempts left: the job will not run again unless the hook drops it first. */
	final: boolean;
	/** Plain words for people, e.g. for an import's error list. */
	reason: string;
}

/**
 * Runs inside the sweep transaction (`trx`), so the job's release and the
 * service's own state change commit together. 'drop' deletes the job instead of
 * retrying it (e.g. its import was cancelled meanwhile).
 */
export type ReleaseHook<N extends JobName> = (
	payload: JobPayload<N>,
	job: ReleasedJob,
	trx: Db
) => Promise<'retry' | 'drop' | void>;
export type ReleaseHooks = { [N in JobName]?: ReleaseHook<N> };

export interface SweepOptions {
	deadAfterMs: number;
	hooks?: ReleaseHooks;
	/** This process's own pools: alive by definition, even when a busy event loop delayed their beat. */
	ownPools?: () => string[];
}

export interface SweepResult {
	pools: heartbeats.DeadPool[];
	jobs: (ReleasedJob & { name: string; poolId: string; outcome: 'retry' | 'drop' | 'failed' })[];
}

const log = logger.child({ component: 'liveness' });

/** One sweep: release every dead pool's jobs. Safe to call from many processes at once. */
export async function sweepDeadWorkers(db: Db, options: SweepOptions): Promise<SweepResult> {
	const result = await db.transaction().execute(async (trx): Promise<SweepResult> => {
		const empty: SweepResult = { pools: [], jobs: [] };
		if (!(await heartbeats.trySweepLock(trx))) return empty;
		const pools = await heartbeats.findDeadPools(trx, options.deadAfterMs, options.ownPools?.() ?? []);
		if (pools.length === 0) return empty;
		const byId = new Map(pools.map((p) => [p.poolId, p]));
		const locked = await heartbeats.findJobsLockedBy(trx, [...byId.keys()]);
		await heartbeats.forceUnlockPools(trx, [...byId.keys()]);
		const jobs: SweepResult['jobs'] = [];
		const drop: string[] = [];
		const fail = new Map<string, string>();
		for (const job of locked) {
			const pool = byId.get(job.lockedBy);
			const released: ReleasedJob = {
				jobId: job.id,
				attempts: job.attempts,
				maxAttempts: job.maxAttempts,
				final: job.attempts >= job.maxAttempts,
				reason: deathReason(pool, job.attempts, job.maxAttempts)
			};
			const outcome = await runHook(trx, options.hooks, job, released);
			if (outcome === 'drop') drop.push(job.id);
			else if (released.final) fail.set(job.id, released.reason);
			jobs.push({
				...released,
				name: job.taskIdentifier,
				poolId: job.lockedBy,
				outcome: outcome === 'drop' ? 'drop' : released.final ? 'failed' : 'retry'
			});
		}
		await heartbeats.completeJobs(trx, drop);
		for (const [id, reason] of fail) await heartbeats.failJobsPermanently(trx, [id], reason);
		return { pools, jobs };
	});
	for (const pool of result.pools) {
		const jobs = result.jobs.filter((j) => j.poolId === pool.poolId);
		log.warn('released the jobs of a dead worker', {
			pool: pool.poolId,
			worker: pool.workerName,
			lastHeartbeat: pool.beatAt,
			jobs: jobs.map((j) => ({ id: j.jobId, name: j.name, outcome: j.outcome }))
		});
	}
	return result;
}

function deathReason(pool: heartbeats.DeadPool | undefined, attempts: number, maxAttempts: number): string {
	const who = pool?.workerName ? `worker ${pool.workerName} (${pool.poolId})` : `worker pool ${pool?.poolId ?? '?'}`;
	const when = pool?.beatAt ? `its last heartbeat was at ${pool.beatAt.toISOString()}` : 'it never sent a heartbeat';
	const next =
		attempts >= maxAttempts
			? `no attempts left (${attempts} of ${maxAttempts})`
			: `retrying (attempt ${attempts} of ${maxAttempts} was lost)`;
	return `The ${who} stopped while running this job; ${when}. ${next}.`;
}

async function runHook(
	trx: Db,
	hooks: ReleaseHooks | undefined,
	job: heartbeats.LockedJob,
	released: ReleasedJob
): Promise<'retry' | 'drop'> {
	const name = job.taskIdentifier as JobName;
	const hook = hooks?.[name] as ReleaseHook<JobName> | undefined;
	const schema = jobDefinitions[name];
	if (!hook || !schema) return 'retry';
	const payload = schema.safeParse(job.payload);
	if (!payload.success) return 'retry';
	// A savepoint per hook: one hook's failure must not abort the release of the others.
	try {
		const outcome = await heartbeats.withSavepoint(trx, () => hook(payload.data, released, trx));
		return outcome === 'drop' ? 'drop' : 'retry';
	} catch (error) {
		log.error('release hook failed; the job is released without it', { job: job.id, name, error });
		return 'retry';
	}
}

export interface Stoppable {
	stop(): Promise<void>;
}

/** Keeps one pool's heartbeat row fresh until `stop()` (after the pool has drained). */
export async function startHeartbeat(
	db: Db,
	options: { poolId: string; workerName: string; heartbeatMs: number }
): Promise<Stoppable> {
	await heartbeats.registerPool(db, options.poolId, options.workerName);
	let inFlight: Promise<void> = Promise.resolve();
	const timer = setInterval(() => {
		inFlight = (async () => {
			const alive = await heartbeats.beat(db, options.poolId);
			if (!alive) {
				// A sweeper thought this pool dead (a stall longer than the threshold) and
				// released its jobs: they may now run twice. Say so, and carry on beating.
				log.error('this worker was declared dead and its jobs were released; raise CONCORD_WORKER_DEAD_AFTER_MS', {
					pool: options.poolId
				});
				await heartbeats.registerPool(db, options.poolId, options.workerName);
			}
		})().catch((error) => log.warn('heartbeat failed', { pool: options.poolId, error }));
	}, options.heartbeatMs);
	timer.unref();
	return {
		async stop() {
			clearInterval(timer);
			await inFlight;
			await heartbeats
				.unregisterPool(db, options.poolId)
				.catch((error) => log.warn('heartbeat cleanup failed', { error }));
		}
	};
}

/** Sweeps every quarter of the threshold, so a dead pool is released within 1.25 × deadAfterMs. */
export function startSweeper(db: Db, options: SweepOptions): Stoppable {
	let inFlight: Promise<unknown> = Promise.resolve();
	let stopped = false;
	const sweep = () => {
		if (stopped) return;
		inFlight = sweepDeadWorkers(db, options).catch((error) => log.warn('dead-worker sweep failed', { error }));
	};
	const timer = setInterval(sweep, Math.max(250, Math.floor(options.deadAfterMs / 4)));
	timer.unref();
	// At start-up too: a restarted `npm start` releases what its killed predecessor held.
	sweep();
	return {
		async stop() {
			stopped = true;
			clearInterval(timer);
			await inFlight;
		}
	};
}

/** Where the job with `jobKey` stands: for services deciding whether anyone will act on a flag they set. */
export function jobLiveness(
	db: Db,
	jobKey: string,
	deadAfterMs = livenessConfig().deadAfterMs
): Promise<heartbeats.JobLiveness> {
	return heartbeats.jobLivenessByKey(db, jobKey, deadAfterMs);
}

/** Stops a job from running (again): deletes it if waiting; if locked, takes its retries away. */
export async function removeJob(db: Db, jobKey: string): Promise<void> {
	await heartbeats.removeJobByKey(db, jobKey);
}
