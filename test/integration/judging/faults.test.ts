/**
 * A judge run of 2,000 judgments through the fake server's faults (per attempt: 20% 429 with
 * Retry-After, 5% 500/503, 2% hangs past the timeout, 1% connection resets, 1% malformed bodies),
 * plus a few answers that meet a final 4xx. Every judgment must end terminal, none twice, every
 * 429 followed by a wait of at least Retry-After, and no 4xx retried; its error in plain words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { score10 } from '../../../src/lib/judging/test-rubrics';
import type { FakeOpenAiServer } from '../../support/fake-openai-server';
import { createJudgingEnv, until, type JudgingEnv } from './support/env';
import { makeProvider, makeRubricVersion, seedAnswers } from './support/factory';
import { startJudgeServer, userText } from './support/judge-server';

const JUDGMENTS = 2000;
const RETRY_AFTER_MS = 100;
const FINAL = [400, 401, 403, 404] as const;

let env: JudgingEnv;
let server: FakeOpenAiServer;

beforeAll(async () => {
	env = await createJudgingEnv('judgefault');
	server = await startJudgeServer({
		latencyMs: 2,
		seed: 11,
		retryAfterMs: RETRY_AFTER_MS,
		faultRates: { '429': 0.2, '5xx': 0.05, hang: 0.02, reset: 0.01, malformed: 0.01 },
		fault: (req) => {
			const m = /FINAL(\d{3})/.exec(userText(req));
			return m ? { kind: 'status', status: Number(m[1]), message: 'refused (test)' } : null;
		}
	});
	// 8 retries with a short backoff: a judgment fails only after nine faulty attempts in a row.
	await env.startWorker({ llm: { backoff: { baseMs: 10, maxMs: 200 }, maxRetries: 8 } });
}, 60_000);

afterAll(async () => {
	await env?.close();
	await server?.close();
});

describe('2,000 judgments through faults', () => {
	it('all end terminal, none twice, Retry-After honoured, 4xx not retried', { timeout: 300_000 }, async () => {
		const projectId = env.project.projectId;
		const finalItems = FINAL.flatMap((status) => Array.from({ length: 3 }, (_, i) => ({ status, i })));
		const data = await seedAnswers(env.db, {
			projectId,
			name: 'Faults',
			items: [
				...Array.from({ length: JUDGMENTS / 2 }, (_, i) => ({
					externalId: `x${i}`,
					prompt: `Question number ${i}?`,
					answers: { good: `Answer ${i}. GOOD`, poor: `Answer ${i}. POOR` }
				})),
				...finalItems.map(({ status, i }) => ({
					externalId: `final-${status}-${i}`,
					prompt: `Refused question ${status}/${i}`,
					answers: { good: `FINAL${status} answer ${i}` }
				}))
			]
		});
		const { versionId } = await makeRubricVersion(env.db, projectId, score10);
		const providerId = await makeProvider(env.db, projectId, {
			baseUrl: server.baseUrl,
			model: 'judge-one',
			concurrency: 32,
			// The fake server shares this process's event loop: an honest reply may take a second
			// on a loaded machine. Hangs wait this out.
			timeoutMs: 5000
		});
		const { runId, total } = await env.admin().judgeRuns.start({
			projectId,
			datasetId: data.datasetId,
			rubricVersionId: versionId,
			providerId,
			options: { bothOrders: false, samples: 1, pairing: 'all-pairs' }
		});
		expect(total).toBe(JUDGMENTS + finalItems.length);
		const done = await until(
			async () => {
				const p = await env.admin().judgeRuns.progress({ projectId, runId });
				return p.status === 'completed' ? p : undefined;
			},
			'the run to complete',
			240_000
		);
		console.log(`fault run: ${total} judgments in ${done.elapsedMs} ms`);
		// 100% terminal.
		expect(done.pending + done.running).toBe(0);
		expect(done.ok + done.failed).toBe(total);

		const rows = await env.db
			.selectFrom('judgment')
			.select(['id', 'status', 'error', 'attempts', 'answer_a_id', 'raw'])
			.where('run_id', '=', runId)
			.execute();
		expect(rows).toHaveLength(total);
		// Each answer judged once (the unique key), and no reply stored twice.
		expect(new Set(rows.map((r) => r.answer_a_id)).size).toBe(total);

		const finalIds = new Set(finalItems.map(({ status, i }) => data.answers[`final-${status}-${i}/good`]));
		const finals = rows.filter((r) => finalIds.has(r.answer_a_id));
		expect(finals.every((r) => r.status === 'failed' && r.attempts === 1)).toBe(true);
		expect(finals.map((r) => r.error).join('\n')).toMatch(/key|not found|refused|forbidden|bad request/i);
		// The fake server saw each refused prompt exactly once.
		const refused = server.log.filter((l) => l.fault === 'status');
		expect(refused).toHaveLength(finalItems.length);
		expect(new Set(refused.map((l) => l.key)).size).toBe(finalItems.length);

		const others = rows.filter((r) => !finalIds.has(r.answer_a_id));
		const failed = others.filter((r) => r.status !== 'ok');
		// Nine faulty attempts in a row (p ≈ 0.29^9) should not happen here; if it does, it says why.
		expect(failed.length).toBeLessThanOrEqual(2);
		for (const f of failed) expect(f.error).toMatch(/gave up after 9 attempts/);

		// Retry-After: the next attempt of a key comes at least that long after the 429 was sent.
		const byKey = new Map<string, typeof server.log>();
		for (const l of server.log) byKey.set(l.key, [...(byKey.get(l.key) ?? []), l]);
		let waits = 0;
		for (const attempts of byKey.values()) {
			attempts.sort((a, b) => a.at - b.at);
			for (let i = 0; i + 1 < attempts.length; i++) {
				if (attempts[i].fault !== '429' || attempts[i].sentAt === undefined) continue;
				expect(attempts[i + 1].at - attempts[i].sentAt!).toBeGreaterThanOrEqual(RETRY_AFTER_MS - 5);
				waits++;
			}
		}
		expect(waits).toBeGreaterThan(JUDGMENTS * 0.15);
		const summary = await env.admin().judgeRuns.summary({ projectId, runId });
		expect(summary.systems.find((s) => s.systemName === 'good')?.meanScore).toBe(9);
	});
});
