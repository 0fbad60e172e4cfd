/**
 * The retry policy under load: 2,000 calls against the fake server with 20%
 * 429 (Retry-After 100 ms), 5% 500/503, 2% hangs past the timeout, 1% connection
 * resets and 1% malformed bodies per attempt, 64 at a time. Every call must end
 * terminal (a reply, or an error with its reason), every 429 be followed by a
 * wait of at least Retry-After, no call answered twice, and 4xx never retried.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlmClient, LlmError, type ChatResult } from '../../../src/lib/server/llm';
import { startFakeOpenAi, type FakeOpenAiServer } from '../../support/fake-openai-server';

const CALLS = Number(process.env.FAULT_CALLS ?? 2000);
const RETRY_AFTER_MS = 100;
const CONCURRENCY = 64;
const FINAL_4XX = [400, 401, 403, 404] as const;

let server: FakeOpenAiServer;
beforeAll(async () => {
	server = await startFakeOpenAi({
		latencyMs: 2,
		seed: 7,
		retryAfterMs: RETRY_AFTER_MS,
		faultRates: { '429': 0.2, '5xx': 0.05, hang: 0.02, reset: 0.01, malformed: 0.01 },
		// A few calls meet a final client error instead (by rule, whatever the dice say).
		fault: (req) => {
			const m = /^final (\d+)/.exec(req.messages[0].content);
			return m ? { kind: 'status', status: Number(m[1]) } : null;
		}
	});
});
afterAll(() => server.close());

async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
	const out: T[] = new Array(n);
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < n) {
				const i = next++;
				out[i] = await fn(i);
			}
		})
	);
	return out;
}

describe('2,000 calls through faults', () => {
	it('all end terminal, Retry-After is honoured, 4xx are not retried', { timeout: 300_000 }, async () => {
		const client = createLlmClient(
			{
				id: 'fault-test',
				kind: 'openai-compatible',
				baseUrl: server.baseUrl,
				model: 'fake-judge-1',
				apiKey: null,
				supportsJsonSchema: false,
				// The fake server shares this process's event loop: with 64 calls in flight on a
				// loaded machine an honest reply can take a second or two. Hangs wait this out.
				timeoutMs: 5000,
				maxRetries: 8,
				backoff: { baseMs: 10, maxMs: 200 }
			},
			{}
		);
		const prompts = [
			...Array.from({ length: CALLS }, (_, i) => `judge item ${i}`),
			...FINAL_4XX.flatMap((s) => Array.from({ length: 5 }, (_, i) => `final ${s} #${i}`))
		];
		const started = Date.now();
		const results = await pool(prompts.length, CONCURRENCY, async (i): Promise<ChatResult | LlmError> => {
			try {
				return await client.chat({ messages: [{ role: 'user', content: prompts[i] }], temperature: 0 });
			} catch (error) {
				if (error instanceof LlmError) return error;
				throw error;
			}
		});
		const wall = Date.now() - started;

		// 100% terminal: a reply, or an LlmError carrying its reason.
		const ok = results.filter((r): r is ChatResult => !(r instanceof LlmError));
		const failed = results.filter((r): r is LlmError => r instanceof LlmError);
		expect(ok.length + failed.length).toBe(prompts.length);
		for (const f of failed) expect(f.message.length).toBeGreaterThan(10);
		// The ordinary calls get through (8 retries against ≤ 29% faults per attempt).
		expect(ok.length).toBeGreaterThanOrEqual(CALLS - 2);
		expect(ok.every((r) => r.text === '[[A]]' && r.usage !== null)).toBe(true);

		// Each call is answered once: a second 200 for the same request happens only when a
		// reply reached the server's socket after this client had given up on it (its timer
		// fired first); the judge-run executor's unique key per judgment covers that case.
		const keyOf = (content: string) => server.keyOf({ model: 'fake-judge-1', messages: [{ role: 'user', content }] });
		let repeated = 0;
		prompts.slice(0, CALLS).forEach((p, i) => {
			const key = keyOf(p);
			const r = results[i];
			if (r instanceof LlmError) return;
			expect(server.successes(key)).toBeGreaterThanOrEqual(1);
			expect(r.attempts).toBeLessThanOrEqual(server.attempts(key));
			if (server.successes(key) > 1) repeated++;
		});

		// 4xx: exactly one request each, reported final.
		prompts.slice(CALLS).forEach((p, j) => {
			expect(server.attempts(keyOf(p))).toBe(1);
			expect(results[CALLS + j]).toMatchObject({ retryable: false, attempts: 1 });
		});

		// Every fault kind happened, and each 429 was followed by a wait of at least Retry-After.
		const byKey = new Map<string, typeof server.log>();
		for (const entry of server.log) byKey.set(entry.key, [...(byKey.get(entry.key) ?? []), entry]);
		const faults = new Set(server.log.map((l) => l.fault));
		for (const kind of ['429', '500', '503', 'hang', 'reset', 'malformed']) expect(faults).toContain(kind);
		let honoured = 0;
		for (const entries of byKey.values()) {
			entries.forEach((e, i) => {
				if (e.outcome !== 429 || !entries[i + 1]) return;
				// Timers may fire a millisecond early; the server stamps after reading the body.
				expect(entries[i + 1].at - e.sentAt!).toBeGreaterThanOrEqual(RETRY_AFTER_MS - 2);
				honoured++;
			});
		}
		expect(honoured).toBeGreaterThan(CALLS * 0.15);
		console.log(
			JSON.stringify({
				calls: prompts.length,
				repeated,
				requests: server.log.length,
				ok: ok.length,
				failed: failed.length,
				wall_ms: wall
			})
		);
	});
});
