import type { RequestEvent } from '@sveltejs/kit';
import type { TRPCRequestInfo } from '@trpc/server/http';
import { getRuntime } from '../runtime';
import type { Context } from './init';
import { projectIdsOfTrpcInputs } from './project-ids';

/**
 * Builds the tRPC context from a SvelteKit request. Pages and form actions come with the session
 * resolved by hooks; a request to /api/trpc resolves it here (`locals.resolveSession`), with the
 * memberships of the projects its inputs name, which `info` holds parsed (tRPC reads the body once).
 */
export async function createContext(event: RequestEvent, info?: TRPCRequestInfo): Promise<Context> {
	const runtime = await getRuntime();
	await resolveDeferredSession(event, info);
	return {
		db: runtime.db,
		queue: runtime.queue,
		user: event.locals.user,
		session: event.locals.session,
		apiToken: event.locals.apiToken ?? null,
		memberships: event.locals.memberships ?? undefined,
		request: {
			clientAddress: event.locals.clientAddress,
			userAgent: event.request.headers.get('user-agent'),
			setCookie: (name, value, opts) => event.cookies.set(name, value, { path: '/', ...opts }),
			getCookie: (name) => event.cookies.get(name),
			secure: event.url.protocol === 'https:'
		}
	};
}

/** Resolves a session the hooks deferred (`locals.resolveSession`), naming the projects of `info`'s inputs. */
export async function resolveDeferredSession(event: RequestEvent, info?: TRPCRequestInfo): Promise<void> {
	if (!event.locals.resolveSession) return;
	// A malformed input names no project here; tRPC answers it when the procedure asks for it.
	const inputs = info ? await Promise.all(info.calls.map((c) => c.getRawInput().catch(() => undefined))) : [];
	await event.locals.resolveSession(projectIdsOfTrpcInputs(inputs));
}
