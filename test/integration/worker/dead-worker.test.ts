/**
 * A killed worker must not strand its jobs (jobs/liveness.ts). A real
 * `npm run worker` process runs an import and is SIGKILLed between its merge and
 * its commit (a test-only delay holds it there); the import must then be retried
 * to success by another worker, or cancelled, or failed with a reason — never
 * left stuck, and nothing of the killed attempt written. The thresholds are
 * shortened through the environment; the defaults release within 75 s.
 */
import { DEAD_AFTER_MS, HEARTBEAT_MS } from './support/short-liveness-env';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../../src/lib/server/auth/types';
import { chunked } from '../../../src/lib/server/importers/test-support';
import { receiveUpload } from '../../../src/lib/server/services/imports';
import { createCallerFactory } from '../../../src/lib/server/trpc/init';
import { appRouter } from '../../../src/lib/server/trpc/router';
import { makeProjectWithMembers, type ProjectWithMembers } from '../projects/factories';
import { spawnTs, waitFor, type Child } from './support/child';
import { createOwnDatabase, type OwnDatabase } from './support/own-database';

let h: OwnDatabase;
let p: ProjectWithMembers;
const children: Child[] = [];
const createCaller = createCallerFactory(appRouter);

beforeAll(async () => {
	h = await createOwnDatabase('deadworker');
	p = await makeProjectWithMembers(h.db, 'Dead worker');
});
// Each test starts from no running worker: a leftover one would sweep and retry the next test's import.
afterEach(async () => {
	for (const c of children) c.kill('SIGTERM');
	await Promise.all(children.map((c) => c.exited));
	children.length = 0;
});
afterAll(async () => {
	for (const c of children) c.kill('SIGKILL');
	await Promise.all(children.map((c) => c.exited));
	await h.close();
});

function caller(user: SessionUser) {
	return createCaller({
		db: h.db,
		queue: h.queue,
		user,
		session: { id: `test-${randomUUID()}`, createdAt: new Date(), lastVerifiedAt: new Date() },
		request: { clientAddress: '127.0.0.1', userAgent: 'vitest' }
	});
}

function startWorker(env: Record<string, string> = {}): Child {
	// `node --import tsx`: one process, so SIGKILL hits the process that holds the jobs.
	const child = spawnTs('src/worker/index.ts', [], {
		via: 'node',
		env: {
			DATABASE_URL: h.url,
			CONCORD_WORKER_CONCURRENCY: '2',
			CONCORD_LOG_LEVEL: 'info',
			CONCORD_WORKER_HEARTBEAT_MS: String(HEARTBEAT_MS),
			CONCORD_WORKER_DEAD_AFTER_MS: String(DEAD_AFTER_MS),
			...env
		}
	});
	children.push(child);
	return child;
}

const ROWS = 2000;
const jsonl = () =>
	Array.from({ length: ROWS }, (_, i) =>
		JSON.stringify({ id: `q${i}`, prompt: `Prompt ${i}`, model: 'm', answer: `Answer ${i} `.repeat(8) })
	).join('\n') + '\n';

interface JobRow {
	id: string;
	locked_by: string | null;
	attempts: number;
	max_attempts: number;
	last_error: string | null;
}

async function jobOf(importId: string): Promise<JobRow | undefined> {
	const { rows } = await sql<JobRow>`
		select id::text as id, locked_by, attempts, max_attempts, last_error
		from graphile_worker.jobs where key = ${`dataset-import:${importId}`}`.execute(h.db);
	return rows[0];
}

const importRow = (importId: string) =>
	h.db
		.selectFrom('dataset_import')
		.select(['status', 'cancel_requested', 'errors', 'error_count'])
		.where('id', '=', importId)
		.executeTakeFirstOrThrow();

const chunkCount = async (importId: string) =>
	Number(
		(
			await h.db
				.selectFrom('dataset_import_chunk')
				.select((eb) => eb.fn.countAll().as('n'))
				.where('import_id', '=', importId)
				.executeTakeFirstOrThrow()
		).n
	);

const itemsOf = async (importId: string) =>
	Number(
		(
			await h.db
				.selectFrom('dataset_item')
				.select((eb) => eb.fn.countAll().as('n'))
				.where('import_id', '=', importId)
				.executeTakeFirstOrThrow()
		).n
	);

/** Uploads and starts an import on a worker that holds it after the merge, then SIGKILLs that worker. */
async function importKilledMidMerge(datasetName: string) {
	const doomed = startWorker({ CONCORD_TEST_IMPORT_MERGE_DELAY_MS: '600000' });
	const ready = await doomed.waitForLog('worker process ready');
	const { importId } = await receiveUpload(h.db, {
		projectId: p.projectId,
		userId: p.admin.id,
		fileName: 'answers.jsonl',
		body: chunked(Buffer.from(jsonl()), 64 * 1024)
	});
	await caller(p.admin).imports.start({
		projectId: p.projectId,
		importId,
		newDatasetName: datasetName,
		format: 'jsonl',
		mapping: { externalId: 'id', prompt: 'prompt', system: 'model', answer: 'answer' }
	});
	await doomed.waitForLog('import merged, delaying the commit (test)');
	expect((await importRow(importId)).status).toBe('importing');
	const job = await jobOf(importId);
	expect(job?.locked_by).toMatch(/^pool-/);
	doomed.kill('SIGKILL');
	expect(await doomed.exited).toBe('SIGKILL');
	const killedAt = Date.now();
	// The merge died with its connection: nothing of it is visible, and the job is still locked by the dead pool.
	await waitFor(async () => (await itemsOf(importId)) === 0 || undefined, 'the killed transaction to roll back');
	expect(await jobOf(importId)).toMatchObject({ locked_by: job?.locked_by, attempts: 1 });
	return { importId, jobId: job!.id, poolId: job!.locked_by!, worker: String(ready.worker), killedAt };
}

