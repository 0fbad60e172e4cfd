/**
 * Request body limits. adapter-node's single BODY_SIZE_LIMIT cannot tell a
 * 1 GB dataset upload from a tRPC call, so the server runs with it lifted
 * (`BODY_SIZE_LIMIT=Infinity`, see package.json and playwright.config.ts) and
 * this handle caps every other request body instead: declared lengths are
 * refused up front, chunked bodies are cut off when they pass the cap. The
 * upload endpoint enforces CONCORD_IMPORT_MAX_FILE_BYTES itself while streaming.
 */
import type { Handle } from '@sveltejs/kit';

/** Generous for forms and tRPC inputs; small enough that a flood cannot exhaust memory. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

const uploadRoute = /^\/api\/projects\/[^/]+\/imports\/?$/;

export function isUploadRoute(pathname: string): boolean {
	return uploadRoute.test(pathname);
}

/** A stream that errors once more than `limit` bytes have passed through it. */
export function limitStream(body: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
	let seen = 0;
	return body.pipeThrough(
		new TransformStream<Uint8Array, Uint8Array>({
			transform(chunk, controller) {
				seen += chunk.byteLength;
				if (seen > limit) controller.error(new Error(`Request body exceeds ${limit} bytes.`));
				else controller.enqueue(chunk);
			}
		})
	);
}

export function createBodyLimitHandle(limit = DEFAULT_BODY_LIMIT): Handle {
	return ({ event, resolve }) => {
		const { request } = event;
		if (!request.body || isUploadRoute(event.url.pathname)) return resolve(event);
		const declared = Number(request.headers.get('content-length') ?? NaN);
		if (declared > limit) {
			return new Response(JSON.stringify({ message: `Request body too large: the limit is ${limit} bytes.` }), {
				status: 413,
				// The unread body is still on the wire: close the connection rather than let the
				// client reuse a socket the server will not read from again.
				headers: { 'content-type': 'application/json', connection: 'close' }
			});
		}
		if (Number.isNaN(declared)) {
			// No declared length (chunked): count as it arrives.
			event.request = new Request(request, { body: limitStream(request.body, limit), duplex: 'half' } as RequestInit);
		}
		return resolve(event);
	};
}
