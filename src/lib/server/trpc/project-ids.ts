/**
 * The project ids a request will ask about, read before the request runs, so that the session
 * lookup can bring the caller's memberships in the same query (auth/session-handle.ts) instead of
 * one more round trip per `projectProcedure`. A hint only: procedures still check membership
 * (`projectProcedure` falls back to a lookup for an id not prefetched), and nothing here is kept
 * beyond the request.
 */
import type { RequestEvent } from '@sveltejs/kit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Larger bodies are uploads, not small procedure inputs: not worth parsing twice. */
const MAX_BODY = 64 * 1024;
const MAX_IDS = 8;

/** `projectId`s of a tRPC input as sent over HTTP: `{json: …}` or, batched, `{"0": {json: …}, …}`. */
export function projectIdsOfTrpcInput(text: string | null, batched: boolean): string[] {
	if (!text) return [];
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		return [];
	}
	if (parsed === null || typeof parsed !== 'object') return [];
	const inputs = batched ? Object.values(parsed as Record<string, unknown>) : [parsed];
	const ids = new Set<string>();
	for (const input of inputs) {
		const json = (input as { json?: { projectId?: unknown } } | null)?.json;
		const id = json && typeof json === 'object' ? json.projectId : undefined;
		if (typeof id === 'string' && UUID.test(id)) ids.add(id.toLowerCase());
		if (ids.size >= MAX_IDS) break;
	}
	return [...ids];
}

/** Project ids of a page under /projects/[projectId] or of a tRPC request's input. */
export async function projectIdsOfRequest(event: RequestEvent): Promise<string[]> {
	const ids = new Set<string>();
	const param = event.params?.projectId;
	if (param && UUID.test(param)) ids.add(param.toLowerCase());
	if (event.url.pathname.startsWith('/api/trpc/')) {
		const batched = event.url.searchParams.get('batch') === '1';
		let text: string | null = null;
		if (event.request.method === 'GET') text = event.url.searchParams.get('input');
		else if (Number(event.request.headers.get('content-length') ?? MAX_BODY + 1) <= MAX_BODY)
			text = await event.request.clone().text();
		for (const id of projectIdsOfTrpcInput(text, batched)) ids.add(id);
	}
	return [...ids].slice(0, MAX_IDS);
}
