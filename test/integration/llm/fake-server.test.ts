/**
 * The fake OpenAI-compatible server on its own, over raw HTTP: the wire format a
 * real provider sends (JSON, SSE with a usage chunk, the error body), key checks,
 * off-schema replies, and seeded faults that repeat exactly.
 */
import { describe, expect, it } from 'vitest';
import { startFakeOpenAi, type FakeOpenAiServer } from '../../support/fake-openai-server';

async function withServer<T>(options: Parameters<typeof startFakeOpenAi>[0], fn: (s: FakeOpenAiServer) => Promise<T>) {
	const server = await startFakeOpenAi(options);
	try {
		return await fn(server);
	} finally {
		await server.close();
	}
}

const post = (server: FakeOpenAiServer, body: unknown, headers: Record<string, string> = {}) =>
	fetch(`${server.baseUrl}/chat/completions`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body)
	});
const messages = [{ role: 'user', content: 'Which answer is better?' }];

describe('fake OpenAI-compatible server', () => {
	it('streams SSE chunks that add up to the reply, then usage, then [DONE]', async () => {
		await withServer({ reply: () => 'The verdict is [[B]]' }, async (server) => {
			const res = await post(server, {
				model: 'fake-judge-1',
				messages,
				stream: true,
				stream_options: { include_usage: true }
			});
			expect(res.headers.get('content-type')).toBe('text/event-stream');
			const events = (await res.text())
				.split('\n\n')
				.filter(Boolean)
				.map((e) => e.replace(/^data: /, ''));
			expect(events.at(-1)).toBe('[DONE]');
			const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
			expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('The verdict is [[B]]');
			expect(chunks.at(-1).usage).toEqual({ prompt_tokens: 6, completion_tokens: 5, total_tokens: 11 });
		});
	});

	it('checks the key, knows its models, and answers off-schema when told to', async () => {
		await withServer(
			{ apiKey: 'k-123', fault: (req) => (req.messages[0].content === 'off' ? { kind: 'wrong-schema' } : null) },
			async (server) => {
				const denied = await post(server, { model: 'fake-judge-1', messages });
				expect(denied.status).toBe(401);
				expect((await denied.json()).error.code).toBe('invalid_api_key');
				const auth = { authorization: 'Bearer k-123' };
				expect((await post(server, { model: 'gpt-9', messages }, auth)).status).toBe(404);
				const schema = { type: 'object', properties: { verdict: { enum: ['A', 'B'] } }, required: ['verdict'] };
				const rf = { type: 'json_schema', json_schema: { name: 'v', schema } };
				const good = await (await post(server, { model: 'fake-judge-1', messages, response_format: rf }, auth)).json();
				expect(JSON.parse(good.choices[0].message.content)).toEqual({ verdict: 'A' });
				const off = await (
					await post(
						server,
						{ model: 'fake-judge-1', messages: [{ role: 'user', content: 'off' }], response_format: rf },
						auth
					)
				).json();
				expect(JSON.parse(off.choices[0].message.content)).not.toHaveProperty('verdict');
				const models = await (await fetch(`${server.baseUrl}/models`, { headers: auth })).json();
				expect(models.data.map((m: { id: string }) => m.id)).toEqual(['fake-judge-1', 'fake-judge-2']);
			}
		);
	});

	it('draws the same seeded faults for the same requests, and logs attempts per key', async () => {
		const run = () =>
			withServer(
				{ seed: 3, faultRates: { '429': 0.3, '5xx': 0.2, malformed: 0.1 }, retryAfterSeconds: 2 },
				async (server) => {
					const statuses: number[] = [];
					for (let i = 0; i < 30; i++) {
						const res = await post(server, {
							model: 'fake-judge-1',
							messages: [{ role: 'user', content: `q${i % 10}` }]
						});
						if (res.status === 429) expect(res.headers.get('retry-after')).toBe('2');
						statuses.push(res.status);
						await res.text();
					}
					const key = server.keyOf({ model: 'fake-judge-1', messages: [{ role: 'user', content: 'q0' }] });
					expect(server.attempts(key)).toBe(3);
					return statuses;
				}
			);
		const first = await run();
		expect(await run()).toEqual(first);
		expect(new Set(first)).toEqual(new Set([200, 429, 500, 503].filter((s) => first.includes(s))));
		expect(first.filter((s) => s !== 200).length).toBeGreaterThan(5);
	});
});
