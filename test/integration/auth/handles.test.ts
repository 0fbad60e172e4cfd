/**
 * The request handles as SvelteKit runs them: real `Request` objects through
 * handleOriginCheck then the session handle (in the order of hooks.server.ts)
 * into the real tRPC fetch handler and router on real PostgreSQL. (Kit's own
 * `sequence` needs its request store, which exists only inside a server.)
 * - The Origin / Sec-Fetch-Site check refuses cross-site tRPC posts (and any
 *   other state-changing request) before the procedure runs.
 * - The session handle sets locals, re-sends the cookie with the right name
 *   and attributes when the session is extended, and deletes a dead one.
 */
import type { Handle, RequestEvent } from '@sveltejs/kit';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleOriginCheck } from '../../../src/lib/server/auth/origin-check';
import { createSessionHandle } from '../../../src/lib/server/auth/session-handle';
import { createSession, validateSessionToken, type IssuedSession } from '../../../src/lib/server/auth/sessions';
import { resolveDeferredSession } from '../../../src/lib/server/trpc/context';
import { appRouter } from '../../../src/lib/server/trpc/router';
import { makeProjectWithMembers } from '../projects/factories';
import { createHarness, type Harness } from '../support/harness';
import { makeEvent } from './support/event';
import { client, DAY, HOUR, makeAccount, policy, testClock, type TestClock } from './support/fixtures';

let h: Harness;
beforeAll(async () => {
	h = await createHarness();
});
afterAll(() => h.close());

const APP = 'http://concord.test:4173';

/** Each handle's `resolve` calls the next one, as in Kit's `sequence`. */
function chain(...handles: Handle[]): Handle {
	return ({ event, resolve }) => {
		const step = (i: number, e: RequestEvent): Promise<Response> =>
			Promise.resolve(
				i === handles.length ? resolve(e) : handles[i]({ event: e, resolve: (next) => step(i + 1, next) })
			);
		return step(0, event);
	};
}

function handleFor(clock?: TestClock): Handle {
	return chain(handleOriginCheck, createSessionHandle({ getDb: async () => h.db, policy, now: clock?.now }));
}

/** What `src/routes/api/trpc/[...trpc]/+server.ts` does, with the harness's database. */
function trpcEndpoint(event: RequestEvent): Promise<Response> {
	return fetchRequestHandler({
		endpoint: '/api/trpc',
		req: event.request,
		router: appRouter,
		createContext: async () => ({
			db: h.db,
			queue: h.queue,
			user: event.locals.user,
			session: event.locals.session,
			request: { clientAddress: event.locals.clientAddress, userAgent: null }
		})
	});
}

async function run(handle: Handle, url: string, init: RequestInit = {}) {
	const { event, writes } = makeEvent(url, init);
	const response = await handle({ event, resolve: (e) => trpcEndpoint(e) });
	return { response, writes, event };
}

/** A user with three sessions; `current` is the browser's. */
async function userWithSessions(): Promise<{ current: IssuedSession; others: IssuedSession[] }> {
	const user = await makeAccount(h.db);
	const [current, ...others] = await Promise.all([1, 2, 3].map(() => createSession(h.db, user, client(), { policy })));
	return { current, others };
}

const stillValid = async (sessions: IssuedSession[]) =>
	(await Promise.all(sessions.map((s) => validateSessionToken(h.db, s.token, { policy })))).every((v) => v !== null);

const signOutOthers = (headers: Record<string, string>) => ({
	method: 'POST',
	headers: { 'content-type': 'application/json', ...headers },
	body: '{}'
});

