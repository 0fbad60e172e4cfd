/**
 * Every failure of a provider call becomes an LlmError with a kind, whether a
 * retry can help, and a message in plain words that is safe to show and to log:
 * the API key is scrubbed from it, whatever the provider echoed.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { retryAfterMs } from './backoff';

export type LlmErrorKind =
	| 'rate_limited' // 429
	| 'server' // 5xx, 408, 409
	| 'timeout' // no full reply within the per-call timeout
	| 'connection' // refused, reset, dropped mid-reply
	| 'malformed' // a reply that is not a chat completion (bad JSON, no choices)
	| 'bad_request' // 400, 422
	| 'auth' // 401
	| 'forbidden' // 403
	| 'not_found' // 404: unknown model or wrong endpoint
	| 'client' // any other 4xx
	| 'aborted' // the caller cancelled
	| 'config'; // our side: missing key variable, undecryptable key

const RETRYABLE: ReadonlySet<LlmErrorKind> = new Set(['rate_limited', 'server', 'timeout', 'connection', 'malformed']);

export class LlmError extends Error {
	readonly retryable: boolean;
	/** Attempts made before this error was final (set by the client). */
	attempts = 1;
	constructor(
		readonly kind: LlmErrorKind,
		message: string,
		readonly status: number | null = null,
		/** What the server asked us to wait (Retry-After), if anything. */
		readonly retryAfterMs?: number
	) {
		super(message);
		this.name = 'LlmError';
		this.retryable = RETRYABLE.has(kind);
	}
}

/** Replaces every occurrence of the secrets in `text`. */
export function redact(text: string, secrets: (string | null | undefined)[]): string {
	let out = text;
	for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
	return out;
}

export interface ErrorContext {
	providerId: string;
	model: string;
	baseUrl: string;
	/** Scrubbed from every message. */
	apiKey: string | null;
	/** True when our own per-call timer aborted the request. */
	timedOut: boolean;
	timeoutMs: number;
}

/** Turns whatever the SDK or the network threw into an LlmError. */
export function classifyError(error: unknown, ctx: ErrorContext): LlmError {
	if (error instanceof LlmError) return error;
	const scrub = (m: string) => redact(m, [ctx.apiKey]).slice(0, 500);
	const detail = (e: APIError) => {
		const body = e.error as { message?: unknown } | undefined;
		const text = typeof body?.message === 'string' ? body.message : e.message;
		return text ? `: ${scrub(String(text))}` : '';
	};
	const where = `${ctx.providerId} (${ctx.baseUrl})`;
	if (error instanceof APIUserAbortError || isAbort(error)) {
		return ctx.timedOut
			? new LlmError('timeout', `No complete reply from ${where} within ${ctx.timeoutMs / 1000} s.`)
			: new LlmError('aborted', 'The call was cancelled.');
	}
	if (error instanceof APIConnectionTimeoutError)
		return new LlmError('timeout', `No complete reply from ${where} within ${ctx.timeoutMs / 1000} s.`);
	if (error instanceof APIConnectionError) {
		const cause = (error as { cause?: { code?: string; message?: string } }).cause;
		const why = cause?.code ?? cause?.message ?? error.message;
		return new LlmError('connection', `The connection to ${where} failed or was dropped (${scrub(String(why))}).`);
	}
	if (error instanceof APIError && typeof error.status === 'number') {
		const s = error.status;
		if (s === 429)
			return new LlmError(
				'rate_limited',
				`${where} is rate limiting (429)${detail(error)}`,
				s,
				retryAfterMs(error.headers)
			);
		if (s >= 500 || s === 408 || s === 409)
			return new LlmError(
				'server',
				`${where} had a server error (${s})${detail(error)}`,
				s,
				retryAfterMs(error.headers)
			);
		if (s === 401)
			return new LlmError(
				'auth',
				`The API key was refused by ${where} (401): check the key or its environment variable.`,
				s
			);
		if (s === 403)
			return new LlmError(
				'forbidden',
				`${where} denied access (403): the key has no permission for model "${ctx.model}"${detail(error)}`,
				s
			);
		if (s === 404)
			return new LlmError(
				'not_found',
				`Not found at ${where} (404): the model "${ctx.model}" is unknown there, or the base URL is not an OpenAI-compatible endpoint${detail(error)}`,
				s
			);
		if (s === 400 || s === 422)
			return new LlmError('bad_request', `${where} rejected the request (${s})${detail(error)}`, s);
		return new LlmError('client', `${where} answered ${s}${detail(error)}`, s);
	}
	if (error instanceof SyntaxError)
		return new LlmError('malformed', `${where} sent a reply that is not valid JSON (${scrub(error.message)}).`);
	if (error instanceof TypeError && /terminated|fetch failed|socket|ECONNRESET/i.test(String(error.message)))
		return new LlmError('connection', `The connection to ${where} was dropped (${scrub(error.message)}).`);
	const message = error instanceof Error ? error.message : String(error);
	// Unknown: most often a network error surfaced by the body reader; one retry is cheap.
	return new LlmError('connection', `The call to ${where} failed: ${scrub(message)}`);
}

function isAbort(error: unknown): boolean {
	return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}
