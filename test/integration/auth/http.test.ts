/**
 * The auth flows over real HTTP against the app under `vite dev` on a fresh
 * database: hooks in their real order, form actions, and the Set-Cookie
 * headers a browser receives. (Over https the cookie is `__Host-session` with
 * Secure: see handles.test.ts, as vite dev serves plain http here.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSessionToken } from '../../../src/lib/server/auth/tokens';
import { startDevServer, type DevServer } from './support/dev-server';
import { createFreshDatabase, type FreshDatabase } from './support/fresh-database';

let fresh: FreshDatabase;
let server: DevServer;
beforeAll(async () => {
	fresh = await createFreshDatabase();
	server = await startDevServer(fresh.url);
}, 240_000);
afterAll(async () => {
	await server?.stop();
	await fresh?.drop();
}, 60_000);

const admin = { email: 'ada@example.test', displayName: 'Ada', password: 'correct horse battery staple' };

async function post(
	path: string,
	fields: Record<string, string>,
	opts: { cookie?: string; origin?: string | null; headers?: Record<string, string> } = {}
) {
	const headers: Record<string, string> = {
		accept: 'text/html',
		'content-type': 'application/x-www-form-urlencoded',
		...opts.headers
	};
	if (opts.origin !== null) headers.origin = opts.origin ?? server.origin;
	if (opts.cookie) headers.cookie = opts.cookie;
	return fetch(server.origin + path, {
		method: 'POST',
		headers,
		body: new URLSearchParams(fields),
		redirect: 'manual'
	});
}

async function trpcPost(path: string, input: unknown, opts: { cookie: string; origin?: string }) {
	return fetch(`${server.origin}/api/trpc/${path}`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			cookie: opts.cookie,
			...(opts.origin ? { origin: opts.origin } : {})
		},
		body: JSON.stringify({ json: input })
	});
}

async function me(cookie: string) {
	const res = await fetch(`${server.origin}/api/trpc/auth.me`, { headers: { cookie } });
	return {
		user: ((await res.json()) as { result: { data: { json: { email: string } | null } } }).result.data.json,
		setCookie: res.headers.getSetCookie()
	};
}

function sessionCookie(res: Response): string {
	const header = res.headers.getSetCookie().find((c) => c.startsWith('session='));
	if (!header) throw new Error(`no session cookie in ${JSON.stringify(res.headers.getSetCookie())}`);
	return header;
}
const cookiePair = (setCookie: string) => setCookie.split(';')[0];

let adminCookie = '';

describe('over HTTP', () => {
	it('creates the first administrator through /sign-up and sets the session cookie', async () => {
		const page = await (await fetch(`${server.origin}/sign-up`, { headers: { accept: 'text/html' } })).text();
		expect(page).toContain('Create the first administrator account');

		const res = await post('/sign-up', admin);
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe('/projects');
		const setCookie = sessionCookie(res);
		// http: the plain name, HttpOnly, SameSite=Lax, Path=/, an expiry, and no Secure.
		expect(setCookie).toMatch(/^session=[a-z2-7]{24}\.[a-z2-7]{32}; /);
		expect(setCookie).toContain('; Path=/');
		expect(setCookie).toContain('; HttpOnly');
		expect(setCookie).toContain('; SameSite=Lax');
		expect(setCookie).toMatch(/; Expires=/);
		expect(setCookie).not.toMatch(/Secure/i);
		adminCookie = cookiePair(setCookie);

		const row = await fresh.db.selectFrom('app_user').select(['email', 'is_instance_admin']).executeTakeFirstOrThrow();
		expect(row).toEqual({ email: admin.email, is_instance_admin: true });
		expect((await me(adminCookie)).user).toMatchObject({ email: admin.email });
	});

	it('refuses a second sign-up without an invitation', async () => {
		const page = await (await fetch(`${server.origin}/sign-up`, { headers: { accept: 'text/html' } })).text();
		expect(page).toContain('An invitation is needed');
		const res = await post('/sign-up', {
			email: 'mallory@example.test',
			displayName: 'M',
			password: 'long enough password'
		});
		expect(res.status).toBe(403);
		expect(await fresh.db.selectFrom('app_user').select('email').execute()).toHaveLength(1);
	});

	it('rotates the session at sign-in and follows only a same-site redirectTo', async () => {
		const res = await post(
			'/sign-in',
			{ email: 'ADA@example.test', password: admin.password, redirectTo: '/projects/x?tab=1' },
			{ cookie: adminCookie }
		);
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe('/projects/x?tab=1');
		const fresher = cookiePair(sessionCookie(res));
		expect(fresher).not.toBe(adminCookie);
		// The cookie the browser had no longer works, and is cleared when presented.
		const old = await me(adminCookie);
		expect(old.user).toBeNull();
		expect(old.setCookie).toEqual([expect.stringMatching(/^session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax/)]);
		adminCookie = fresher;

		const offsite = await post('/sign-in', {
			email: admin.email,
			password: admin.password,
			redirectTo: '//evil.example/x'
		});
		expect(offsite.headers.get('location')).toBe('/projects');
	});

	it('answers a wrong password with the same message as an unknown email', async () => {
		const wrong = await post('/sign-in', { email: admin.email, password: 'not the password' });
		const unknown = await post('/sign-in', { email: 'nobody@example.test', password: 'not the password' });
		expect([wrong.status, unknown.status]).toEqual([401, 401]);
		const messageOf = async (res: Response) => /role="alert">([^<]*)</.exec(await res.text())?.[1];
		expect(await messageOf(wrong)).toBe('Email or password is incorrect.');
		expect(await messageOf(unknown)).toBe('Email or password is incorrect.');
	});

	it('refuses a 1 MB password with a 4xx, quickly and without charging the throttle', async () => {
		const email = 'huge@example.test';
		const start = performance.now();
		const res = await post('/sign-in', { email, password: 'p'.repeat(1024 * 1024) });
		const elapsed = performance.now() - start;
		// The request-body cap (1 MiB, hooks) refuses it before the form is even parsed;
		// smaller over-long passwords get the form's 400 (see the password-limit tests).
		expect(res.status).toBe(413);
		expect(elapsed).toBeLessThan(5_000);
		expect(
			await fresh.db.selectFrom('login_throttle').select('key').where('key', '=', `account:${email}`).execute()
		).toEqual([]);
	});

	it('refuses cross-site tRPC posts that carry the session cookie', async () => {
		const input = { name: 'Forged', description: '' };
		expect(
			(await trpcPost('projects.create', input, { cookie: adminCookie, origin: 'https://evil.example' })).status
		).toBe(403);
		expect((await trpcPost('projects.create', input, { cookie: adminCookie })).status).toBe(403);
		const ok = await trpcPost(
			'projects.create',
			{ name: 'Real', description: '' },
			{ cookie: adminCookie, origin: server.origin }
		);
		expect(ok.status).toBe(200);
		expect((await fresh.db.selectFrom('project').select('name').execute()).map((p) => p.name)).toEqual(['Real']);
		// A cross-site form post is refused too.
		expect(
			(await post('/sign-in', { email: admin.email, password: admin.password }, { origin: 'https://evil.example' }))
				.status
		).toBe(403);
	});

	it('lets an invited person create an account from the link and join the project', async () => {
		const project = await fresh.db.selectFrom('project').select('id').executeTakeFirstOrThrow();
		const created = await trpcPost(
			'invitations.create',
			{ projectId: project.id, role: 'annotator' },
			{ cookie: adminCookie, origin: server.origin }
		);
		const url = ((await created.json()) as { result: { data: { json: { url: string } } } }).result.data.json.url;
		const page = await (await fetch(server.origin + url, { headers: { accept: 'text/html' } })).text();
		expect(page).toContain('Ada invited you to join Real as Annotator.');

		const res = await post(`${url}?/signUp`, {
			email: 'grace@example.test',
			displayName: 'Grace',
			password: 'another long password'
		});
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe(`/projects/${project.id}`);
		const grace = cookiePair(sessionCookie(res));
		expect((await me(grace)).user).toMatchObject({ email: 'grace@example.test' });
		const member = await fresh.db
			.selectFrom('project_member as m')
			.innerJoin('app_user as u', 'u.id', 'm.user_id')
			.select(['m.role'])
			.where('u.email', '=', 'grace@example.test')
			.executeTakeFirst();
		expect(member).toEqual({ role: 'annotator' });
		// Used up.
		expect(await (await fetch(server.origin + url, { headers: { accept: 'text/html' } })).text()).toContain(
			'This invitation has already been used.'
		);
	});

	it('signs out with POST /sign-out only: the session ends server-side and the cookie is cleared', async () => {
		const signIn = await post('/sign-in', { email: admin.email, password: admin.password });
		const cookie = cookiePair(sessionCookie(signIn));
		expect((await fetch(`${server.origin}/sign-out`, { headers: { cookie }, redirect: 'manual' })).status).toBe(405);

		const res = await post('/sign-out', {}, { cookie });
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe('/sign-in');
		expect(res.headers.getSetCookie()).toContainEqual(
			expect.stringMatching(/^session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax/)
		);
		const id = parseSessionToken(cookie.slice('session='.length))!.id;
		expect(await fresh.db.selectFrom('auth_session').select('id').where('id', '=', id).execute()).toEqual([]);
		expect((await me(cookie)).user).toBeNull();
	});

	it('locks sign-in per account after 5 failures, telling when to retry', async () => {
		const email = 'target@example.test';
		for (let i = 0; i < 5; i++)
			expect((await post('/sign-in', { email, password: `guess number ${i}` })).status).toBe(401);
		const locked = await post('/sign-in', { email, password: 'guess number 6' });
		expect(locked.status).toBe(429);
		expect(await locked.text()).toContain('Too many sign-in attempts. Try again in 1 minute.');
	});

	it('locks the client address after 20 failures; spoofed X-Forwarded-For headers change nothing', async () => {
		const [row] = await fresh.db
			.selectFrom('login_throttle')
			.select(['key', 'failures'])
			.where('key', 'like', 'address:%')
			.execute();
		expect(row.key).toMatch(/^address:(::ffff:)?127\.0\.0\.1$/);
		for (let i = row.failures; i < 20; i++) {
			const res = await post(
				'/sign-in',
				{ email: `spray-${i}@example.test`, password: 'wrong password' },
				{ headers: { 'x-forwarded-for': `203.0.113.${i}` } }
			);
			expect(res.status, `attempt ${i + 1}`).toBe(401);
		}
		const res = await post(
			'/sign-in',
			{ email: admin.email, password: admin.password },
			{ headers: { 'x-forwarded-for': '198.51.100.1' } }
		);
		expect(res.status).toBe(429);
		expect(
			await fresh.db.selectFrom('login_throttle').select('key').where('key', 'like', 'address:%').execute()
		).toEqual([{ key: row.key }]);
	});
});
