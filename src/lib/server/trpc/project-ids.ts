/**
 * The project ids a request will ask about, known before its procedures run, so that the session
 * lookup can bring the caller's memberships in the same query (auth/session-handle.ts) instead of
 * one more round trip per `projectProcedure`. A hint only: procedures still check membership
 * (`projectProcedure` falls back to a lookup for an id not prefetched), and nothing here is kept
 * beyond the request.
 *
 * A page names its project in the path. A tRPC request names it in its input, which tRPC parses
 * once: the session of a tRPC request is resolved in `createContext` from those parsed inputs
 * (trpc/context.ts), so the body is neither cloned nor parsed twice.
 */
import type { RequestEvent } from '@sveltejs/kit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_IDS = 8;

/** `projectId`s of a request's tRPC inputs (one per call of a batch), as tRPC deserialized them. */
export function projectIdsOfTrpcInputs(inputs: readonly unknown[]): string[] {
	const ids = new Set<string>();
	for (const input of inputs) {
		const id = input !== null && typeof input === 'object' ? (input as { projectId?: unknown }).projectId : undefined;
		if (typeof id === 'string' && UUID.test(id)) ids.add(id.toLowerCase());
		if (ids.size >= MAX_IDS) break;
	}
	return [...ids];
}

/** The project of a page under /projects/[projectId]. */
export async function projectIdsOfRequest(event: RequestEvent): Promise<string[]> {
	const param = event.params?.projectId;
	return param && UUID.test(param) ? [param.toLowerCase()] : [];
}

/** tRPC requests resolve their session in `createContext`, once their inputs are parsed. */
export function isTrpcRequest(event: RequestEvent): boolean {
	return event.url.pathname.startsWith('/api/trpc/');
}
