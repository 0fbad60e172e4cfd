/**
 * A fake OpenAI-compatible server for tests: a real HTTP server on 127.0.0.1 (a
 * random port) speaking the parts of the API Concord uses.
 *
 *   POST /v1/chat/completions  JSON or streaming (SSE), `response_format` json_schema
 *                              honoured, `usage` reported (≈ 4 characters per token)
 *   GET  /v1/models            the configured model list
 *
 * Replies are scripted by a function of the request, so a test can make a judge
 * position- or length-biased. Faults come from rules (a function of the request)
 * or from probabilities drawn deterministically from (seed, request key, attempt):
 * 429 with Retry-After, 500/503, a hang past the client's timeout, a connection
 * reset, a malformed JSON body, a reply off the requested schema. Every request is
 * logged with its key (by default a hash of model + messages), so tests can count
 * attempts and successes per key and check the waits between them.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeChatRequest {
	model: string;
	messages: { role: string; content: string }[];
	temperature?: number;
	max_tokens?: number;
	max_completion_tokens?: number;
	seed?: number;
	stream?: boolean;
	stream_options?: { include_usage?: boolean };
	response_format?: { type: string; json_schema?: { name?: string; schema?: Record<string, unknown> } };
}

export type Fault =
	| { kind: '429'; retryAfterMs?: number; retryAfterSeconds?: number }
	| { kind: '500' | '503' }
	| { kind: 'hang' }
	| { kind: 'reset' }
	| { kind: 'malformed' }
	| { kind: 'wrong-schema' }
	| { kind: 'status'; status: number; message?: string };

export interface RequestContext {
	/** The request's key (see `keyOf`). */
	key: string;
	/** 1 for the first request with this key, 2 for the second … */
	attempt: number;
	headers: http.IncomingHttpHeaders;
}

export interface FakeOpenAiOptions {
	/** Milliseconds before answering (also before a fault is served); a number or a function of the request. */
	latencyMs?: number | ((req: FakeChatRequest, ctx: RequestContext) => number);
	/** The assistant's text. Default: a minimal instance of the json_schema, else "[[A]]". */
	reply?: (req: FakeChatRequest, ctx: RequestContext) => string;
	/** A rule: the fault for this request, or null. Checked before the probabilities. */
	fault?: (req: FakeChatRequest, ctx: RequestContext) => Fault | null;
	/** Probabilities per request (each in [0, 1], summing to at most 1), drawn from `seed`. */
	faultRates?: Partial<Record<'429' | '5xx' | 'hang' | 'reset' | 'malformed' | 'wrong-schema', number>>;
	seed?: number;
	/** Retry-After sent with probabilistic 429s: `retry-after-ms` when set, else `retry-after` seconds (default 1). */
	retryAfterMs?: number;
	retryAfterSeconds?: number;
	models?: string[];
	/** When set, requests must carry `Authorization: Bearer <apiKey>` (or `api-key`), else 401. */
	apiKey?: string;
	/** Default: sha256 of model + messages (so retries of one call share a key). */
	keyOf?: (req: FakeChatRequest) => string;
}

export interface LoggedRequest {
	key: string;
	attempt: number;
	at: number;
	path: string;
	/** HTTP status sent, the fault that sent none ('hang', 'reset'), or 'client-gone' (it gave up first). */
	outcome: number | 'hang' | 'reset' | 'client-gone';
	/** When the reply was written (absent when none was). */
	sentAt?: number;
	fault: Fault['kind'] | null;
	stream: boolean;
}

export interface FakeOpenAiServer {
	/** e.g. http://127.0.0.1:40123/v1 — what a client takes as its base URL. */
	baseUrl: string;
	log: LoggedRequest[];
	/** Requests per key (every attempt). */
	attempts(key: string): number;
	/** 200 replies per key. */
	successes(key: string): number;
	keyOf(req: FakeChatRequest): string;
	/** Drops the log and the per-key attempt counters. */
	reset(): void;
	close(): Promise<void>;
}

const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

