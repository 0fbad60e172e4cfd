/**
 * A live judge run end to end on real PostgreSQL: judgeRuns.start inserts every unit as a pending
 * judgment, a real graphile-worker runs the `judge.run` job, which calls the fake OpenAI-compatible
 * server, parses, and writes verdicts in answer terms; progress, summary, the judgments page and
 * the exact prompt of a judgment read them back.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../../src/lib/judging/content-hash';
import { criteria5, pairwise, passFail, score10 } from '../../../src/lib/judging/test-rubrics';
import type { FakeOpenAiServer } from '../../support/fake-openai-server';
import { createJudgingEnv, until, type JudgingEnv } from './support/env';
import { makeProvider, makeRubricVersion, seedAnswers, type SeededDataset } from './support/factory';
import { startJudgeServer } from './support/judge-server';
import { expectSqlSummaryMatchesRows } from './support/summary-oracle';

let env: JudgingEnv;
let server: FakeOpenAiServer;
let data: SeededDataset;
const ITEMS = 10;

beforeAll(async () => {
	env = await createJudgingEnv('judgerun');
	server = await startJudgeServer();
	data = await seedAnswers(env.db, {
		projectId: env.project.projectId,
		name: 'Run dataset',
		items: Array.from({ length: ITEMS }, (_, i) => ({
			externalId: `q${i}`,
			prompt: `Question ${i}: what is ${i} + ${i}?`,
			answers: {
				strong: `The answer is ${2 * i}. GOOD`,
				weak: `Maybe ${i}? POOR`,
				middle: `I think ${2 * i + 1}, roughly. POOR`
			}
		}))
	});
	await env.startWorker();
}, 60_000);

afterAll(async () => {
	await env?.close();
	await server?.close();
});

type StartInput = Parameters<ReturnType<JudgingEnv['admin']>['judgeRuns']['start']>[0];

/** Starts a run of the rubric version by the provider over the test's dataset. */
function start(rubricVersionId: string, providerId: string, options: StartInput['options']) {
	const projectId = env.project.projectId;
	return env.admin().judgeRuns.start({ projectId, datasetId: data.datasetId, rubricVersionId, providerId, options });
}

/** One sample of each of the strong system's answers: the smallest run that still runs the whole path. */
const strongOnly = (): StartInput['options'] => ({
	bothOrders: false,
	samples: 1,
	pairing: 'all-pairs',
	systemIds: [data.systems.strong]
});

/** A provider that simulates a judge offline: no model, no server. */
function simulatedProvider(name: string, simulation: Record<string, number>) {
	return makeProvider(env.db, env.project.projectId, { kind: 'simulated', model: 'simulated-judge', name, simulation });
}

async function finished(runId: string) {
	return until(async () => {
		const p = await env.admin().judgeRuns.progress({ projectId: env.project.projectId, runId });
		return p.status === 'completed' || p.status === 'failed' ? p : undefined;
	}, `run ${runId} to finish`);
}

