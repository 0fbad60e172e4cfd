/**
 * A small `fetch` for the openai SDK on node:http(s) with keep-alive agents. Node's built-in
 * fetch (undici, WHATWG streams) costs several times more CPU per call; a judge run makes
 * thousands of calls per minute, and on a small machine that CPU is what limits it
 * (`npm run bench:judge`). The reply body is read whole before the Response is returned, so a
 * timeout or a reset mid-body rejects here, and the SDK sees it as it sees any fetch failure:
 * an abort (our per-call timer, a cancelled run) as an AbortError, anything else as a
 * connection error. Streamed (SSE) replies work too; they are parsed once complete.
 */
import http from 'node:http';
import https from 'node:https';

const agents = {
	'http:': new http.Agent({ keepAlive: true, maxSockets: Infinity }),
	'https:': new https.Agent({ keepAlive: true, maxSockets: Infinity })
};

function abortError(signal: AbortSignal): Error {
	const reason = signal.reason;
	if (reason instanceof Error && reason.name === 'AbortError') return reason;
	return new DOMException('The operation was aborted.', 'AbortError');
}

function headersOf(init: HeadersInit | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	if (!init) return out;
	new Headers(init).forEach((value, key) => {
		out[key] = value;
	});
	return out;
}

function responseHeaders(raw: http.IncomingHttpHeaders): Headers {
	const headers = new Headers();
	for (const [key, value] of Object.entries(raw)) {
		if (value === undefined) continue;
		if (Array.isArray(value)) for (const v of value) headers.append(key, v);
		else headers.set(key, value);
	}
	return headers;
}

export const nodeFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
	new Promise((resolve, reject) => {
		const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
		const signal = init.signal ?? undefined;
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
		const req = transport.request(
			url,
			{ method: init.method ?? 'GET', headers: headersOf(init.headers), agent },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('error', fail);
				res.on('aborted', () => fail(new Error('the connection was closed before the reply ended')));
				res.on('end', () => {
					if (settled) return;
					settled = true;
					signal?.removeEventListener('abort', onAbort);
					const status = res.statusCode ?? 500;
					const body = status === 204 || status === 304 || chunks.length === 0 ? null : Buffer.concat(chunks);
					resolve(new Response(body, { status, statusText: res.statusMessage, headers: responseHeaders(res.headers) }));
				});
			}
		);
		const onAbort = () => {
			const error = abortError(signal!);
			req.destroy(error);
			fail(error);
		};
		signal?.addEventListener('abort', onAbort, { once: true });
		req.on('error', fail);
		const body = init.body;
		if (body === undefined || body === null) req.end();
		else if (typeof body === 'string' || body instanceof Uint8Array) req.end(body);
		else fail(new TypeError('nodeFetch sends string or byte bodies only'));
	});