describe('Origin check on tRPC posts', () => {
	it.each([
		['a foreign Origin', { origin: 'https://evil.example' }],
		['Origin: null (sandboxed frame, data: URL)', { origin: 'null' }],
		['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
		[
			'Sec-Fetch-Site: same-site (a sibling subdomain)',
			{ 'sec-fetch-site': 'same-site', origin: 'http://other.concord.test:4173' }
		],
		['a session cookie but neither header', {}]
	])('refuses %s with 403 before the procedure runs', async (_label, headers) => {
		const { current, others } = await userWithSessions();
		const { response } = await run(
			handleFor(),
			`${APP}/api/trpc/auth.signOutOthers`,
			signOutOthers({ ...headers, cookie: `session=${current.token}` })
		);
		expect(response.status).toBe(403);
		expect(await response.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'Cross-site request refused.' } });
		expect(await stillValid(others)).toBe(true);
	});

	it('lets a same-origin post through (by Origin or by Sec-Fetch-Site)', async () => {
		const sameOrigin: Record<string, string>[] = [{ origin: APP }, { 'sec-fetch-site': 'same-origin' }];
		for (const headers of sameOrigin) {
			const { current, others } = await userWithSessions();
			const { response } = await run(
				handleFor(),
				`${APP}/api/trpc/auth.signOutOthers`,
				signOutOthers({ ...headers, cookie: `session=${current.token}` })
			);
			expect(response.status).toBe(200);
			expect(await response.json()).toEqual({ result: { data: { json: { ended: 2 } } } });
			expect(await stillValid(others)).toBe(false);
			expect(await stillValid([current])).toBe(true);
		}
	});

	it('lets a non-browser client without a session cookie through (it has no ambient authority)', async () => {
		const { response } = await run(handleFor(), `${APP}/api/trpc/auth.signOutOthers`, signOutOthers({}));
		// Reached tRPC, which wants a session.
		expect(response.status).toBe(401);
	});

	it('checks the __Host- cookie over https too', async () => {
		const { current, others } = await userWithSessions();
		const url = 'https://concord.test/api/trpc/auth.signOutOthers';
		const refused = await run(handleFor(), url, signOutOthers({ cookie: `__Host-session=${current.token}` }));
		expect(refused.response.status).toBe(403);
		const allowed = await run(
			handleFor(),
			url,
			signOutOthers({ origin: 'https://concord.test', cookie: `__Host-session=${current.token}` })
		);
		expect(allowed.response.status).toBe(200);
		expect(await stillValid(others)).toBe(false);
	});

	it('covers every state-changing method and path (uploads too), not GET', async () => {
		for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
			const { event } = makeEvent(`${APP}/api/projects/x/datasets/upload`, {
				method,
				headers: { origin: 'https://evil.example' },
				body: 'a,b\n1,2'
			});
			let reached = false;
			const response = await handleOriginCheck({ event, resolve: async () => ((reached = true), new Response('ok')) });
			expect([method, response.status, reached]).toEqual([method, 403, false]);
		}
		const { current } = await userWithSessions();
		const query = await run(handleFor(), `${APP}/api/trpc/auth.me`, {
			headers: { origin: 'https://evil.example', cookie: `session=${current.token}` }
		});
		expect(query.response.status).toBe(200);
	});
});

describe('session handle', () => {
	it('puts the user on locals and leaves a fresh cookie alone', async () => {
		const { current } = await userWithSessions();
		const { response, writes, event } = await run(handleFor(), `${APP}/api/trpc/auth.me`, {
			headers: { cookie: `session=${current.token}` }
		});
		expect(response.status).toBe(200);
		expect(event.locals.user?.id).toBe(current.user.id);
		expect(event.locals.session?.id).toBe(current.session.id);
		expect(writes).toEqual([]);
	});

	it('re-sends the cookie when the session is extended: http → `session`, HttpOnly, SameSite=Lax, Path=/, not Secure', async () => {
		const clock = testClock();
		const user = await makeAccount(h.db);
		const issued = await createSession(h.db, user, client(), { policy, now: clock.now });
		clock.advance(HOUR);
		const { writes } = await run(handleFor(clock), `${APP}/api/trpc/auth.me`, {
			headers: { cookie: `session=${issued.token}` }
		});
		expect(writes).toEqual([
			{
				name: 'session',
				value: issued.token,
				options: {
					path: '/',
					httpOnly: true,
					sameSite: 'lax',
					secure: false,
					expires: new Date(clock.now().getTime() + policy.idleMs)
				}
			}
		]);
	});

	it('uses `__Host-session` with Secure over https, and ignores a plain `session` cookie there', async () => {
		const clock = testClock();
		const user = await makeAccount(h.db);
		const issued = await createSession(h.db, user, client(), { policy, now: clock.now });
		clock.advance(2 * DAY);
		const secure = await run(handleFor(clock), 'https://concord.test/api/trpc/auth.me', {
			headers: { cookie: `__Host-session=${issued.token}` }
		});
		expect(secure.event.locals.user?.id).toBe(user.id);
		expect(secure.writes).toEqual([
			{
				name: '__Host-session',
				value: issued.token,
				options: expect.objectContaining({ secure: true, httpOnly: true, sameSite: 'lax', path: '/' })
			}
		]);

		// A non-__Host- cookie could have been planted over http or by a subdomain: not read over https.
		const planted = await run(handleFor(clock), 'https://concord.test/api/trpc/auth.me', {
			headers: { cookie: `session=${issued.token}` }
		});
		expect(planted.event.locals.user).toBeNull();
	});

	it('deletes a cookie that names no live session', async () => {
		const clock = testClock();
		const user = await makeAccount(h.db);
		const issued = await createSession(h.db, user, client(), { policy, now: clock.now });
		clock.advance(policy.idleMs);
		for (const token of [issued.token, 'not-a-token']) {
			const { writes, event } = await run(handleFor(clock), `${APP}/api/trpc/auth.me`, {
				headers: { cookie: `session=${token}` }
			});
			expect(event.locals.user).toBeNull();
			expect(writes).toEqual([
				{
					name: 'session',
					value: '',
					options: { path: '/', httpOnly: true, sameSite: 'lax', secure: false, maxAge: 0 }
				}
			]);
		}
	});
});