/** A 32-bit hash → [0, 1): the same (seed, key, attempt) always draws the same number. */
function draw(seed: number, key: string, attempt: number): number {
	return createHash('sha256').update(`${seed}:${key}:${attempt}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** The smallest value that satisfies a (simple) JSON schema: what a well-behaved model returns. */
export function minimalInstance(schema: Record<string, unknown> | undefined): unknown {
	if (!schema) return {};
	if (Array.isArray(schema.enum)) return schema.enum[0];
	if ('const' in schema) return schema.const;
	const anyOf = (schema.anyOf ?? schema.oneOf) as Record<string, unknown>[] | undefined;
	if (anyOf?.length) return minimalInstance(anyOf[0]);
	const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
	switch (type) {
		case 'object': {
			const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
			const required = (schema.required as string[] | undefined) ?? Object.keys(props);
			return Object.fromEntries(required.map((k) => [k, minimalInstance(props[k])]));
		}
		case 'array':
			return Array.from({ length: Number(schema.minItems ?? 0) }, () =>
				minimalInstance(schema.items as Record<string, unknown>)
			);
		case 'integer':
		case 'number':
			return Number(schema.minimum ?? 1);
		case 'boolean':
			return true;
		case 'null':
			return null;
		default:
			return 'A';
	}
}

function defaultKey(req: FakeChatRequest): string {
	return createHash('sha256')
		.update(JSON.stringify([req.model, req.messages]))
		.digest('hex')
		.slice(0, 16);
}

export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAiServer> {
	const log: LoggedRequest[] = [];
	const attemptsByKey = new Map<string, number>();
	const okByKey = new Map<string, number>();
	const sockets = new Set<Socket>();
	const timers = new Set<NodeJS.Timeout>();
	const keyOf = options.keyOf ?? defaultKey;
	const models = options.models ?? ['fake-judge-1', 'fake-judge-2'];
	const seed = options.seed ?? 1;

	const wait = (ms: number) =>
		new Promise<void>((resolve) => {
			const t = setTimeout(() => {
				timers.delete(t);
				resolve();
			}, ms);
			timers.add(t);
		});

	function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
		res.writeHead(status, { 'content-type': 'application/json', ...headers });
		res.end(JSON.stringify(body));
	}
	const apiError = (message: string, type: string, code: string | null = null) => ({
		error: { message, type, param: null, code }
	});

	function pickFault(req: FakeChatRequest, ctx: RequestContext): Fault | null {
		const ruled = options.fault?.(req, ctx);
		if (ruled) return ruled;
		const rates = options.faultRates;
		if (!rates) return null;
		let x = draw(seed, ctx.key, ctx.attempt);
		const order: [keyof NonNullable<FakeOpenAiOptions['faultRates']>, () => Fault][] = [
			[
				'429',
				() => ({ kind: '429', retryAfterMs: options.retryAfterMs, retryAfterSeconds: options.retryAfterSeconds ?? 1 })
			],
			['5xx', () => ({ kind: draw(seed + 1, ctx.key, ctx.attempt) < 0.5 ? '500' : '503' })],
			['hang', () => ({ kind: 'hang' })],
			['reset', () => ({ kind: 'reset' })],
			['malformed', () => ({ kind: 'malformed' })],
			['wrong-schema', () => ({ kind: 'wrong-schema' })]
		];
		for (const [name, make] of order) {
			const p = rates[name] ?? 0;
			if (x < p) return make();
			x -= p;
		}
		return null;
	}

	function authorized(headers: http.IncomingHttpHeaders): boolean {
		if (!options.apiKey) return true;
		return headers.authorization === `Bearer ${options.apiKey}` || headers['api-key'] === options.apiKey;
	}

	async function completions(req: http.IncomingMessage, res: http.ServerResponse, raw: string, path: string) {
		let body: FakeChatRequest;
		try {
			body = JSON.parse(raw) as FakeChatRequest;
		} catch {
			return json(res, 400, apiError('We could not parse the JSON body of your request.', 'invalid_request_error'));
		}
		const key = keyOf(body);
		const attempt = (attemptsByKey.get(key) ?? 0) + 1;
		attemptsByKey.set(key, attempt);
		const entry: LoggedRequest = {
			key,
			attempt,
			at: Date.now(),
			path,
			outcome: 200,
			fault: null,
			stream: !!body.stream
		};
		log.push(entry);
		const ctx: RequestContext = { key, attempt, headers: req.headers };
		if (!authorized(req.headers)) {
			entry.outcome = 401;
			return json(res, 401, apiError('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'));
		}
		if (!models.includes(body.model)) {
			entry.outcome = 404;
			return json(
				res,
				404,
				apiError(`The model \`${body.model}\` does not exist.`, 'invalid_request_error', 'model_not_found')
			);
		}
		const fault = pickFault(body, ctx);
		entry.fault = fault?.kind ?? null;
		const latency = typeof options.latencyMs === 'function' ? options.latencyMs(body, ctx) : (options.latencyMs ?? 0);
		if (latency > 0) await wait(latency);
		// The client timed out meanwhile: nothing is delivered, so nothing counts as answered.
		if (req.socket.destroyed) {
			entry.outcome = 'client-gone';
			return;
		}
		entry.sentAt = Date.now();
		switch (fault?.kind) {
			case '429': {
				entry.outcome = 429;
				const headers: Record<string, string> =
					fault.retryAfterMs !== undefined
						? { 'retry-after-ms': String(fault.retryAfterMs) }
						: { 'retry-after': String(fault.retryAfterSeconds ?? 1) };
				return json(
					res,
					429,
					apiError('Rate limit reached. Please retry later.', 'requests', 'rate_limit_exceeded'),
					headers
				);
			}
			case '500':
			case '503':
				entry.outcome = Number(fault.kind);
				return json(
					res,
					entry.outcome,
					apiError('The server had an error while processing your request.', 'server_error')
				);
			case 'status':
				entry.outcome = fault.status;
				return json(res, fault.status, apiError(fault.message ?? `status ${fault.status}`, 'invalid_request_error'));
			case 'hang':
				// Never answers; the socket is destroyed when the client gives up or the server closes.
				entry.outcome = 'hang';
				return;
			case 'reset':
				entry.outcome = 'reset';
				req.socket.destroy();
				return;
			case 'malformed':
				entry.outcome = 200;
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end('{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"index":0,"message":{"role":"assist');
				return;
		}
		const schema = body.response_format?.type === 'json_schema' ? body.response_format.json_schema?.schema : undefined;
		let content: string;
		if (fault?.kind === 'wrong-schema') content = JSON.stringify({ unexpected: 'not what the schema asked for' });
		else if (options.reply) content = options.reply(body, ctx);
		else content = schema ? JSON.stringify(minimalInstance(schema)) : '[[A]]';
		const promptTokens = tokens(body.messages.map((m) => m.content).join('\n'));
		const usage = {
			prompt_tokens: promptTokens,
			completion_tokens: tokens(content),
			total_tokens: promptTokens + tokens(content)
		};
		const id = `chatcmpl-${key}-${attempt}`;
		const created = Math.floor(Date.now() / 1000);
		okByKey.set(key, (okByKey.get(key) ?? 0) + 1);
		if (!body.stream) {
			return json(res, 200, {
				id,
				object: 'chat.completion',
				created,
				model: body.model,
				choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
				usage
			});
		}
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
		const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
			res.write(
				`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices, ...extra })}\n\n`
			);
		chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
		const size = Math.max(1, Math.ceil(content.length / 3));
		for (let i = 0; i < content.length; i += size) {
			chunk([{ index: 0, delta: { content: content.slice(i, i + size) }, finish_reason: null }]);
		}
		chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]);
		if (body.stream_options?.include_usage) chunk([], { usage });
		res.end('data: [DONE]\n\n');
	}

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const path = (req.url ?? '').split('?')[0];
			const raw = Buffer.concat(chunks).toString('utf8');
			// OpenAI-style (/v1/…) and Azure-style (/openai/deployments/<name>/…) routes; nothing else.
			if (req.method === 'POST' && /^(\/v1|\/openai\/deployments\/[^/]+)\/chat\/completions$/.test(path)) {
				completions(req, res, raw, path).catch((error) => {
					if (!res.headersSent) json(res, 500, apiError(String(error), 'server_error'));
				});
			} else if (req.method === 'GET' && /^\/(v1|openai)\/models$/.test(path)) {
				if (!authorized(req.headers))
					return json(res, 401, apiError('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'));
				json(res, 200, {
					object: 'list',
					data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' }))
				});
			} else {
				json(res, 404, apiError(`No route ${req.method} ${path}`, 'invalid_request_error'));
			}
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		log,
		attempts: (key) => attemptsByKey.get(key) ?? 0,
		successes: (key) => okByKey.get(key) ?? 0,
		keyOf,
		reset() {
			log.length = 0;
			attemptsByKey.clear();
			okByKey.clear();
		},
		async close() {
			for (const t of timers) clearTimeout(t);
			for (const s of sockets) s.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}
