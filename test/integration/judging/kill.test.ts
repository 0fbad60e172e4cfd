/**
 * A judge run on two real `npm run worker` processes; one is SIGKILLed mid-run and started again.
 * Its claims (rows `running` under its job) go back to pending when the survivor's sweeper sees
 * the dead heartbeat (jobs/liveness.ts → the judge.run release hook), its job runs again, and the
 * run completes with every judgment stored once: 0 lost, 0 duplicated.
 */
import { DEAD_AFTER_MS, HEARTBEAT_MS } from '../worker/support/short-liveness-env';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { score10 } from '../../../src/lib/judging/test-rubrics';
import { createCallerFactory } from '../../../src/lib/server/trpc/init';
import { appRouter } from '../../../src/lib/server/trpc/router';
import type { FakeOpenAiServer } from '../../support/fake-openai-server';
import { makeProjectWithMembers, type ProjectWithMembers } from '../projects/factories';
import { spawnTs, waitFor, type Child } from '../worker/support/child';
import { createOwnDatabase, type OwnDatabase } from '../worker/support/own-database';
import { makeProvider, makeRubricVersion, seedAnswers } from './support/factory';
import { startJudgeServer } from './support/judge-server';

let h: OwnDatabase;
let p: ProjectWithMembers;
let server: FakeOpenAiServer;
const children: Child[] = [];
const ITEMS = 300;

beforeAll(async () => {
	h = await createOwnDatabase('judgekill');
	p = await makeProjectWithMembers(h.db, 'Judge kill');
	server = await startJudgeServer({ latencyMs: 100 });
}, 60_000);

afterAll(async () => {
	for (const c of children) c.kill('SIGKILL');
	await Promise.all(children.map((c) => c.exited));
	await server?.close();
	await h?.close();
});

function startWorker(): Child {
	// `node --import tsx`: one process, so SIGKILL hits the process holding the job.
	const child = spawnTs('src/worker/index.ts', [], {
		via: 'node',
		env: {
			DATABASE_URL: h.url,
			// One job per process, so the run's two jobs land on two processes.
			CONCORD_WORKER_CONCURRENCY: '1',
			CONCORD_LOG_LEVEL: 'info',
			CONCORD_WORKER_HEARTBEAT_MS: String(HEARTBEAT_MS),
			CONCORD_WORKER_DEAD_AFTER_MS: String(DEAD_AFTER_MS)
		}
	});
	children.push(child);
	return child;
}

const admin = () =>
	createCallerFactory(appRouter)({
		db: h.db,
		queue: h.queue,
		user: p.admin,
		session: { id: `test-${randomUUID()}`, createdAt: new Date(), lastVerifiedAt: new Date() },
		request: { clientAddress: '127.0.0.1', userAgent: 'vitest' }
	});

describe('a worker killed mid-run', { timeout: 240_000 }, () => {
	it('loses nothing and judges nothing twice', async () => {
		const [a, b] = [startWorker(), startWorker()];
		await Promise.all([a.waitForLog('worker process ready'), b.waitForLog('worker process ready')]);
		const data = await seedAnswers(h.db, {
			projectId: p.projectId,
			name: 'Kill',
			items: Array.from({ length: ITEMS }, (_, i) => ({
				externalId: `k${i}`,
				prompt: `Question ${i}`,
				answers: { good: `Answer ${i} GOOD`, poor: `Answer ${i} POOR` }
			}))
		});
		const { versionId } = await makeRubricVersion(h.db, p.projectId, score10);
		const providerId = await makeProvider(h.db, p.projectId, {
			baseUrl: server.baseUrl,
			model: 'judge-one',
			concurrency: 8
		});
		const { runId, total } = await admin().judgeRuns.start({
			projectId: p.projectId,
			datasetId: data.datasetId,
			rubricVersionId: versionId,
			providerId,
			options: { bothOrders: false, samples: 1, pairing: 'all-pairs' }
		});
		expect(total).toBe(ITEMS * 2);
		const progress = () => admin().judgeRuns.progress({ projectId: p.projectId, runId });

		// Both processes hold one of the run's two jobs; kill one once a quarter is done.
		const holders = await waitFor(async () => {
			const { rows } = await sql<{ locked_by: string; worker_name: string }>`
				select j.locked_by, h.worker_name from graphile_worker.jobs j
				join worker_heartbeat h on h.pool_id = j.locked_by
				where j.key like ${`judge-run:${runId}:%`}`.execute(h.db);
			return rows.length === 2 ? rows : undefined;
		}, 'both jobs to be taken');
		expect(new Set(holders.map((r) => r.worker_name)).size).toBe(2);
		await waitFor(async () => ((await progress()).ok >= total / 4 ? true : undefined), 'a quarter done', 60_000);
		const victim = holders.map((r) => r.worker_name).find((name) => name.endsWith(`:${a.proc.pid}`)) ? a : b;
		victim.kill('SIGKILL');
		expect(await victim.exited).toBe('SIGKILL');
		const atKill = await progress();
		expect(atKill.running).toBeGreaterThan(0);
		expect(atKill.status).toBe('running');
		startWorker();

		const done = await waitFor(
			async () => {
				const now = await progress();
				return now.status === 'completed' ? now : undefined;
			},
			'the run to complete',
			180_000
		);
		expect(done).toMatchObject({ total, ok: total, pending: 0, running: 0, failed: 0 });
		const rows = await h.db
			.selectFrom('judgment')
			.select(['answer_a_id', 'claimed_by', 'status', 'finished_at'])
			.where('run_id', '=', runId)
			.execute();
		expect(rows).toHaveLength(total);
		expect(new Set(rows.map((r) => r.answer_a_id)).size).toBe(total);
		expect(rows.every((r) => r.status === 'ok' && r.finished_at !== null)).toBe(true);
		// Judged by more than one process (claimed_by = job:<id>@<host>:<pid>).
		const processes = new Set(rows.map((r) => r.claimed_by!.split('@')[1]));
		expect(processes.size).toBeGreaterThanOrEqual(2);
		// No job of the run is left behind.
		const { rows: jobs } =
			await sql`select 1 from graphile_worker.jobs where key like ${`judge-run:${runId}:%`}`.execute(h.db);
		expect(jobs).toHaveLength(0);
	});
});
