/**
 * HTTP on node:http(s) with keep-alive agents, for the LLM client. Node's built-in fetch
 * (undici, WHATWG streams) costs several times more CPU per call; a judge run makes thousands
 * of calls per minute, and on a small machine that CPU is what limits it (`npm run bench:judge`).
 *
 * - `nodeRequest` is the core: the reply body is read whole before it resolves, so a timeout or
 *   a reset mid-body rejects here. An abort (our per-call timer, a cancelled run) rejects with an
 *   AbortError, anything else with the socket's error.
 * - `nodeFetch` wraps it as a `fetch` for the openai SDK (streamed (SSE) replies work too; they
 *   are parsed once complete).
 * - The client's plain chat completions skip the SDK and call `nodeRequest` directly (client.ts).
 */
import http from 'node:http';
import https from 'node:https';

const agents = {
	'http:': new http.Agent({ keepAlive: true, maxSockets: Infinity }),
	'https:': new https.Agent({ keepAlive: true, maxSockets: Infinity })
};

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

function abortError(signal: AbortSignal): Error {
	const reason = signal.reason;
	if (reason instanceof Error && reason.name === 'AbortError') return reason;
	return new DOMException('The operation was aborted.', 'AbortError');
}

/** One request on the shared keep-alive agents; resolves with the whole reply. */
export function nodeRequest(url: URL, init: NodeRequestInit): Promise<NodeReply> {
	return new Promise((resolve, reject) => {
		const signal = init.signal;
		if (signal?.aborted) return reject(abortError(signal));
		const agent = agents[url.protocol as keyof typeof agents];
		if (!agent) return reject(new TypeError(`unsupported protocol ${url.protocol}`));
		const transport = url.protocol === 'https:' ? https : http;
		let settled = false;
		const fail = (error: Error) => {
			if (settled) return;
			settled = true;
			signal?.removeEventListener('abort', onAbort);
			reject(error);
		};
		const req = transport.request(url, { method: init.method, headers: init.headers, agent }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('error', fail);
			res.on('aborted', () => fail(new Error('the connection was closed before the reply ended')));
			res.on('end', () => {
				if (settled) return;
				settled = true;
				signal?.removeEventListener('abort', onAbort);
				const status = res.statusCode ?? 500;
				resolve({
					status,
					statusText: res.statusMessage ?? '',
					headers: res.headers,
					body:
						status === 204 || status === 304 || chunks.length === 0
							? null
							: chunks.length === 1
								? chunks[0]
								: Buffer.concat(chunks)
				});
			});
		});
		const onAbort = () => {
			const error = abortError(signal!);
			req.destroy(error);
			fail(error);
		};
		signal?.addEventListener('abort', onAbort, { once: true });
		req.on('error', fail);
		if (init.body === undefined) req.end();
		else req.end(init.body);
	});
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
