/**
 * Claims of a live run's units (repositories/judge-runs.ts claimUnits), on real PostgreSQL with no
 * worker running: pending units come first, a claim older than the stale limit is taken over only
 * when the pending ones run short, a fresh claim never is, and no row goes to two claimants.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { score10 } from '../../../src/lib/judging/test-rubrics';
import { claimUnits } from '../../../src/lib/server/db/repositories/judge-runs';
import { createJudgingEnv, type JudgingEnv } from './support/env';
import { makeProvider, makeRubricVersion, seedAnswers } from './support/factory';

let env: JudgingEnv;

beforeAll(async () => {
	env = await createJudgingEnv('judgeclaims');
}, 60_000);

afterAll(async () => {
	await env?.close();
});

const STALE_MS = 60_000;

describe('claimUnits', () => {
	it('takes pending units first, stale claims only when pending ones run short, fresh claims never', async () => {
		const projectId = env.project.projectId;
		const data = await seedAnswers(env.db, {
			projectId,
			name: 'Claims dataset',
			items: Array.from({ length: 6 }, (_, i) => ({
				externalId: `c${i}`,
				prompt: `Question ${i}?`,
				answers: { only: `Answer ${i}.` }
			}))
		});
		const { versionId } = await makeRubricVersion(env.db, projectId, score10, 'Claims 1-10');
		const providerId = await makeProvider(env.db, projectId, { baseUrl: 'http://127.0.0.1:9/v1', model: 'none' });
		const { runId, total } = await env.admin().judgeRuns.start({
			projectId,
			datasetId: data.datasetId,
			rubricVersionId: versionId,
			providerId,
			options: { bothOrders: false, samples: 1, pairing: 'all-pairs' }
		});
		expect(total).toBe(6);

		const first = await claimUnits(env.db, runId, 'job:a@test', 4, STALE_MS);
		expect(first).toHaveLength(4);
		expect(first.every((u) => u.aContent?.startsWith('Answer '))).toBe(true);
		// Two of a's claims are old: their holder is taken to be gone.
		const staleIds = first.slice(0, 2).map((u) => u.id);
		await sql`update judgment set claimed_at = now() - interval '1 hour' where id = any(${staleIds}::uuid[])`.execute(
			env.db
		);

		// Enough pending units: no stale claim is taken.
		const second = await claimUnits(env.db, runId, 'job:b@test', 1, STALE_MS);
		expect(second).toHaveLength(1);
		expect(first.map((u) => u.id)).not.toContain(second[0].id);

		// The last pending unit, then the two stale claims; a's two fresh claims stay a's.
		const third = await claimUnits(env.db, runId, 'job:b@test', 10, STALE_MS);
		expect(third).toHaveLength(3);
		expect(third.map((u) => u.id).filter((id) => staleIds.includes(id))).toHaveLength(2);
		expect(await claimUnits(env.db, runId, 'job:c@test', 10, STALE_MS)).toHaveLength(0);

		const { rows } = await sql<{ claimed_by: string; n: number }>`
			select claimed_by, count(*)::int as n from judgment where run_id = ${runId}::uuid and status = 'running'
			group by claimed_by order by claimed_by`.execute(env.db);
		expect(rows).toEqual([
			{ claimed_by: 'job:a@test', n: 2 },
			{ claimed_by: 'job:b@test', n: 4 }
		]);
	});
});