describe('session deferred to the tRPC context (hooks.server.ts defers /api/trpc)', () => {
	const deferred = (clock?: TestClock): Handle =>
		chain(
			handleOriginCheck,
			createSessionHandle({ getDb: async () => h.db, policy, now: clock?.now, defer: () => true })
		);

	/** The endpoint as `+server.ts` runs it: the context resolves the session from the parsed inputs. */
	function deferredEndpoint(event: RequestEvent, seen: { userBefore?: unknown }): Promise<Response> {
		return fetchRequestHandler({
			endpoint: '/api/trpc',
			req: event.request,
			router: appRouter,
			createContext: async ({ info }) => {
				seen.userBefore = event.locals.user;
				await resolveDeferredSession(event, info);
				return {
					db: h.db,
					queue: h.queue,
					user: event.locals.user,
					session: event.locals.session,
					memberships: event.locals.memberships ?? undefined,
					request: { clientAddress: event.locals.clientAddress, userAgent: null }
				};
			}
		});
	}

	it('resolves the session in the context, with the memberships of the projects the input names', async () => {
		const p = await makeProjectWithMembers(h.db, `deferred ${Math.random().toString(36).slice(2, 8)}`);
		const issued = await createSession(h.db, { ...p.annotator, locale: null } as never, client(), { policy });
		// A query: its input travels in the URL (a mutation's in the body; tRPC parses either once).
		const input = encodeURIComponent(JSON.stringify({ json: { projectId: p.projectId.toUpperCase() } }));
		const { event } = makeEvent(`${APP}/api/trpc/annotation.myQueues?input=${input}`, {
			headers: { cookie: `session=${issued.token}` }
		});
		const seen: { userBefore?: unknown } = {};
		const response = await deferred()({ event, resolve: (e) => deferredEndpoint(e, seen) });
		expect(response.status).toBe(200);
		expect(seen.userBefore).toBeNull();
		expect(event.locals.user?.id).toBe(p.annotator.id);
		expect(event.locals.memberships?.byProject.get(p.projectId)?.role).toBe('annotator');
	});

	it('deletes a dead cookie from the context, and leaves a request without a cookie signed out', async () => {
		const clock = testClock();
		const user = await makeAccount(h.db);
		const issued = await createSession(h.db, user, client(), { policy, now: clock.now });
		clock.advance(policy.idleMs);
		const dead = makeEvent(`${APP}/api/trpc/auth.me`, { headers: { cookie: `session=${issued.token}` } });
		const response = await deferred(clock)({ event: dead.event, resolve: (e) => deferredEndpoint(e, {}) });
		expect(await response.json()).toEqual({ result: { data: { json: null } } });
		expect(dead.event.locals.user).toBeNull();
		expect(dead.writes).toEqual([
			{ name: 'session', value: '', options: { path: '/', httpOnly: true, sameSite: 'lax', secure: false, maxAge: 0 } }
		]);
		const none = makeEvent(`${APP}/api/trpc/auth.me`);
		expect(none.event.locals.resolveSession).toBeUndefined();
		await deferred()({ event: none.event, resolve: (e) => deferredEndpoint(e, {}) });
		expect(none.event.locals.user).toBeNull();
	});
});
