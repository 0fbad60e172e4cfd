/**
 * Resolves the session cookie into `event.locals.user` / `event.locals.session`
 * on every request. Re-sends the cookie when validation extended the session
 * (so the browser's expiry follows the server's) and deletes it when it no
 * longer names a live session.
 */
import type { Handle } from '@sveltejs/kit';
import type { Db } from '../db/client';
import { deleteSessionCookie, readSessionCookie, setSessionCookie } from './cookies';
import { validateSessionToken, type SessionOptions } from './sessions';

export function createSessionHandle(deps: { getDb: () => Promise<Db> } & SessionOptions): Handle {
	return async ({ event, resolve }) => {
		event.locals.user = null;
		event.locals.session = null;
		const token = readSessionCookie(event.cookies, event.url);
		if (token) {
			const db = await deps.getDb();
			const result = await validateSessionToken(db, token, deps);
			if (result) {
				event.locals.user = result.user;
				event.locals.session = result.session;
				if (result.extended) setSessionCookie(event.cookies, event.url, token, result.expiresAt);
			} else {
				deleteSessionCookie(event.cookies, event.url);
			}
		}
		return resolve(event);
	};
}
