/**
 * The OpenAI-compatible client: one provider, through the `openai` SDK with a
 * base URL, except plain chat completions (not streamed, not Azure), which are
 * one POST on node:http (node-fetch.ts) and fail with the SDK's own error classes.
 * The SDK's own retries are off (maxRetries 0): the policy is ours —
 * a per-call timeout that covers reading the whole reply, retries with
 * exponential backoff and full jitter on 429, 5xx, timeouts, dropped connections
 * and malformed replies, honouring Retry-After; 400/401/403/404 fail at once in
 * plain words. The shared rate limiter is asked before every attempt.
 *
 *   const client = createLlmClient(provider, { limiter, logger });
 *   const { text, usage, cost, latencyMs } = await client.chat({ messages, temperature, maxTokens, seed, responseFormat });
 */
import OpenAI, { APIConnectionError, APIError, AzureOpenAI } from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import { logger as rootLogger, type Logger } from '../logger';
import { backoffDelay } from './backoff';
import { costOf } from './cost';
import { classifyError, LlmError, redact, type ErrorContext } from './errors';
import { headersOf, nodeRequest, type NodeReply } from './node-fetch';
import { abortableSleep, noRateLimit, type RateLimiter, type RateLimits } from './rate-limiter';
import { decryptSecret } from './secrets';
import type { ChatRequest, ChatResult, ProviderConfig, Usage } from './types';

export interface LlmClientDeps {
	limiter?: RateLimiter;
	logger?: Logger;
	/** Injected for tests; default setTimeout-based, abortable. */
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
	random?: () => number;
	/** Where `{ env: NAME }` keys are read. Default process.env. */
	environment?: NodeJS.ProcessEnv;
	/**
	 * The SDK's fetch (streamed and Azure calls, the model list); the judge-run executor passes
	 * `nodeFetch` (node-fetch.ts: far less CPU per call). Plain chat completions never use the SDK.
	 */
	fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
}

export interface ConnectionReport {
	/** Model ids from GET /models, or null when the endpoint has no model list. */
	models: string[] | null;
	/** Whether the configured model is in that list (null without a list). */
	modelListed: boolean | null;
	reply: string;
	latencyMs: number;
	usage: Usage | null;
}

