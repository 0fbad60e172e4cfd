/**
 * Question quality and the judge card on the demo project (its simulated judge runs and simulated
 * annotators, services/demo-results.ts): per-item figures meet the thresholds they are listed for,
 * annotators' skips show up, and the card gathers rubric, key-free model settings, bias, agreement
 * against the human ceiling, cost and time, and the data it was measured on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createPool } from '../../../src/lib/server/db/client';
import { addMember } from '../../../src/lib/server/db/repositories/members';
import { SIMULATED_GOLD_NAME } from '../../../src/lib/server/demo/simulated-labels';
import { seedDemoResults } from '../../../src/lib/server/services/demo-results';
import { runImport } from '../../../src/lib/server/services/import-runner';
import { makeUser } from '../projects/factories';
import { createHarness, type Harness } from '../support/harness';
import type { SessionUser } from '../../../src/lib/server/auth/types';

let h: Harness;
let pool: pg.Pool;
let admin: SessionUser;
let projectId: string;
let datasetIds: { en: string; zh: string };
let runIds: string[];

beforeAll(async () => {
	h = await createHarness();
	pool = createPool(h.url, 3);
	admin = await makeUser(h.db, { isInstanceAdmin: true });
	const demo = await h.caller(admin).demo.create();
	for (const id of demo.importIds) await runImport({ db: h.db, pool }, id);
	({ runIds } = await seedDemoResults(h.db, { ...demo, userId: admin.id }));
	projectId = demo.projectId;
	datasetIds = demo.datasetIds;
}, 60_000);
afterAll(async () => {
	await pool.end();
	await h.close();
});

describe('question quality', () => {
	it('gives every demo item its separation, human disagreement and judge–human split, and lists the ones past a threshold', async () => {
		const c = h.caller(admin);
		const q = await c.analysis.quality({ projectId, datasetId: datasetIds.en });
		expect(q.items).toHaveLength(40);
		for (const item of q.items) {
			expect(item.systems).toBe(3);
			expect(item.comparisons).toBe(3);
			expect(item.basis).toBe('humans');
			expect(item.spread).not.toBeNull();
			expect(item.humanDisagreement).not.toBeNull();
			expect(item.judgeSplit).not.toBeNull();
			// Each issue is backed by its figure.
			if (item.issues.includes('ambiguous')) expect(item.humanDisagreement!).toBeGreaterThanOrEqual(0.4);
			if (item.issues.includes('flat')) expect(item.spread!).toBeLessThan(0.1);
			if (item.issues.includes('judge-split')) expect(item.judgeSplit!).toBeGreaterThanOrEqual(0.5);
		}
		// The simulated annotators have a share of ambiguous items (tripled noise): some are found.
		expect(q.counts.ambiguous).toBeGreaterThan(0);
		expect(q.flagged).toBe(q.items.filter((i) => i.issues.length > 0).length);
		// Most issues first.
		const issueCounts = q.items.map((i) => i.issues.length);
		expect(issueCounts).toEqual([...issueCounts].sort((a, b) => b - a));

		const zh = await c.analysis.quality({ projectId, datasetId: datasetIds.zh });
		expect(zh.items).toHaveLength(16);
	});

	it('counts the items annotators skipped', async () => {
		const c = h.caller(admin);
		const annotators = [];
		for (let i = 0; i < 3; i++) {
			const u = await makeUser(h.db);
			await addMember(h.db, { projectId, userId: u.id, role: 'annotator' });
			annotators.push(u);
		}
		const rubrics = await c.rubrics.list({ projectId });
		const pairwise = rubrics.find((r) => r.mode === 'pairwise' && r.locale === 'en')!;
		const queue = await c.annotation.createQueue({
			projectId,
			datasetId: datasetIds.en,
			rubricVersionId: pairwise.currentVersionId,
			name: 'skips',
			overlapK: 3
		} as never);
		let skippedItem = '';
		for (const u of annotators) {
			const task = await h.caller(u).annotation.next({ projectId, queueId: queue.id });
			skippedItem = task!.item.externalId;
			await h.caller(u).annotation.skip({ projectId, assignmentId: task!.assignmentId, reason: 'unclear question' });
		}
		const q = await c.analysis.quality({ projectId, datasetId: datasetIds.en });
		const item = q.items.find((i) => i.externalId === skippedItem)!;
		expect(item).toMatchObject({ seen: 3, skipped: 3 });
		expect(item.issues).toContain('skipped');
	});

	it('is refused to annotators', async () => {
		const u = await makeUser(h.db);
		await addMember(h.db, { projectId, userId: u.id, role: 'annotator' });
		await expect(h.caller(u).analysis.quality({ projectId, datasetId: datasetIds.en })).rejects.toMatchObject({
			code: 'FORBIDDEN'
		});
		await expect(h.caller(u).analysis.judgeCard({ projectId, judgeRunId: runIds[0] })).rejects.toMatchObject({
			code: 'FORBIDDEN'
		});
	});
});

describe('judge card', () => {
	it('describes a pairwise run: rubric and hash, key-free model settings, bias, agreement against the ceiling, cost, data', async () => {
		const c = h.caller(admin);
		const runs = await c.judgeRuns.list({ projectId });
		const run = runs.find((r) => r.datasetId === datasetIds.en && r.mode === 'pairwise')!;
		const card = await c.analysis.judgeCard({ projectId, judgeRunId: run.id });
		// Plain JSON: what the exports write is what the page shows.
		expect(JSON.parse(JSON.stringify(card))).toEqual(card);
		expect(card.simulated).toBe(true);
		expect(card.rubric).toMatchObject({
			version: 1,
			contentHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
			locale: 'en'
		});
		expect(card.model.provider).toMatchObject({ kind: 'simulated', simulation: { positionBias: 0.2 } });
		expect(card.model.provider).not.toHaveProperty('keySource');
		expect(JSON.stringify(card)).not.toMatch(/api_?key/i);

		if (!card.bias.available) throw new Error('bias expected');
		expect(card.bias.position!.consistency.estimate).toBeLessThan(1);
		if (!card.agreement.available || card.agreement.kind !== 'pairwise') throw new Error('pairwise agreement expected');
		expect(card.agreement.judgeHuman!.kappa!.ci).not.toBeNull();
		expect(card.agreement.humanHuman!.kappa!.estimate).toBeGreaterThan(0);
		expect(card.calibration).toEqual({ available: false, reason: 'pairwise' });

		expect(card.costAndTime).toMatchObject({ items: 40, judgments: 240, ok: expect.any(Number), cost: 0 });
		// Simulated active seconds of the simulated annotators (gold labels carry none).
		expect(card.costAndTime.humanTimedLabels).toBe(40 * 6 * 3);
		expect(card.costAndTime.humanMedianSeconds).toBeGreaterThan(10);
		expect(card.data.dataset.id).toBe(datasetIds.en);
		const gold = card.data.labels.find((l) => l.kind === 'gold')!;
		expect(gold.names).toEqual([SIMULATED_GOLD_NAME]);
		expect(card.data.labels.find((l) => l.kind === 'imported')).toMatchObject({ annotators: 3, labels: 40 * 6 * 3 });
	});

	it('describes a pointwise run with the score agreement, length bias and calibration map of its pages, and refuses a run of another project', async () => {
		const c = h.caller(admin);
		const runs = await c.judgeRuns.list({ projectId });
		const run = runs.find((r) => r.datasetId === datasetIds.zh && r.mode === 'pointwise')!;
		const card = await c.analysis.judgeCard({ projectId, judgeRunId: run.id });
		expect(card.rubric).toMatchObject({ locale: 'zh-CN', mode: 'pointwise' });
		expect(card.costAndTime.items).toBe(16);
		const where = { projectId, datasetId: datasetIds.zh, judgeRunId: run.id };
		// The same figures as the agreement, bias and calibration pages.
		const scores = await c.analysis.scoreAgreement(where);
		if (!card.agreement.available || card.agreement.kind !== 'pointwise')
			throw new Error('pointwise agreement expected');
		expect(card.agreement.judgeHuman).toEqual(scores.judgeHuman);
		expect(card.agreement.humanHuman).toEqual(scores.humanHuman);
		const bias = await c.analysis.bias({ projectId, judgeRunId: run.id });
		if (!card.bias.available) throw new Error('bias expected');
		expect(card.bias.scoreLength).toEqual(bias.scoreLength);
		const calibration = await c.analysis.calibration(where);
		if (!card.calibration.available) throw new Error('calibration expected');
		expect(card.calibration.target).toBe(calibration.target);
		expect(card.calibration.reliability).toEqual(calibration.reliability);

		const other = await h.caller(admin).projects.create({ name: 'other' });
		await expect(h.caller(admin).analysis.judgeCard({ projectId: other.id, judgeRunId: run.id })).rejects.toMatchObject(
			{ code: 'NOT_FOUND' }
		);
	});
});
