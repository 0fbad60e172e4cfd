import type { RequestEvent } from '@sveltejs/kit';
import { getRuntime } from '../runtime';
import type { Context } from './init';

/** Builds the tRPC context from a SvelteKit request (session already resolved by hooks). */
export async function createContext(event: RequestEvent): Promise<Context> {
	const runtime = await getRuntime();
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