// Each test starts two worker processes (a few seconds each on a loaded machine) and waits out a death.
const SLOW = { timeout: 180_000 };

describe('a worker killed mid-import', SLOW, () => {
	it('is detected by its stale heartbeat; its import is retried on another worker to success, written once', async () => {
		const { importId, poolId, worker, killedAt } = await importKilledMidMerge(`retried-${randomUUID()}`);
		const rescuer = startWorker();
		await rescuer.waitForLog('worker process ready');
		const done = await waitFor(
			async () => {
				const row = await importRow(importId);
				return ['succeeded', 'failed', 'cancelled'].includes(row.status) ? row : undefined;
			},
			'the import to finish after the release',
			60_000
		);
		const elapsed = Date.now() - killedAt;
		expect(done.status).toBe('succeeded');
		expect(elapsed).toBeLessThan(2 * 60_000);

		const released = await rescuer.waitForLog('released the jobs of a dead worker');
		expect(released).toMatchObject({ pool: poolId, worker });
		expect(released.jobs).toEqual([expect.objectContaining({ name: 'dataset.import', outcome: 'retry' })]);
		// Written exactly once, by the retry; the upload's chunks are gone; so are the job and the dead pool's row.
		expect(await itemsOf(importId)).toBe(ROWS);
		const revisions = await h.db
			.selectFrom('dataset_revision')
			.select('revision')
			.where('import_id', '=', importId)
			.execute();
		expect(revisions).toEqual([{ revision: 1 }]);
		expect(await chunkCount(importId)).toBe(0);
		// The import commits 'succeeded' in its handler; graphile-worker deletes the job just after
		// the handler returns, so the job may still be there for a moment.
		await waitFor(
			async () => ((await jobOf(importId)) === undefined ? true : undefined),
			'the finished job to be deleted'
		);
		expect(await h.db.selectFrom('worker_heartbeat').where('pool_id', '=', poolId).selectAll().execute()).toEqual([]);
	});

	it('is failed with a reason when the killed attempt was its last', async () => {
		const { importId, jobId } = await importKilledMidMerge(`last-attempt-${randomUUID()}`);
		// As if this had been the third attempt: no retries left.
		await sql`update graphile_worker._private_jobs set attempts = max_attempts where id = ${jobId}::bigint`.execute(
			h.db
		);
		const rescuer = startWorker();
		const done = await waitFor(
			async () => {
				const row = await importRow(importId);
				return row.status === 'importing' ? undefined : row;
			},
			'the import to be released',
			60_000
		);
		expect(done.status).toBe('failed');
		expect(done.error_count).toBe(1);
		expect(JSON.stringify(done.errors)).toMatch(/interrupted.*stopped while running this job.*no attempts left/);
		expect(await itemsOf(importId)).toBe(0);
		// Kept so the admin can start it again; the job is gone (or going: the same race), not stuck.
		expect(await chunkCount(importId)).toBeGreaterThan(0);
		await waitFor(
			async () => ((await jobOf(importId)) === undefined ? true : undefined),
			'the failed job to be deleted'
		);
		await rescuer.waitForLog('released the jobs of a dead worker');
	});
});

describe('imports.cancel on an import whose worker died', SLOW, () => {
	it('cancels at once when the death is already known, even with no worker running', async () => {
		const { importId } = await importKilledMidMerge(`cancel-late-${randomUUID()}`);
		await new Promise((r) => setTimeout(r, DEAD_AFTER_MS + 500));
		const view = await caller(p.admin).imports.cancel({ projectId: p.projectId, importId });
		expect(view.status).toBe('cancelled');
		expect(await chunkCount(importId)).toBe(0);
		// The job lost its key and retries: when a worker comes, it releases and drops it without running it.
		const rescuer = startWorker();
		await rescuer.waitForLog('released the jobs of a dead worker');
		await waitFor(async () => (await jobOf(importId)) === undefined || undefined, 'the job to be dropped');
		expect((await importRow(importId)).status).toBe('cancelled');
		expect(await itemsOf(importId)).toBe(0);
	});

	it('asked before the death is noticed, is honoured when the job is released', async () => {
		const { importId } = await importKilledMidMerge(`cancel-early-${randomUUID()}`);
		const view = await caller(p.admin).imports.cancel({ projectId: p.projectId, importId });
		// The heartbeat is still fresh: the flag is set for whoever acts next.
		expect(view).toMatchObject({ status: 'importing', cancelRequested: true });
		startWorker();
		const done = await waitFor(
			async () => {
				const row = await importRow(importId);
				return row.status === 'importing' ? undefined : row;
			},
			'the cancel to land',
			60_000
		);
		expect(done.status).toBe('cancelled');
		expect(await chunkCount(importId)).toBe(0);
		expect(await itemsOf(importId)).toBe(0);
		await waitFor(async () => (await jobOf(importId)) === undefined || undefined, 'the job to be dropped');
	});
});