export interface LlmClient {
	readonly providerId: string;
	chat(request: ChatRequest): Promise<ChatResult>;
	listModels(signal?: AbortSignal): Promise<string[]>;
	/** Lists the models and makes one tiny call (no retries): for the provider form's "Test connection". */
	testConnection(): Promise<ConnectionReport>;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_RETRIES = 6;
/** A Retry-After beyond this is capped: a judge run should not sleep for an hour on one header. */
const MAX_HONOURED_WAIT_MS = 10 * 60_000;

/** Resolves the provider's key: from the named environment variable, or decrypted from storage. */
export function resolveApiKey(config: ProviderConfig, environment: NodeJS.ProcessEnv = process.env): string | null {
	const source = config.apiKey;
	if (!source) return null;
	if ('env' in source) {
		const value = environment[source.env];
		if (!value)
			throw new LlmError(
				'config',
				`The environment variable ${source.env} (API key of provider ${config.id}) is not set.`
			);
		return value;
	}
	try {
		return decryptSecret(source.encrypted, { aad: config.id });
	} catch (error) {
		throw new LlmError(
			'config',
			`The stored API key of provider ${config.id} cannot be used: ${(error as Error).message}`
		);
	}
}

/** ≈ 4 characters per token: a reservation for the rate limiter, corrected after the call. */
function estimateTokens(request: ChatRequest): number {
	const chars = request.messages.reduce((n, m) => n + m.content.length, 0);
	return Math.ceil(chars / 4) + (request.maxTokens ?? 512);
}

export function createLlmClient(config: ProviderConfig, deps: LlmClientDeps = {}): LlmClient {
	const apiKey = resolveApiKey(config, deps.environment);
	const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const maxRetries = config.maxRetries ?? DEFAULT_RETRIES;
	const backoff = { baseMs: config.backoff?.baseMs ?? 1000, maxMs: config.backoff?.maxMs ?? 60_000 };
	const limiter = deps.limiter ?? noRateLimit;
	const sleep = deps.sleep ?? abortableSleep;
	const random = deps.random ?? Math.random;
	const log = (deps.logger ?? rootLogger).child({ component: 'llm', provider: config.id, model: config.model });
	const limits: RateLimits = {
		requestsPerMinute: config.requestsPerMinute ?? null,
		tokensPerMinute: config.tokensPerMinute ?? null
	};
	// Local servers (Ollama, llama.cpp) need no key, but the SDK insists on one.
	const key = apiKey ?? 'no-key';
	const common = {
		apiKey: key,
		maxRetries: 0,
		timeout: timeoutMs + 1000,
		...(deps.fetch ? { fetch: deps.fetch } : {})
	};
	const sdk: OpenAI =
		config.kind === 'azure'
			? new AzureOpenAI({
					...common,
					endpoint: config.baseUrl,
					apiVersion: config.azureApiVersion ?? '2024-10-21',
					deployment: config.model
				})
			: new OpenAI({ ...common, baseURL: config.baseUrl });

	// Plain (not streamed, not Azure) chat completions go straight to node:http: the SDK's
	// request building, Response and body streams cost more CPU than the rest of a judgment.
	const direct = config.kind !== 'azure' && !config.stream;
	const completionsUrl = new URL(`${config.baseUrl.replace(/\/+$/, '')}/chat/completions`);
	const directHeaders = {
		'content-type': 'application/json',
		accept: 'application/json',
		authorization: `Bearer ${key}`,
		'user-agent': 'Concord'
	};

	/** One chat completion without the SDK; failures are thrown as the SDK would throw them (errors.ts reads those). */
	async function postCompletion(params: ChatCompletionCreateParamsBase, signal: AbortSignal): Promise<ChatCompletion> {
		let reply: NodeReply;
		try {
			reply = await nodeRequest(completionsUrl, {
				method: 'POST',
				headers: directHeaders,
				body: JSON.stringify(params),
				signal
			});
		} catch (error) {
			if (error instanceof Error && error.name === 'AbortError') throw error;
			throw new APIConnectionError({ cause: error as Error });
		}
		const text = reply.body ? reply.body.toString('utf8') : '';
		if (reply.status < 200 || reply.status > 299) {
			let body: object | undefined;
			try {
				body = JSON.parse(text) as object;
			} catch {
				body = undefined;
			}
			throw APIError.generate(reply.status, body, body ? undefined : text, headersOf(reply.headers));
		}
		// A body that is not JSON throws a SyntaxError: a malformed reply (retried).
		return JSON.parse(text) as ChatCompletion;
	}

	const context = (timedOut: boolean): ErrorContext => ({
		providerId: config.id,
		model: config.model,
		baseUrl: config.baseUrl,
		apiKey,
		timedOut,
		timeoutMs
	});

	/** Runs `fn` under the per-call timeout, linked to the caller's signal. */
	async function withTimeout<T>(signal: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
		const controller = new AbortController();
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			controller.abort();
		}, timeoutMs);
		const onAbort = () => controller.abort();
		signal?.addEventListener('abort', onAbort, { once: true });
		try {
			if (signal?.aborted) throw new LlmError('aborted', 'The call was cancelled.');
			return await fn(controller.signal);
		} catch (error) {
			throw classifyError(error, context(timedOut));
		} finally {
			clearTimeout(timer);
			signal?.removeEventListener('abort', onAbort);
		}
	}

	async function once(request: ChatRequest, signal: AbortSignal): Promise<Omit<ChatResult, 'attempts' | 'cost'>> {
		const structured = !!request.responseFormat && config.supportsJsonSchema;
		const params: ChatCompletionCreateParamsBase = {
			model: config.model,
			messages: request.messages,
			...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
			// max_tokens, not max_completion_tokens: the one every compatible server knows.
			...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
			...(request.seed !== undefined ? { seed: request.seed } : {}),
			...(structured ? { response_format: request.responseFormat } : {})
		};
		const started = performance.now();
		if (!config.stream) {
			const completion = direct
				? await postCompletion(params, signal)
				: await sdk.chat.completions.create({ ...params, stream: false }, { signal });
			const choice = completion?.choices?.[0];
			if (!choice || !choice.message)
				throw new LlmError('malformed', `${config.id} sent a reply without choices (not a chat completion).`);
			return {
				text: choice.message.content ?? '',
				usage: completion.usage
					? { promptTokens: completion.usage.prompt_tokens, completionTokens: completion.usage.completion_tokens }
					: null,
				latencyMs: Math.round(performance.now() - started),
				structured,
				finishReason: choice.finish_reason ?? null,
				model: completion.model ?? config.model
			};
		}
		const stream = await sdk.chat.completions.create(
			{ ...params, stream: true, stream_options: { include_usage: true } },
			{ signal }
		);
		let text = '';
		let usage: Usage | null = null;
		let finishReason: string | null = null;
		let model = config.model;
		for await (const chunk of stream) {
			const choice = chunk.choices?.[0];
			if (choice?.delta?.content) text += choice.delta.content;
			if (choice?.finish_reason) finishReason = choice.finish_reason;
			if (chunk.model) model = chunk.model;
			if (chunk.usage)
				usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
		}
		if (finishReason === null)
			throw new LlmError('connection', `The reply from ${config.id} ended before it finished.`);
		return { text, usage, latencyMs: Math.round(performance.now() - started), structured, finishReason, model };
	}

	async function chat(request: ChatRequest, retries = maxRetries): Promise<ChatResult> {
		const estimate = estimateTokens(request);
		for (let attempt = 1; ; attempt++) {
			await limiter.acquire(config.id, estimate, limits, request.signal);
			try {
				const result = await withTimeout(request.signal, (signal) => once(request, signal));
				const used = result.usage ? result.usage.promptTokens + result.usage.completionTokens : estimate;
				await limiter.settle(config.id, estimate, used, limits);
				return { ...result, attempts: attempt, cost: costOf(result.usage, config.pricePerMillion) };
			} catch (thrown) {
				const error = classifyError(thrown, context(false));
				await limiter.settle(config.id, estimate, 0, limits).catch(() => {});
				if (!error.retryable || attempt > retries || request.signal?.aborted) {
					error.message = redact(
						error.retryable ? `${error.message} (gave up after ${attempt} attempts)` : error.message,
						[apiKey]
					);
					error.attempts = attempt;
					log.warn('llm call failed', {
						kind: error.kind,
						status: error.status,
						attempts: attempt,
						error: error.message
					});
					throw error;
				}
				const delay = Math.min(error.retryAfterMs ?? backoffDelay(attempt - 1, backoff, random), MAX_HONOURED_WAIT_MS);
				log.debug('llm call retried', { kind: error.kind, status: error.status, attempt, delayMs: delay });
				await sleep(delay, request.signal).catch(() => {
					throw new LlmError('aborted', 'The call was cancelled.');
				});
			}
		}
	}

	async function listModels(signal?: AbortSignal): Promise<string[]> {
		return withTimeout(signal, async (s) => {
			const ids: string[] = [];
			for await (const model of sdk.models.list({ signal: s })) ids.push(model.id);
			return ids;
		});
	}

	return {
		providerId: config.id,
		chat: (request) => chat(request),
		listModels,
		async testConnection() {
			let models: string[] | null = null;
			try {
				models = await listModels();
			} catch (error) {
				// Some servers have no model list; a wrong key or URL shows again in the call below.
				if (!(error instanceof LlmError) || error.kind !== 'not_found') throw error;
			}
			const r = await chat(
				{ messages: [{ role: 'user', content: 'Reply with the single word: OK' }], maxTokens: 5, temperature: 0 },
				0
			);
			return {
				models,
				modelListed: models ? models.includes(config.model) : null,
				reply: r.text,
				latencyMs: r.latencyMs,
				usage: r.usage
			};
		}
	};
}
