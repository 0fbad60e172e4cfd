/**
 * Per-file test harness: a pool, Kysely, a queue and a tRPC caller factory on
 * the shared test database. Tests isolate by creating their own users and
 * projects (unique emails/names), never by truncating.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type pg from 'pg';
import { createDb, createPool, type Db } from '../../../src/lib/server/db/client';
import { createQueue, type Queue } from '../../../src/lib/server/jobs/queue';
import type { ApiTokenInfo, SessionInfo, SessionUser } from '../../../src/lib/server/auth/types';
import type { Context } from '../../../src/lib/server/trpc/init';
import { createCallerFactory } from '../../../src/lib/server/trpc/init';
import { appRouter } from '../../../src/lib/server/trpc/router';

export interface Harness {
	url: string;
	db: Db;
	/** The pool behind `db` (dedicated connections: COPY). */
	pool: pg.Pool;
	queue: Queue;
	/** A tRPC caller acting as `user` (or anonymous); with `apiToken`, as a script holding that token (no session). */
	caller(
		user?: SessionUser | null,
		opts?: { clientAddress?: string; apiToken?: ApiTokenInfo }
	): ReturnType<typeof createCaller>;
	close(): Promise<void>;
}

const createCaller = createCallerFactory(appRouter);

export async function createHarness(): Promise<Harness> {
	const url = inject('databaseUrl');
	const pool = createPool(url, 5);
	const db = createDb(pool);
	const queue = await createQueue(pool);
	return {
		url,
		db,
		pool,
		queue,
		caller(user = null, opts = {}) {
			const session: SessionInfo | null =
				user && !opts.apiToken
					? { id: `test-${randomUUID()}`, createdAt: new Date(), lastVerifiedAt: new Date() }
					: null;
			const ctx: Context = {
				db,
				queue,
				user,
				session,
				apiToken: opts.apiToken ?? null,
				request: { clientAddress: opts.clientAddress ?? '127.0.0.1', userAgent: 'vitest' }
			};
			return createCaller(ctx);
		},
		async close() {
			await queue.release();
			await db.destroy();
		}
	};
}

export function uniqueEmail(prefix = 'user'): string {
	return `${prefix}-${randomUUID().slice(0, 8)}@example.test`;
}
