/**
 * A SvelteKit RequestEvent built around a real fetch `Request`, for running
 * the auth handles the way SvelteKit's `handle` would. The cookie jar reads
 * the request's Cookie header and records what the handles set or delete.
 */
import type { Cookies, RequestEvent } from '@sveltejs/kit';

export interface CookieWrite {
	name: string;
	value: string;
	options: Record<string, unknown>;
}

function parseCookieHeader(header: string | null): Map<string, string> {
	const jar = new Map<string, string>();
	for (const part of (header ?? '').split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0) jar.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
	}
	return jar;
}

export function makeEvent(url: string, init: RequestInit = {}): { event: RequestEvent; writes: CookieWrite[] } {
	const request = new Request(url, init);
	const jar = parseCookieHeader(request.headers.get('cookie'));
	const writes: CookieWrite[] = [];
	const cookies: Cookies = {
		get: (name) => jar.get(name),
		getAll: () => [...jar].map(([name, value]) => ({ name, value })),
		set: (name, value, options) => {
			writes.push({ name, value, options: { ...options } });
			jar.set(name, value);
		},
		delete: (name, options) => {
			writes.push({ name, value: '', options: { ...options, maxAge: 0 } });
			jar.delete(name);
		},
		serialize: () => {
			throw new Error('not used by the auth handles');
		}
	};
	const event = {
		request,
		url: new URL(url),
		cookies,
		locals: { user: null, session: null, clientAddress: '127.0.0.1' },
		params: {},
		route: { id: '/api/trpc/[...trpc]' },
		getClientAddress: () => '127.0.0.1',
		setHeaders: () => {},
		platform: undefined,
		isDataRequest: false,
		isSubRequest: false,
		isRemoteRequest: false,
		fetch
	} as unknown as RequestEvent;
	return { event, writes };
}