describe('a pointwise run', () => {
	it('judges every answer once and reports counts, scores and the exact prompt', async () => {
		const projectId = env.project.projectId;
		const { versionId } = await makeRubricVersion(env.db, projectId, score10, 'Single 1-10');
		const providerId = await makeProvider(env.db, projectId, {
			baseUrl: server.baseUrl,
			model: 'judge-one',
			pricePerMillion: { input: 1, output: 2 }
		});
		server.reset();
		const { runId, total } = await start(versionId, providerId, {
			bothOrders: false,
			samples: 1,
			pairing: 'all-pairs'
		});
		expect(total).toBe(ITEMS * 3);
		const progress = await finished(runId);
		expect(progress).toMatchObject({ status: 'completed', total: 30, ok: 30, pending: 0, running: 0, failed: 0 });
		expect(server.log.filter((l) => l.outcome === 200)).toHaveLength(30);
		// Token totals are exactly what the server reported, priced per 1M.
		expect(progress.inputTokens).toBeGreaterThan(0);
		expect(progress.cost).toBeCloseTo((progress.inputTokens * 1 + progress.outputTokens * 2) / 1e6, 9);

		const summary = await env.admin().judgeRuns.summary({ projectId, runId });
		const by = Object.fromEntries(summary.systems.map((s) => [s.systemName, s]));
		expect(by.strong).toMatchObject({ judgments: 10, ok: 10, meanScore: 9, redLineFailures: 0 });
		expect(by.weak.meanScore).toBe(3);
		expect(summary.determinism).toBeNull();

		const page = await env.admin().judgeRuns.judgments({ projectId, runId, limit: 7, systemId: data.systems.strong });
		expect(page.judgments).toHaveLength(7);
		expect(page.judgments[0]).toMatchObject({ status: 'ok', score: 9, systemAName: 'strong', cached: false });
		const rest = await env.admin().judgeRuns.judgments({
			projectId,
			runId,
			limit: 7,
			systemId: data.systems.strong,
			cursor: page.nextCursor
		});
		expect(rest.judgments).toHaveLength(3);
		expect(rest.nextCursor).toBeNull();

		const prompt = await env.admin().judgeRuns.prompt({ projectId, runId, judgmentId: page.judgments[0].id });
		expect(prompt.messages.map((m) => m.role)).toEqual(['system', 'user']);
		expect(prompt.messages[1].content).toContain(page.judgments[0].promptExcerpt!.slice(0, 20));
		expect(prompt.reply).toBe('Solid. Rating: [[9]]');
		// Every judgment's prompt is stored (sent to PostgreSQL as binary jsonb), under the hash of what it holds.
		const stored = await sql<{ hash: string; messages: unknown }>`
			select p.hash, p.messages from judgment j
			join judge_prompt p on p.project_id = ${projectId} and p.hash = j.prompt_hash
			where j.run_id = ${runId}`.execute(env.db);
		expect(stored.rows).toHaveLength(30);
		for (const row of stored.rows) expect(contentHash(row.messages)).toBe(row.hash);

		const list = await env.admin().judgeRuns.list({ projectId, datasetId: data.datasetId });
		expect(list.find((r) => r.id === runId)).toMatchObject({
			source: 'live',
			status: 'completed',
			total: 30,
			done: 30,
			rubric: { name: 'Single 1-10', version: 1 },
			provider: { model: 'judge-one' }
		});
		const run = await env.admin().judgeRuns.get({ projectId, runId });
		expect(run.provider).toMatchObject({ model: 'judge-one', keySource: 'none' });
		expect(JSON.stringify(run)).not.toMatch(/api_key|encrypted/);
	});
});

describe('a pairwise run in both orders', () => {
	it('stores both verdicts in answer terms and counts wins once per pair', async () => {
		const projectId = env.project.projectId;
		const { versionId } = await makeRubricVersion(env.db, projectId, pairwise, 'Pairwise');
		const providerId = await makeProvider(env.db, projectId, { baseUrl: server.baseUrl, model: 'judge-two' });
		const { runId, total } = await start(versionId, providerId, { bothOrders: true, samples: 1, pairing: 'all-pairs' });
		expect(total).toBe(ITEMS * 3 * 2);
		expect(await finished(runId)).toMatchObject({ status: 'completed', ok: 60 });
		const summary = await env.admin().judgeRuns.summary({ projectId, runId });
		const by = Object.fromEntries(summary.systems.map((s) => [s.systemName, s]));
		// strong beats both others in both orders; weak vs middle are both POOR: the first shown wins → inconsistent.
		expect(by.strong).toMatchObject({ wins: 20, losses: 0, ties: 0, inconsistentPairs: 0 });
		expect(by.weak).toMatchObject({ wins: 0, losses: 10, ties: 10, inconsistentPairs: 10 });
		expect(summary.inconsistentPairs).toBe(10);
		expect(summary.pairsJudgedBothOrders).toBe(30);
		const { runId: _r, mode: _m, status: _s, ...figures } = summary;
		await expectSqlSummaryMatchesRows(env.db, runId, pairwise, figures);

		// The stored verdict is in answer terms: a `ba` call answered [[B]] (second shown = answer A) means A.
		const page = await env.admin().judgeRuns.judgments({ projectId, runId, limit: 500, systemId: data.systems.strong });
		for (const j of page.judgments) {
			const strongIsA = j.systemAName === 'strong';
			expect(j.verdict).toBe(strongIsA ? 'A' : 'B');
		}
	});

	it('pairs each system with the baseline only', async () => {
		const projectId = env.project.projectId;
		const { versionId } = await makeRubricVersion(env.db, projectId, pairwise);
		const providerId = await makeProvider(env.db, projectId, { baseUrl: server.baseUrl, model: 'judge-three' });
		const { total, runId } = await start(versionId, providerId, {
			bothOrders: false,
			samples: 2,
			pairing: 'baseline',
			baselineSystemId: data.systems.weak,
			sampleItems: 4
		});
		expect(total).toBe(4 * 2 * 2);
		expect(await finished(runId)).toMatchObject({ status: 'completed', ok: total });
	});
});

