/**
 * HTTP for the LLM client, on http1.ts (raw sockets with keep-alive). Node's built-in fetch
 * (undici, WHATWG streams) costs several times more CPU per call, and node:http three times more
 * than http1.ts; a judge run makes thousands of calls per minute, and on a small machine that CPU
 * is what limits it (`npm run bench:judge`).
 *
 * - `nodeRequest` is the core: the reply body is read whole before it resolves, so a timeout or
 *   a reset mid-body rejects here. An abort (our per-call timer, a cancelled run) rejects with an
 *   AbortError, anything else with the socket's error.
 * - `nodeFetch` wraps it as a `fetch` for the openai SDK (streamed (SSE) replies work too; they
 *   are parsed once complete).
 * - The client's plain chat completions skip the SDK and call `nodeRequest` directly (client.ts).
 */
import type http from 'node:http';
import { http1Request } from './http1';

export interface NodeReply {
	status: number;
	statusText: string;
	headers: http.IncomingHttpHeaders;
	/** Null when the reply had no body. */
	body: Buffer | null;
}

export interface NodeRequestInit {
	method: string;
	headers: Record<string, string>;
	body?: string | Uint8Array;
	signal?: AbortSignal;
}

/** One request on the shared keep-alive connections; resolves with the whole reply. */
export function nodeRequest(url: URL, init: NodeRequestInit): Promise<NodeReply> {
	return http1Request(url, init);
}

/** Node's header object as a WHATWG Headers (what the SDK and its errors expect). */
export function headersOf(raw: http.IncomingHttpHeaders): Headers {
	const headers = new Headers();
	for (const [key, value] of Object.entries(raw)) {
		if (value === undefined) continue;
		if (Array.isArray(value)) for (const v of value) headers.append(key, v);
		else headers.set(key, value);
	}
	return headers;
}

function requestHeaders(init: HeadersInit | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	if (!init) return out;
	new Headers(init).forEach((value, key) => {
		out[key] = value;
	});
	return out;
}

/** `fetch` for the openai SDK on `nodeRequest`. */
export const nodeFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
	const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
	const body = init.body;
	if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array))
		throw new TypeError('nodeFetch sends string or byte bodies only');
	const reply = await nodeRequest(url, {
		method: init.method ?? 'GET',
		headers: requestHeaders(init.headers),
		body: body ?? undefined,
		signal: init.signal ?? undefined
	});
	return new Response(reply.body as BodyInit | null, {
		status: reply.status,
		statusText: reply.statusText,
		headers: headersOf(reply.headers)
	});
};
