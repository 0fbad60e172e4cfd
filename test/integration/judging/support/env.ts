/**
 * A judge-run test's world: its own database (so no other test file's worker takes its jobs), a
 * project with one member per role, a tRPC caller per user, and optionally a real in-process
 * graphile-worker running the real job handlers (with a short LLM backoff so faults retry fast).
 */
import { randomUUID } from 'node:crypto';
import type { SessionUser } from '../../../../src/lib/server/auth/types';
import { createDb, createPool } from '../../../../src/lib/server/db/client';
import { createJobHandlers } from '../../../../src/lib/server/jobs/handlers';
import { startWorker, type WorkerHandle } from '../../../../src/lib/server/jobs/queue';
import type { ExecutorDeps } from '../../../../src/lib/server/services/judge-executor';
import { createCallerFactory } from '../../../../src/lib/server/trpc/init';
import { appRouter } from '../../../../src/lib/server/trpc/router';
import { makeProjectWithMembers, type ProjectWithMembers } from '../../projects/factories';
import { createOwnDatabase, type OwnDatabase } from '../../worker/support/own-database';

const createCaller = createCallerFactory(appRouter);

export interface JudgingEnv extends OwnDatabase {
	project: ProjectWithMembers;
	caller(user: SessionUser): ReturnType<typeof createCaller>;
	admin(): ReturnType<typeof createCaller>;
	startWorker(opts?: { llm?: ExecutorDeps['llm']; concurrency?: number }): Promise<WorkerHandle>;
}

export const FAST_BACKOFF: ExecutorDeps['llm'] = { backoff: { baseMs: 20, maxMs: 200 } };

export async function createJudgingEnv(label: string): Promise<JudgingEnv> {
	const own = await createOwnDatabase(label);
	const project = await makeProjectWithMembers(own.db, `Judging ${label}`);
	const workers: WorkerHandle[] = [];
	const pools: { end(): Promise<void> }[] = [];
	const caller = (user: SessionUser) =>
		createCaller({
			db: own.db,
			queue: own.queue,
			user,
			session: { id: `test-${randomUUID()}`, createdAt: new Date(), lastVerifiedAt: new Date() },
			request: { clientAddress: '127.0.0.1', userAgent: 'vitest' }
		});
	return {
		...own,
		project,
		caller,
		admin: () => caller(project.admin),
		async startWorker(opts = {}) {
			const pool = createPool(own.url, 10);
			pools.push(pool);
			const db = createDb(pool);
			const name = `test-worker-${randomUUID().slice(0, 6)}`;
			const worker = await startWorker({
				pool,
				handlers: createJobHandlers({ db, pool, workerName: name, llm: opts.llm ?? FAST_BACKOFF }),
				concurrency: opts.concurrency ?? 4,
				name,
				heartbeat: { db, intervalMs: 500 }
			});
			workers.push(worker);
			return worker;
		},
		async close() {
			await Promise.all(workers.map((w) => w.stop()));
			await Promise.all(pools.map((p) => p.end()));
			await own.close();
		}
	};
}

/** Polls until `fn` returns a value (not undefined), or fails after `timeoutMs`. */
export async function until<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await fn();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}
