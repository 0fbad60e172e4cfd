/**
 * Resolves the session cookie into `event.locals.user` / `event.locals.session`
 * on every request (for a deferred request, when its handler calls `locals.resolveSession`). Re-sends the cookie when validation extended the session
 * (so the browser's expiry follows the server's) and deletes it when it no
 * longer names a live session.
 *
 * A request with `Authorization: Bearer …` is a script's: the API token alone
 * decides (`locals.apiToken`), cookies are neither read nor set, and a token that
 * does not validate is answered 401 at once rather than falling back to a session.
 */
import type { Handle, RequestEvent } from '@sveltejs/kit';
import type { Db } from '../db/client';
import { deleteSessionCookie, readSessionCookie, setSessionCookie } from './cookies';
import { bearerToken, validateApiToken } from './api-tokens';
import { validateSessionToken, type SessionOptions } from './sessions';

export function createSessionHandle(
	deps: {
		getDb: () => Promise<Db>;
		/** Projects the request will ask about: their memberships come with the session (one query). */
		projectIdsOf?: (event: RequestEvent) => Promise<string[]>;
		/**
		 * Requests whose project ids are known only once their handler has parsed the body (tRPC):
		 * the hook leaves `locals.resolveSession`, which the handler calls with those ids, instead
		 * of reading the body here a second time.
		 */
		defer?: (event: RequestEvent) => boolean;
	} & SessionOptions
): Handle {
	return async ({ event, resolve }) => {
		event.locals.user = null;
		event.locals.session = null;
		event.locals.memberships = null;
		event.locals.apiToken = null;
		event.locals.resolveSession = undefined;
		const bearer = bearerToken(event.request.headers.get('authorization'));
		if (bearer !== null) {
			const valid = await validateApiToken(await deps.getDb(), bearer);
			if (!valid) {
				return new Response(
					JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'The API token is unknown, revoked or expired.' } }),
					{ status: 401, headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer' } }
				);
			}
			event.locals.user = valid.user;
			event.locals.apiToken = valid.token;
			return resolve(event);
		}
		const token = readSessionCookie(event.cookies, event.url);
		if (token) {
			const resolveSession = async (projectIds: string[]) => {
				const result = await validateSessionToken(await deps.getDb(), token, { ...deps, projectIds });
				if (result) {
					event.locals.user = result.user;
					event.locals.session = result.session;
					event.locals.memberships = result.memberships ?? null;
					if (result.extended) setSessionCookie(event.cookies, event.url, token, result.expiresAt);
				} else {
					deleteSessionCookie(event.cookies, event.url);
				}
			};
			if (deps.defer?.(event)) {
				let once: Promise<void> | undefined;
				event.locals.resolveSession = (projectIds) => (once ??= resolveSession(projectIds));
			} else {
				await resolveSession(deps.projectIdsOf ? await deps.projectIdsOf(event) : []);
			}
		}
		return resolve(event);
	};
}
