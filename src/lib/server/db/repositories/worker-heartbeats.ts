/**
 * Worker liveness: the heartbeat rows of running graphile-worker pools, and the
 * queries on graphile-worker's tables that release the jobs of dead pools. All
 * times come from the database clock, so hosts with skewed clocks agree.
 *
 * graphile-worker 0.17 writes the pool id (`pool-…`) into `locked_by`; its public
 * `jobs` view has no payload, so the payload of a released job is read from
 * `_private_jobs` (the only private table read here).
 */
import { sql } from 'kysely';
import type { Db } from '../client';

export async function registerPool(db: Db, poolId: string, workerName: string): Promise<void> {
	await sql`
		insert into worker_heartbeat (pool_id, worker_name) values (${poolId}, ${workerName})
		on conflict (pool_id) do update set beat_at = now()`.execute(db);
}

/** Refreshes the pool's row; false when the row was gone (a sweeper declared this pool dead). */
export async function beat(db: Db, poolId: string): Promise<boolean> {
	const res = await db
		.updateTable('worker_heartbeat')
		.set({ beat_at: sql<Date>`now()` })
		.where('pool_id', '=', poolId)
		.executeTakeFirst();
	return Number(res.numUpdatedRows) > 0;
}

export async function unregisterPool(db: Db, poolId: string): Promise<void> {
	await db.deleteFrom('worker_heartbeat').where('pool_id', '=', poolId).execute();
}

export interface DeadPool {
	poolId: string;
	/** Null for a pool that holds jobs but never wrote a heartbeat row. */
	workerName: string | null;
	beatAt: Date | null;
}

export interface LockedJob {
	id: string;
	taskIdentifier: string;
	payload: unknown;
	attempts: number;
	maxAttempts: number;
	key: string | null;
	lockedBy: string;
}

const seconds = (ms: number) => ms / 1000;

/**
 * Takes the sweep lock for this transaction; false when another process is
 * sweeping right now (it will release the same pools).
 */
export async function trySweepLock(trx: Db): Promise<boolean> {
	const { rows } = await sql<{ ok: boolean }>`
		select pg_try_advisory_xact_lock(hashtext('concord.worker-sweep')) as ok`.execute(trx);
	return rows[0]?.ok ?? false;
}

/**
 * Pools whose heartbeat is older than `deadAfterMs`, and pools that hold jobs
 * locked longer than that without any heartbeat row (killed before their first beat).
 */
export async function findDeadPools(trx: Db, deadAfterMs: number, exceptPools: string[] = []): Promise<DeadPool[]> {
	const { rows } = await sql<DeadPool>`
		select pool_id as "poolId", worker_name as "workerName", beat_at as "beatAt"
		from worker_heartbeat
		where beat_at < now() - make_interval(secs => ${seconds(deadAfterMs)})
			and pool_id <> all(${exceptPools}::text[])
		union
		select distinct j.locked_by, null::text, null::timestamptz
		from graphile_worker.jobs j
		where j.locked_by is not null
			and j.locked_at < now() - make_interval(secs => ${seconds(deadAfterMs)})
			and j.locked_by <> all(${exceptPools}::text[])
			and not exists (select 1 from worker_heartbeat h where h.pool_id = j.locked_by)`.execute(trx);
	return rows;
}

export async function findJobsLockedBy(trx: Db, poolIds: string[]): Promise<LockedJob[]> {
	if (poolIds.length === 0) return [];
	const { rows } = await sql<LockedJob>`
		select j.id::text as id, j.task_identifier as "taskIdentifier", p.payload, j.attempts,
			j.max_attempts as "maxAttempts", j.key, j.locked_by as "lockedBy"
		from graphile_worker.jobs j
		join graphile_worker._private_jobs p on p.id = j.id
		where j.locked_by = any(${poolIds}::text[])
		order by j.id
		for update of p`.execute(trx);
	return rows;
}

/**
 * Runs `fn` inside a savepoint of `trx`: if it throws, only its own writes are
 * undone and the transaction goes on (a failing release hook must not abort the sweep).
 */
export async function withSavepoint<T>(trx: Db, fn: () => Promise<T>): Promise<T> {
	await sql`savepoint release_hook`.execute(trx);
	try {
		const value = await fn();
		await sql`release savepoint release_hook`.execute(trx);
		return value;
	} catch (error) {
		await sql`rollback to savepoint release_hook`.execute(trx);
		throw error;
	}
}

/** graphile-worker's own function: clears `locked_by`/`locked_at` of the pools' jobs and queues. */
export async function forceUnlockPools(trx: Db, poolIds: string[]): Promise<void> {
	if (poolIds.length === 0) return;
	await sql`select graphile_worker.force_unlock_workers(${poolIds}::text[])`.execute(trx);
	await trx.deleteFrom('worker_heartbeat').where('pool_id', 'in', poolIds).execute();
}

/** Marks unlocked jobs as failed for good with `message` (graphile-worker keeps them for inspection). */
export async function failJobsPermanently(trx: Db, jobIds: string[], message: string): Promise<void> {
	if (jobIds.length === 0) return;
	await sql`select graphile_worker.permanently_fail_jobs(${jobIds}::bigint[], ${message})`.execute(trx);
}

/** Deletes unlocked jobs, as if they had completed. */
export async function completeJobs(trx: Db, jobIds: string[]): Promise<void> {
	if (jobIds.length === 0) return;
	await sql`select graphile_worker.complete_jobs(${jobIds}::bigint[])`.execute(trx);
}

/** graphile-worker's remove_job: deletes a waiting job; a locked one loses its key and its retries. */
export async function removeJobByKey(db: Db, jobKey: string): Promise<void> {
	await sql`select graphile_worker.remove_job(${jobKey})`.execute(db);
}

export type JobLiveness =
	/** Locked by a pool whose heartbeat is fresh. */
	| 'running'
	/** Locked by a pool that stopped beating (or never beat) longer than `deadAfterMs` ago. */
	| 'orphaned'
	/** Waiting to run (first attempt or a retry), or failed for good. */
	| 'waiting'
	/** No job with this key. */
	| 'absent';

export async function jobLivenessByKey(db: Db, jobKey: string, deadAfterMs: number): Promise<JobLiveness> {
	const { rows } = await sql<{ locked: boolean; fresh: boolean | null }>`
		select j.locked_by is not null as locked,
			-- No row yet: a pool that locked the job a moment before its first beat.
			coalesce(h.beat_at, j.locked_at) >= now() - make_interval(secs => ${seconds(deadAfterMs)}) as fresh
		from graphile_worker.jobs j
		left join worker_heartbeat h on h.pool_id = j.locked_by
		where j.key = ${jobKey}`.execute(db);
	const row = rows[0];
	if (!row) return 'absent';
	if (!row.locked) return 'waiting';
	return row.fresh ? 'running' : 'orphaned';
}
