/**
 * The scale-out path: `npm run worker` as a separate OS process on the same
 * PostgreSQL picks up jobs enqueued elsewhere, and SIGTERM lets in-flight jobs
 * finish (nothing left locked or failed) before it exits 0. The database is this
 * file's own, so no other test's worker can take these jobs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnTs, waitFor, type Child } from './support/child';
import { createOwnDatabase, type OwnDatabase } from './support/own-database';

let h: OwnDatabase;
const children: Child[] = [];

beforeAll(async () => {
	h = await createOwnDatabase('worker');
});
afterAll(async () => {
	for (const c of children) c.kill('SIGKILL');
	await h.close();
});

function startWorker(env: Record<string, string | undefined> = {}): Child {
	const child = spawnTs('src/worker/index.ts', [], {
		env: { DATABASE_URL: h.url, CONCORD_WORKER_CONCURRENCY: '4', CONCORD_LOG_LEVEL: 'info', ...env }
	});
	children.push(child);
	return child;
}

async function createProjects(n: number, label: string): Promise<string[]> {
	const rows = await h.db
		.insertInto('project')
		.values(Array.from({ length: n }, (_, i) => ({ name: `${label} ${i} ${Date.now()}` })))
		.returning('id')
		.execute();
	return rows.map((r) => r.id);
}

interface JobRow {
	id: string;
	locked_at: Date | null;
	locked_by: string | null;
	attempts: number;
	last_error: string | null;
}

async function jobsById(ids: string[]): Promise<JobRow[]> {
	const { rows } = await sql<JobRow>`
		select id::text as id, locked_at, locked_by, attempts, last_error
		from graphile_worker.jobs where id::text = any(${ids})`.execute(h.db);
	return rows;
}

describe('npm run worker', () => {
	it('picks up jobs enqueued by another process and records its own name', async () => {
		const worker = startWorker();
		const ready = await worker.waitForLog('worker process ready');
		const workerName = String(ready.worker);
		expect(workerName).toMatch(new RegExp(`^${os.hostname()}:\\d+$`));
		expect(workerName).not.toBe(`${os.hostname()}:${process.pid}`);

		const [projectId] = await createProjects(1, 'scale-out');
		await h.queue.enqueue('project.refresh-stats', { projectId });

		const stats = await waitFor(
			() => h.db.selectFrom('project_stats').selectAll().where('project_id', '=', projectId).executeTakeFirst(),
			'the refresh job to run'
		);
		expect(stats.refreshed_by_worker).toBe(workerName);
		expect(stats.member_count).toBe(0);

		worker.kill('SIGTERM');
		expect(await worker.exited).toBe(0);
	});

	it('drains in-flight jobs on SIGTERM: they finish, the rest stay queued, nothing is left locked', async () => {
		const projectIds = await createProjects(8, 'drain');
		// Existing stats rows let this test block the jobs: each job's upsert waits on
		// the row lock held below, so the jobs are provably in flight at SIGTERM.
		await h.db
			.insertInto('project_stats')
			.values(
				projectIds.map((id) => ({
					project_id: id,
					member_count: -1,
					counts: '{}',
					refreshed_at: new Date(),
					refreshed_by_worker: 'seed'
				}))
			)
			.execute();
		const blocker = new pg.Client({ connectionString: h.url });
		await blocker.connect();
		await blocker.query('begin');
		await blocker.query('select 1 from project_stats where project_id = any($1) for update', [projectIds]);

		const worker = startWorker();
		const workerName = String((await worker.waitForLog('worker process ready')).worker);
		const jobIds: string[] = [];
		for (const projectId of projectIds) jobIds.push((await h.queue.enqueue('project.refresh-stats', { projectId })).id);

		// Concurrency 4: four jobs get locked by the worker and block on the row locks.
		const inFlight = await waitFor(async () => {
			const locked = (await jobsById(jobIds)).filter((j) => j.locked_at !== null);
			return locked.length === 4 ? locked : undefined;
		}, 'four jobs in flight');
		expect(new Set(inFlight.map((j) => j.locked_by)).size).toBe(1);

		worker.kill('SIGTERM');
		await worker.waitForLog('draining jobs');
		// Still draining: it must not exit while its jobs are blocked.
		const early = await Promise.race([worker.exited, new Promise((r) => setTimeout(() => r('running'), 1500))]);
		expect(early).toBe('running');

		await blocker.query('commit');
		await blocker.end();
		expect(await worker.exited).toBe(0);

		const left = await jobsById(jobIds);
		// The in-flight jobs completed (graphile-worker deletes finished jobs)...
		const inFlightIds = new Set(inFlight.map((j) => j.id));
		expect(left.filter((j) => inFlightIds.has(j.id))).toEqual([]);
		// ...and the rest were never started, so another worker can take them.
		expect(left).toHaveLength(jobIds.length - inFlight.length);
		for (const job of left)
			expect(job).toMatchObject({ locked_at: null, locked_by: null, attempts: 0, last_error: null });

		const stats = await h.db
			.selectFrom('project_stats')
			.select(['refreshed_by_worker', 'member_count'])
			.where('project_id', 'in', projectIds)
			.execute();
		expect(stats.filter((s) => s.refreshed_by_worker === workerName)).toHaveLength(inFlight.length);
		expect(stats.filter((s) => s.refreshed_by_worker === workerName).every((s) => s.member_count === 0)).toBe(true);
	});

	it('without DATABASE_URL and no running instance, says why and exits non-zero', async () => {
		const emptyDir = await mkdtemp(path.join(os.tmpdir(), 'concord-noinstance-'));
		try {
			const worker = startWorker({ DATABASE_URL: undefined, CONCORD_DATA_DIR: emptyDir });
			expect(await worker.exited).not.toBe(0);
			expect(worker.output()).toContain('No DATABASE_URL and no running Concord');
			expect(worker.output()).toContain(emptyDir);
		} finally {
			await rm(emptyDir, { recursive: true, force: true });
		}
	});
});
