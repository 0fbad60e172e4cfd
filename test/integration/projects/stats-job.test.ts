/**
 * The queue proof: a `project.refresh-stats` job enqueued through the real
 * router is picked up by a real graphile-worker and updates `project_stats`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../../src/lib/server/db/client';
import { addMember } from '../../../src/lib/server/db/repositories/members';
import { createJobHandlers } from '../../../src/lib/server/jobs/handlers';
import { startWorker, type WorkerHandle } from '../../../src/lib/server/jobs/queue';
import { createHarness, type Harness } from '../support/harness';
import { makeProjectWithMembers, makeUser } from './factories';

let h: Harness;
let worker: WorkerHandle;
const workerPool = () => createPool(h.url, 3);
let pool: ReturnType<typeof workerPool>;

beforeAll(async () => {
	h = await createHarness();
	pool = workerPool();
	worker = await startWorker({
		pool,
		handlers: createJobHandlers({ db: h.db, workerName: 'stats-job-test' }),
		concurrency: 1,
		name: 'stats-job-test',
		heartbeat: { db: h.db, intervalMs: 10_000 }
	});
});
afterAll(async () => {
	await worker.stop();
	await pool.end();
	await h.close();
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error('timed out waiting for the worker');
		await new Promise((r) => setTimeout(r, 100));
	}
}

describe('project.refresh-stats job', () => {
	it('runs on a real worker and updates project_stats', async () => {
		const p = await makeProjectWithMembers(h.db);
		const before = new Date();
		await h.caller(p.admin).projects.refreshStats({ projectId: p.projectId });
		const first = await waitFor(() =>
			h
				.caller(p.viewer)
				.projects.stats({ projectId: p.projectId })
				.then((s) => s ?? undefined)
		);
		expect(first.memberCount).toBe(3);
		expect(first.refreshedAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
		// Several workers may share the test database; any of them may have run it.
		expect(first.refreshedBy).toEqual(expect.any(String));
		expect(first.counts).toEqual({ datasets: 0, items: 0, answers: 0 });

		await addMember(h.db, { projectId: p.projectId, userId: (await makeUser(h.db)).id, role: 'viewer' });
		await h.db
			.insertInto('dataset')
			.values({ project_id: p.projectId, name: 'counted', item_count: 5, answer_count: 15 })
			.execute();
		await h.caller(p.admin).projects.refreshStats({ projectId: p.projectId });
		const second = await waitFor(() =>
			h
				.caller(p.viewer)
				.projects.stats({ projectId: p.projectId })
				.then((s) => (s && s.memberCount === 4 ? s : undefined))
		);
		expect(second.refreshedAt.getTime()).toBeGreaterThanOrEqual(first.refreshedAt.getTime());
		expect(second.counts).toEqual({ datasets: 1, items: 5, answers: 15 });
	});
});