describe('the simulated judge', () => {
	it('runs without a model or a server and says "simulated" wherever the run is named', async () => {
		const projectId = env.project.projectId;
		const { versionId } = await makeRubricVersion(env.db, projectId, pairwise);
		const providerId = await simulatedProvider('Offline judge', {
			seed: 3,
			positionBias: 0.3,
			lengthBias: 0.2,
			noise: 0.1
		});
		const calls = server.log.length;
		const { runId } = await start(versionId, providerId, { bothOrders: true, samples: 1, pairing: 'all-pairs' });
		const done = await finished(runId);
		expect(done.status).toBe('completed');
		expect(done.ok + done.abstained + done.unparseable).toBe(done.total);
		expect(server.log.length).toBe(calls);
		const run = await env.admin().judgeRuns.get({ projectId, runId });
		expect(run.name).toMatch(/simulated/);
		expect(run.judgeModel).toMatch(/simulated/);
		expect(run.simulated).toBe(true);
		const listed = await env.admin().judgeRuns.list({ projectId });
		expect(listed.find((r) => r.id === runId)).toMatchObject({ simulated: true });
	});
});

describe('a run on an older rubric version', () => {
	it('offers every version newest first, runs the one chosen and records it', async () => {
		const projectId = env.project.projectId;
		const { rubricId, versionId: v1 } = await makeRubricVersion(
			env.db,
			projectId,
			{ ...score10, rubricText: 'First wording: judge carefully.' },
			'Versioned rubric'
		);
		const saved = await env.admin().rubrics.saveVersion({
			projectId,
			rubricId,
			baseVersion: 1,
			note: 'second wording',
			content: { ...score10, rubricText: 'Second wording: judge strictly.' }
		});
		const choices = await env.admin().rubrics.versionChoices({ projectId });
		const mine = choices.find((c) => c.rubricId === rubricId)!;
		expect(mine.name).toBe('Versioned rubric');
		expect(mine.versions.map((v) => v.version)).toEqual([2, 1]);
		expect(mine.versions[0]).toMatchObject({ id: saved.versionId, contentHash: saved.contentHash });
		expect(mine.versions[1]).toMatchObject({ id: v1, mode: 'pointwise' });
		expect(mine.versions[1].contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
		expect(mine.versions[1].contentHash).not.toBe(mine.versions[0].contentHash);
		expect(mine.versions[1].createdAt).toBeInstanceOf(Date);
		// Annotators start no runs: the choices are for admins.
		await expect(env.caller(env.project.annotator).rubrics.versionChoices({ projectId })).rejects.toMatchObject({
			code: 'FORBIDDEN'
		});

		const providerId = await makeProvider(env.db, projectId, { baseUrl: server.baseUrl, model: 'judge-four' });
		const { runId } = await start(v1, providerId, strongOnly());
		await finished(runId);
		const run = await env.admin().judgeRuns.get({ projectId, runId });
		expect(run.rubricVersion).toMatchObject({ id: v1, version: 1, contentHash: mine.versions[1].contentHash });
		const list = await env.admin().judgeRuns.list({ projectId });
		expect(list.find((r) => r.id === runId)?.rubric).toEqual({ name: 'Versioned rubric', version: 1 });
		// The judge saw version 1's wording, not the latest.
		const page = await env.admin().judgeRuns.judgments({ projectId, runId, limit: 1 });
		const prompt = await env.admin().judgeRuns.prompt({ projectId, runId, judgmentId: page.judgments[0].id });
		const sent = prompt.messages.map((m) => m.content).join('\n');
		expect(sent).toContain('First wording');
		expect(sent).not.toContain('Second wording');
	});
});

describe('the summary computed in SQL', () => {
	it('equals the in-memory rules on noisy runs: k samples, both orders, scores, criteria, categories', async () => {
		const projectId = env.project.projectId;
		const providerId = await simulatedProvider('Noisy offline judge', {
			seed: 11,
			positionBias: 0.4,
			lengthBias: 0.3,
			noise: 0.9
		});
		for (const [rubric, options] of [
			[pairwise, { bothOrders: true, samples: 3, pairing: 'all-pairs' }],
			[score10, { bothOrders: false, samples: 3, pairing: 'all-pairs' }],
			[criteria5, { bothOrders: false, samples: 2, pairing: 'all-pairs' }],
			[passFail, { bothOrders: false, samples: 3, pairing: 'all-pairs' }]
		] as const) {
			const { versionId } = await makeRubricVersion(env.db, projectId, rubric);
			const { runId } = await start(versionId, providerId, { ...options });
			await finished(runId);
			const { runId: _r, mode: _m, status: _s, ...figures } = await env.admin().judgeRuns.summary({ projectId, runId });
			expect(figures.systems).toHaveLength(3);
			await expectSqlSummaryMatchesRows(env.db, runId, rubric, figures);
			if (rubric.output.kind === 'categories' && rubric.mode === 'pointwise') {
				// A category verdict lands in judgment.category (what the agreement reads), one of the rubric's.
				const rows = await env.db
					.selectFrom('judgment')
					.select(['category', 'score'])
					.where('run_id', '=', runId)
					.where('status', '=', 'ok')
					.execute();
				expect(rows.length).toBeGreaterThan(0);
				for (const r of rows) {
					expect(rubric.output.categories).toContain(r.category);
					expect(r.score).toBeNull();
				}
			}
		}
	});
});

describe("a finished run's summary", () => {
	it('is computed once per finish: rows changed behind its back show only after the run finishes again', async () => {
		const projectId = env.project.projectId;
		const providerId = await simulatedProvider('Offline judge for the summary cache', {
			seed: 3,
			positionBias: 0,
			lengthBias: 0,
			noise: 0.2
		});
		const { versionId } = await makeRubricVersion(env.db, projectId, score10);
		const { runId } = await start(versionId, providerId, strongOnly());
		await finished(runId);
		const first = await env.admin().judgeRuns.summary({ projectId, runId });
		expect(first.status).toBe('completed');
		expect(first.systems[0].ok).toBe(ITEMS);
		// No path of the app changes a finished run's rows; this stands in for one, to see the cache.
		await env.db.updateTable('judgment').set({ status: 'failed' }).where('run_id', '=', runId).execute();
		expect(await env.admin().judgeRuns.summary({ projectId, runId })).toEqual(first);
		// A run that runs again finishes at a new time: that is a new summary.
		await sql`update judge_run set finished_at = finished_at + interval '1 second' where id = ${runId}`.execute(env.db);
		const again = await env.admin().judgeRuns.summary({ projectId, runId });
		expect(again.systems[0]).toMatchObject({ ok: 0, failed: ITEMS });
	});
});

describe('a provider that refuses the key', () => {
	it('fails each judgment in plain words, once, and never shows the key', async () => {
		const projectId = env.project.projectId;
		const canary = `sk-canary-${Math.random().toString(36).slice(2)}`;
		process.env.CONCORD_TEST_JUDGE_KEY = canary;
		const guarded = await startJudgeServer({ apiKey: 'sk-the-right-one' });
		try {
			const { versionId } = await makeRubricVersion(env.db, projectId, score10);
			const providerId = await makeProvider(env.db, projectId, {
				baseUrl: guarded.baseUrl,
				model: 'judge-four',
				apiKeyEnv: 'CONCORD_TEST_JUDGE_KEY'
			});
			const { runId } = await start(versionId, providerId, strongOnly());
			const done = await finished(runId);
			expect(done).toMatchObject({ status: 'completed', failed: ITEMS, ok: 0 });
			expect(guarded.log).toHaveLength(ITEMS);
			const page = await env.admin().judgeRuns.judgments({ projectId, runId, limit: 100 });
			expect(page.judgments[0].error).toMatch(/key/i);
			expect(page.judgments[0].attempts).toBe(1);
			const prompt = await env.admin().judgeRuns.prompt({ projectId, runId, judgmentId: page.judgments[0].id });
			const everything = JSON.stringify([
				page,
				prompt,
				await env.admin().judgeRuns.get({ projectId, runId }),
				await env.admin().judgeRuns.summary({ projectId, runId }),
				await env.admin().judgeRuns.list({ projectId })
			]);
			expect(everything).not.toContain(canary);
			expect(everything).toContain('env:CONCORD_TEST_JUDGE_KEY');
			// A failed call is not final for resume unless retrying could help: a bad key is not requeued.
			const resumed = await env.admin().judgeRuns.resume({ projectId, runId });
			expect(resumed).toMatchObject({ requeued: 0, remaining: 0 });
		} finally {
			await guarded.close();
			delete process.env.CONCORD_TEST_JUDGE_KEY;
		}
	});
});

describe('who may see and start runs', () => {
	it('refuses annotators every read and viewers every change', async () => {
		const projectId = env.project.projectId;
		await expect(env.caller(env.project.annotator).judgeRuns.list({ projectId })).rejects.toMatchObject({
			code: 'FORBIDDEN'
		});
		await expect(
			env.caller(env.project.viewer).judgeRuns.cancel({ projectId, runId: '00000000-0000-4000-8000-000000000000' })
		).rejects.toMatchObject({ code: 'FORBIDDEN' });
	});
});
