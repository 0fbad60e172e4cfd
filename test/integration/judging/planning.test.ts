/**
 * A run larger than its first batch of units (services/judge-planning.ts) on real PostgreSQL: the
 * start inserts the first units and counts the rest, the run's job inserts the rest while judging,
 * and the run completes only once every unit is in. A planner that dies (its transaction rolls
 * back) is replaced by the job that runs out of units; cancel, resume and clone of a run whose
 * rest was never inserted judge every unit exactly once.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { score10 } from '../../../src/lib/judging/test-rubrics';
import * as repo from '../../../src/lib/server/db/repositories/judge-runs';
import { executeRun } from '../../../src/lib/server/services/judge-executor';
import { firstUnitsOf, selectionOf } from '../../../src/lib/server/services/judge-planning';
import { createJudgingEnv, until, type JudgingEnv } from './support/env';
import { makeProvider, makeRubricVersion, seedAnswers, type SeededDataset } from './support/factory';

let env: JudgingEnv;
let data: SeededDataset;
let versionId: string;
let providerId: string;
const ITEMS = 420;
const SYSTEMS = ['north', 'south', 'west'];
const UNITS = ITEMS * SYSTEMS.length;
/** The first batch, smaller than the run. */
const FIRST = firstUnitsOf(4);

beforeAll(async () => {
	env = await createJudgingEnv('judgeplan');
	const projectId = env.project.projectId;
	data = await seedAnswers(env.db, {
		projectId,
		name: 'Planning dataset',
		items: Array.from({ length: ITEMS }, (_, i) => ({
			externalId: `p${i}`,
			prompt: `Question ${i}: name a prime above ${i * 10}.`,
			answers: Object.fromEntries(SYSTEMS.map((s, k) => [s, `${s} says ${i * 10 + k + 1}, maybe.`]))
		}))
	});
	versionId = (await makeRubricVersion(env.db, projectId, score10, 'Planning 1-10')).versionId;
	providerId = await makeProvider(env.db, projectId, {
		kind: 'simulated',
		model: 'simulated-judge',
		name: 'Simulated planner',
		concurrency: 4,
		simulation: { noise: 0.5, seed: 3 }
	});
}, 60_000);

afterAll(async () => {
	await env?.close();
});

const projectId = () => env.project.projectId;

function start() {
	return env.admin().judgeRuns.start({
		projectId: projectId(),
		datasetId: data.datasetId,
		rubricVersionId: versionId,
		providerId,
		options: { bothOrders: false, samples: 1, pairing: 'all-pairs' }
	});
}

async function units(runId: string) {
	const { rows } = await sql<{ n: number; terminal: number; keys: number; planned: boolean; total: number }>`
		select count(*)::int as n,
			count(*) filter (where j.status not in ('pending', 'running'))::int as terminal,
			count(distinct (j.item_id, j.answer_a_id, j.sample, j.turn))::int as keys,
			r.units_planned as planned, r.total
		from judge_run r left join judgment j on j.run_id = r.id
		where r.id = ${runId}::uuid group by r.id`.execute(env.db);
	return rows[0];
}

const run = (runId: string, claimant: string) =>
	executeRun({ db: env.db, workerName: 'plan-test' }, runId, { claimant, shards: 1, flushMs: 20, cancelPollMs: 100 });

describe('a run larger than its first batch', () => {
	it('starts with the first units and the whole total; its job inserts the rest and judges each unit once', async () => {
		expect(UNITS).toBeGreaterThan(FIRST);
		const { runId, total } = await start();
		expect(total).toBe(UNITS);
		expect(await units(runId)).toEqual({ n: FIRST, terminal: 0, keys: FIRST, planned: false, total: UNITS });
		// The units not yet in count as pending.
		const before = await env.admin().judgeRuns.progress({ projectId: projectId(), runId });
		expect(before).toMatchObject({ total: UNITS, pending: UNITS, done: 0 });
		const list = await env.admin().judgeRuns.list({ projectId: projectId() });
		expect(list.find((r) => r.id === runId)?.total).toBe(UNITS);

		expect(await run(runId, 'test:whole')).toBe('completed');
		expect(await units(runId)).toEqual({ n: UNITS, terminal: UNITS, keys: UNITS, planned: true, total: UNITS });
		const after = await env.admin().judgeRuns.progress({ projectId: projectId(), runId });
		expect(after).toMatchObject({ status: 'completed', total: UNITS, pending: 0, done: UNITS });
	});

	it('is not completed while another job plans; when that planner dies, the job plans the rest itself', async () => {
		const { runId } = await start();
		const row = (await repo.findRunById(env.db, runId))!;
		// A planner that inserts the rest and is killed before it commits: its transaction rolls back.
		let kill!: () => void;
		const killed = new Promise<void>((r) => (kill = r));
		let inserted!: () => void;
		const midway = new Promise<void>((r) => (inserted = r));
		const planner = env.db
			.transaction()
			.execute(async (trx) => {
				expect(await repo.lockRunPlanning(trx, runId, false)).toBe(true);
				await repo.insertUnits(trx, selectionOf(row, 'last'));
				inserted();
				await killed;
				throw new Error('killed');
			})
			.catch((error: Error) => error.message);
		await midway;

		const outcome = run(runId, 'test:survivor');
		// The first units are judged, and the job then waits on the planner: the run is not complete.
		await until(async () => ((await units(runId)).terminal === FIRST ? true : undefined), 'the first units');
		await new Promise((r) => setTimeout(r, 300));
		expect(await units(runId)).toEqual({ n: FIRST, terminal: FIRST, keys: FIRST, planned: false, total: UNITS });
		expect(await repo.runStatus(env.db, runId)).toBe('running');

		kill();
		expect(await planner).toBe('killed');
		expect(await outcome).toBe('completed');
		expect(await units(runId)).toEqual({ n: UNITS, terminal: UNITS, keys: UNITS, planned: true, total: UNITS });
	});

	it('cancelled before its rest was inserted: a clone and a resume each judge every unit once', async () => {
		const { runId } = await start();
		// No worker yet: the queued job is taken off the queue and the run is cancelled at once.
		const cancelled = await env.admin().judgeRuns.cancel({ projectId: projectId(), runId });
		expect(cancelled.status).toBe('cancelled');
		expect(cancelled.progress).toMatchObject({ total: UNITS, pending: UNITS, done: 0 });
		expect(await units(runId)).toMatchObject({ n: FIRST, planned: false });

		// A clone judges the same choices: planned afresh, not copied from the first units only.
		const clone = await env.admin().judgeRuns.clone({ projectId: projectId(), runId });
		expect(clone.total).toBe(UNITS);
		await env.admin().judgeRuns.resume({ projectId: projectId(), runId });
		await env.startWorker();
		for (const id of [runId, clone.runId]) {
			const p = await until(async () => {
				const p = await env.admin().judgeRuns.progress({ projectId: projectId(), runId: id });
				return p.status === 'completed' || p.status === 'failed' ? p : undefined;
			}, `run ${id} to finish`);
			expect(p).toMatchObject({ status: 'completed', total: UNITS, done: UNITS, pending: 0, running: 0 });
			expect(await units(id)).toEqual({ n: UNITS, terminal: UNITS, keys: UNITS, planned: true, total: UNITS });
		}
	});
});
