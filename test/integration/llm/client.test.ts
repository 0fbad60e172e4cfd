/**
 * The LLM client against the fake OpenAI-compatible server (a real HTTP server),
 * and the fake itself: replies, streaming, json_schema, usage, the model list,
 * errors in plain words, retries and their waits, and the key kept out of errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createPool, type Db } from '../../../src/lib/server/db/client';
import { createLlmClient, createPgRateLimiter, LlmError, type ProviderConfig } from '../../../src/lib/server/llm';
import { waitForLevels } from '../../../src/lib/server/llm/rate-limiter';
import * as buckets from '../../../src/lib/server/db/repositories/llm-rate-buckets';
import { startFakeOpenAi, type Fault, type FakeOpenAiServer } from '../../support/fake-openai-server';
import { inject } from 'vitest';

const KEY = 'sk-live-secret-5f2a9c7e1b3d4a6f8e0c2b4d';
const fast = { baseMs: 5, maxMs: 50 };

function provider(server: FakeOpenAiServer, over: Partial<ProviderConfig> = {}): ProviderConfig {
	return {
		id: `fake-${Math.random().toString(36).slice(2, 8)}`,
		kind: 'openai-compatible',
		baseUrl: server.baseUrl,
		model: 'fake-judge-1',
		apiKey: { env: 'FAKE_JUDGE_KEY' },
		supportsJsonSchema: true,
		timeoutMs: 2000,
		backoff: fast,
		...over
	};
}
const environment = { FAKE_JUDGE_KEY: KEY };
const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

async function failure(p: Promise<unknown>): Promise<LlmError> {
	try {
		await p;
	} catch (error) {
		expect(error).toBeInstanceOf(LlmError);
		return error as LlmError;
	}
	throw new Error('expected the call to fail');
}

describe('the fake server and the client', () => {
	let server: FakeOpenAiServer;
	beforeAll(async () => {
		server = await startFakeOpenAi({
			apiKey: KEY,
			reply: (req) => {
				// Length-biased: prefers the longer of two answers, as some judges do.
				const [a = '', b = ''] = req.messages.at(-1)!.content.split('|');
				return a.length >= b.length ? '[[A]]' : '[[B]]';
			}
		});
	});
	afterAll(() => server.close());

	it('answers chat completions with usage, latency and cost from the price per 1M tokens', async () => {
		const client = createLlmClient(provider(server, { pricePerMillion: { input: 2, output: 8 } }), { environment });
		const r = await client.chat(ask('a long answer|short'));
		expect(r.text).toBe('[[A]]');
		expect(r.usage).toEqual({ promptTokens: 5, completionTokens: 2 });
		expect(r.cost).toBeCloseTo((5 * 2 + 2 * 8) / 1e6, 12);
		expect(r.attempts).toBe(1);
		expect(r.latencyMs).toBeGreaterThanOrEqual(0);
		expect((await client.chat(ask('x|longer'))).text).toBe('[[B]]');
	});

	it('streams (SSE) to the same text and usage', async () => {
		const client = createLlmClient(provider(server, { stream: true }), { environment });
		const r = await client.chat(ask('a long answer|short'));
		expect(r).toMatchObject({ text: '[[A]]', usage: { promptTokens: 5, completionTokens: 2 }, finishReason: 'stop' });
		expect(server.log.at(-1)).toMatchObject({ stream: true, outcome: 200 });
	});

	it('sends json_schema only to providers that support it; the fake answers in the schema', async () => {
		const schemaServer = await startFakeOpenAi();
		try {
			const responseFormat = {
				type: 'json_schema' as const,
				json_schema: {
					name: 'verdict',
					strict: true,
					schema: {
						type: 'object',
						properties: {
							verdict: { type: 'string', enum: ['A', 'B', 'tie'] },
							score: { type: 'integer', minimum: 1 }
						},
						required: ['verdict', 'score']
					}
				}
			};
			const on = await createLlmClient(provider(schemaServer, { apiKey: null }), {}).chat({
				...ask('q'),
				responseFormat
			});
			expect(on.structured).toBe(true);
			expect(JSON.parse(on.text)).toEqual({ verdict: 'A', score: 1 });
			const off = await createLlmClient(provider(schemaServer, { apiKey: null, supportsJsonSchema: false }), {}).chat({
				...ask('q'),
				responseFormat
			});
			expect(off).toMatchObject({ structured: false, text: '[[A]]' });
		} finally {
			await schemaServer.close();
		}
	});

	it('lists models and tests the connection with one tiny call', async () => {
		const client = createLlmClient(provider(server), { environment });
		expect(await client.listModels()).toEqual(['fake-judge-1', 'fake-judge-2']);
		const report = await client.testConnection();
		expect(report).toMatchObject({ modelListed: true, models: ['fake-judge-1', 'fake-judge-2'] });
		expect(report.usage?.promptTokens).toBeGreaterThan(0);
	});

	it('reports a refused key, an unknown model and a wrong endpoint in plain words, after exactly one request, without the key', async () => {
		const cases: [Partial<ProviderConfig>, Record<string, string>, string, RegExp][] = [
			[{}, { FAKE_JUDGE_KEY: `${KEY}-wrong` }, 'auth', /API key was refused.*401/],
			[{ model: 'no-such-model' }, environment, 'not_found', /model "no-such-model" is unknown/],
			[{ baseUrl: server.baseUrl.replace('/v1', '/nothing-here') }, environment, 'not_found', /404/]
		];
		for (const [over, env, kind, message] of cases) {
			const before = server.log.length;
			const error = await failure(
				createLlmClient(provider(server, over), { environment: env }).chat(ask(`case ${kind}`))
			);
			expect(error).toMatchObject({ kind, retryable: false, attempts: 1 });
			expect(error.message).toMatch(message);
			expect(error.message).not.toContain(KEY);
			expect(error.stack ?? '').not.toContain(KEY);
			// The wrong-endpoint case never reaches the completions route, but is still one request.
			expect(server.log.length - before).toBeLessThanOrEqual(1);
		}
	});

	it('names a missing key variable instead of calling', async () => {
		const error = await failure(Promise.resolve().then(() => createLlmClient(provider(server), { environment: {} })));
		expect(error).toMatchObject({ kind: 'config' });
		expect(error.message).toContain('FAKE_JUDGE_KEY');
	});
});

describe('retries', () => {
	it('honours Retry-After on 429 and retries 5xx, resets, malformed bodies and hangs', async () => {
		const faults: Record<string, (attempt: number) => Fault | null> = {
			'rate limited': (n) => (n === 1 ? { kind: '429', retryAfterMs: 300 } : null),
			'server error': (n) => (n <= 2 ? { kind: n === 1 ? '500' : '503' } : null),
			reset: (n) => (n === 1 ? { kind: 'reset' } : null),
			malformed: (n) => (n === 1 ? { kind: 'malformed' } : null),
			hang: (n) => (n === 1 ? { kind: 'hang' } : null)
		};
		const server = await startFakeOpenAi({
			fault: (req, ctx) => faults[req.messages[0].content]?.(ctx.attempt) ?? null
		});
		try {
			const client = createLlmClient(provider(server, { apiKey: null, timeoutMs: 400 }), {});
			for (const name of Object.keys(faults)) {
				const r = await client.chat(ask(name));
				expect(r.text, name).toBe('[[A]]');
				const key = server.keyOf({ model: 'fake-judge-1', messages: ask(name).messages });
				expect(server.successes(key), name).toBe(1);
				expect(r.attempts, name).toBe(server.attempts(key));
			}
			const rl = server.log.filter(
				(l) => l.key === server.keyOf({ model: 'fake-judge-1', messages: ask('rate limited').messages })
			);
			expect(rl.map((l) => l.outcome)).toEqual([429, 200]);
			expect(rl[1].at - rl[0].at).toBeGreaterThanOrEqual(300);
			expect(server.log.some((l) => l.outcome === 'hang')).toBe(true);
		} finally {
			await server.close();
		}
	});

	it('gives up after maxRetries with the reason and the attempt count', async () => {
		const server = await startFakeOpenAi({ fault: () => ({ kind: '503' }) });
		try {
			const error = await failure(
				createLlmClient(provider(server, { apiKey: null, maxRetries: 3 }), {}).chat(ask('x'))
			);
			expect(error).toMatchObject({ kind: 'server', status: 503, retryable: true, attempts: 4 });
			expect(error.message).toMatch(/server error \(503\).*gave up after 4 attempts/);
			expect(server.log).toHaveLength(4);
		} finally {
			await server.close();
		}
	});

	it('scrubs the key when a provider echoes it', async () => {
		const server = await startFakeOpenAi({
			fault: () => ({ kind: 'status', status: 400, message: `Invalid request for key ${KEY}` })
		});
		try {
			const error = await failure(createLlmClient(provider(server), { environment }).chat(ask('x')));
			expect(error.kind).toBe('bad_request');
			expect(error.message).toContain('[redacted]');
			expect(error.message).not.toContain(KEY);
			expect(server.log).toHaveLength(1);
		} finally {
			await server.close();
		}
	});
});

describe('the PostgreSQL rate limiter', () => {
	let dbs: Db[];
	beforeAll(() => {
		dbs = [0, 1].map(() => createDb(createPool(inject('databaseUrl'), 4)));
	});
	afterAll(async () => {
		for (const db of dbs) await db.destroy();
	});

	it("is one bucket for all processes: a minute's allowance at once, then waits that pay back the debt in order", async () => {
		const key = `limits-${Date.now()}`;
		const limits = { requestsPerMinute: 60, tokensPerMinute: null };
		// Two pools stand for two worker processes reserving at the same time.
		const levels = await Promise.all(
			Array.from({ length: 90 }, (_, i) => buckets.reserve(dbs[i % 2], key, { requests: 1, tokens: 10, ...limits }))
		);
		const waits = levels.map((l) => waitForLevels(l, limits)).sort((a, b) => a - b);
		expect(waits.filter((w) => w === 0)).toHaveLength(60);
		// The k-th request beyond the allowance waits ≈ k seconds (60/minute), give or take the refill meanwhile.
		waits.slice(60).forEach((w, k) => {
			expect(w).toBeGreaterThan((k + 1) * 1000 - 1500);
			expect(w).toBeLessThanOrEqual((k + 1) * 1000);
		});
	});

	it('makes the client wait for its turn (tokens per minute)', async () => {
		const server = await startFakeOpenAi();
		const slept: number[] = [];
		try {
			const limiter = createPgRateLimiter(dbs[0], async (ms) => {
				slept.push(ms);
			});
			const client = createLlmClient(
				provider(server, { apiKey: null, id: `tpm-${Date.now()}`, tokensPerMinute: 600, requestsPerMinute: null }),
				{ limiter }
			);
			// Each call uses ≈ 100 prompt tokens (+ 100 reserved for the reply, returned after it);
			// 600/minute lets the first few through, then each waits for the refill.
			for (let i = 0; i < 10; i++) await client.chat({ ...ask(`${'x'.repeat(400)} call ${i}`), maxTokens: 100 });
			expect(slept.length).toBeGreaterThanOrEqual(1);
			expect(Math.max(...slept)).toBeGreaterThan(5000);
		} finally {
			await server.close();
		}
	});
});
