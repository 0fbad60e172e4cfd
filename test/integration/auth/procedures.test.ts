/**
 * The sign-in and sign-up procedures the (auth) pages call through
 * `serverCaller`: they validate with the shared schemas, rotate the presented
 * session, set the session cookie (named and flagged by the protocol) and the
 * account's language cookie themselves, and never hand the token back.
 */
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSessionToken } from '../../../src/lib/server/auth/sessions';
import { findThrottleRows } from '../../../src/lib/server/db/repositories/login-throttle';
import { findMembership } from '../../../src/lib/server/db/repositories/members';
import { accountKey } from '../../../src/lib/server/auth/throttle';
import { createInvitation } from '../../../src/lib/server/services/invitations';
import { createHarness, uniqueEmail, type Harness } from '../support/harness';
import { makeProjectWithMembers } from '../projects/factories';
import { anonymousCaller, makeAccount, policy } from './support/fixtures';

let h: Harness;
beforeAll(async () => {
	h = await createHarness();
});
afterAll(() => h.close());

/** What a browser would hold: cookies sent with the request, and those the response set. */
function cookieJar(sent: Record<string, string> = {}) {
	const set = new Map<string, { value: string; options: Record<string, unknown> }>();
	return {
		set,
		request: {
			getCookie: (name: string) => sent[name],
			setCookie: (name: string, value: string, options: Record<string, unknown>) => set.set(name, { value, options })
		}
	};
}

describe('auth.signIn', () => {
	it('sets an HttpOnly session cookie over http, ends the presented session, and returns no token', async () => {
		const user = await makeAccount(h.db);
		const first = cookieJar();
		await anonymousCaller(h, { ...first.request, secure: false }).auth.signIn({
			email: user.email,
			password: user.password
		});
		const oldToken = first.set.get('session')!.value;
		expect(first.set.get('session')!.options).toMatchObject({
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			secure: false,
			expires: expect.any(Date)
		});
		await expect(validateSessionToken(h.db, oldToken, { policy })).resolves.toMatchObject({ user: { id: user.id } });

		const second = cookieJar({ session: oldToken });
		const result = await anonymousCaller(h, { ...second.request, secure: false }).auth.signIn({
			email: ` ${user.email.toUpperCase()} `,
			password: user.password
		});
		expect(JSON.stringify(result)).not.toContain(second.set.get('session')!.value);
		expect(result.user).toMatchObject({ id: user.id });
		expect(second.set.get('session')!.value).not.toBe(oldToken);
		// Rotation: the cookie the browser presented no longer works.
		await expect(validateSessionToken(h.db, oldToken, { policy })).resolves.toBeNull();
	});

	it('names the cookie __Host-session with Secure over https, and rotates the one presented under that name', async () => {
		const user = await makeAccount(h.db);
		const first = cookieJar();
		await anonymousCaller(h, { ...first.request, secure: true }).auth.signIn({
			email: user.email,
			password: user.password
		});
		expect(first.set.has('session')).toBe(false);
		const token = first.set.get('__Host-session')!;
		expect(token.options).toMatchObject({ secure: true, httpOnly: true, path: '/' });
		const second = cookieJar({ '__Host-session': token.value });
		await anonymousCaller(h, { ...second.request, secure: true }).auth.signIn({
			email: user.email,
			password: user.password
		});
		await expect(validateSessionToken(h.db, token.value, { policy })).resolves.toBeNull();
	});

	it('refuses an empty email or password by its schema, before the throttle is charged', async () => {
		const email = uniqueEmail('schema');
		const error = await anonymousCaller(h)
			.auth.signIn({ email, password: '' })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TRPCError);
		expect((error as TRPCError).code).toBe('BAD_REQUEST');
		await expect(anonymousCaller(h).auth.signIn({ email: '  ', password: 'x' })).rejects.toMatchObject({
			code: 'BAD_REQUEST'
		});
		expect(await findThrottleRows(h.db, [accountKey(email)])).toEqual([]);
	});

	it('answers wrong credentials with UNAUTHORIZED and sets no cookie', async () => {
		const user = await makeAccount(h.db);
		const jar = cookieJar();
		await expect(
			anonymousCaller(h, { ...jar.request, secure: false }).auth.signIn({ email: user.email, password: 'wrong one!' })
		).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
		expect(jar.set.size).toBe(0);
	});
});

describe('auth.signUp', () => {
	it('creates an account from an invitation, joins its project, remembers the chosen language and sets both cookies', async () => {
		const project = await makeProjectWithMembers(h.db, 'Procedures');
		const created = await createInvitation(h.db, {
			projectId: project.projectId,
			role: 'viewer',
			createdBy: project.admin.id
		});
		const jar = cookieJar({ PARAGLIDE_LOCALE: 'zh-CN' });
		const email = uniqueEmail('invited');
		const result = await anonymousCaller(h, { ...jar.request, secure: false }).auth.signUp({
			email,
			displayName: '林',
			password: 'a long enough password',
			invitationToken: created.url.replace(/^\/invite\//, '')
		});
		expect(result.joined).toMatchObject({ projectId: project.projectId, role: 'viewer', alreadyMember: false });
		expect(result.user).toMatchObject({ email, locale: 'zh-CN' });
		expect(await findMembership(h.db, project.projectId, result.user.id)).toMatchObject({ role: 'viewer' });
		expect(jar.set.get('PARAGLIDE_LOCALE')).toMatchObject({ value: 'zh-CN', options: { secure: false } });
		const session = jar.set.get('session')!.value;
		await expect(validateSessionToken(h.db, session, { policy })).resolves.toMatchObject({
			user: { id: result.user.id }
		});
	});

	it('refuses a too-short password by the shared schema, naming the problem for the form', async () => {
		const error = (await anonymousCaller(h)
			.auth.signUp({ email: uniqueEmail('short'), displayName: 'S', password: 'short' })
			.catch((e: unknown) => e)) as TRPCError;
		expect(error.code).toBe('BAD_REQUEST');
		const issues = (error.cause as unknown as { issues: { path: string[]; params?: { problem?: string } }[] }).issues;
		expect(issues).toEqual([expect.objectContaining({ path: ['password'], params: { problem: 'too_short' } })]);
	});

	it('tells the sign-up page that an invitation is needed once accounts exist', async () => {
		await makeAccount(h.db);
		await expect(anonymousCaller(h).auth.signUpMode()).resolves.toBe('invitation_only');
		await expect(
			anonymousCaller(h).auth.signUp({ email: uniqueEmail('closed'), displayName: 'C', password: 'long enough pw' })
		).rejects.toMatchObject({ code: 'FORBIDDEN', cause: { details: { reason: 'invitation_required' } } });
	});
});
