/**
 * Invitation links through the real router and services on real PostgreSQL:
 * create, inspect, list, revoke, expiry, email binding, one use only, account
 * creation consuming the link atomically, and who may issue them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/lib/server/auth/password';
import { hashSecret } from '../../../src/lib/server/auth/tokens';
import { findMembership } from '../../../src/lib/server/db/repositories/members';
import { findUserByEmail } from '../../../src/lib/server/db/repositories/users';
import { AppError } from '../../../src/lib/server/errors';
import { signUp } from '../../../src/lib/server/services/accounts';
import {
	acceptInvitation,
	createInvitation,
	inspectInvitation,
	listPendingInvitations
} from '../../../src/lib/server/services/invitations';
import { makeProjectWithMembers, makeUser, type ProjectWithMembers } from '../projects/factories';
import { createHarness, uniqueEmail, type Harness } from '../support/harness';
import { client, codeOf, DAY, PASSWORD, testClock } from './support/fixtures';

let h: Harness;
let project: ProjectWithMembers;
let other: ProjectWithMembers;
beforeAll(async () => {
	h = await createHarness();
	project = await makeProjectWithMembers(h.db, 'Invite A');
	other = await makeProjectWithMembers(h.db, 'Invite B');
});
afterAll(() => h.close());

const tokenOf = (url: string) => url.replace(/^\/invite\//, '');

async function reasonOf(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
		return 'OK';
	} catch (error) {
		// Through the router the AppError arrives as the cause of a TRPCError.
		const appError = error instanceof AppError ? error : (error as { cause?: unknown }).cause;
		if (appError instanceof AppError)
			return `${appError.code}:${(appError.details as { reason?: string } | undefined)?.reason}`;
		throw error;
	}
}

describe('creating invitations', () => {
	it('returns a one-time URL with a 192-bit token whose SHA-256 alone is stored; expires in 7 days', async () => {
		const before = Date.now();
		const created = await h
			.caller(project.admin)
			.invitations.create({ projectId: project.projectId, role: 'annotator' });
		expect(created.url).toMatch(/^\/invite\/[A-Za-z0-9_-]{32}$/);
		const expiresIn = created.expiresAt.getTime() - before;
		expect(expiresIn).toBeGreaterThan(7 * DAY - 60_000);
		expect(expiresIn).toBeLessThanOrEqual(7 * DAY + 60_000);
		const row = await h.db.selectFrom('invitation').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
		expect(Buffer.from(row.token_hash).equals(Buffer.from(hashSecret(tokenOf(created.url))))).toBe(true);
		expect(JSON.stringify(row)).not.toContain(tokenOf(created.url));
		expect(row).toMatchObject({
			project_id: project.projectId,
			role: 'annotator',
			created_by: project.admin.id,
			email: null
		});
	});

	it('is for project admins only; the admin of another project cannot invite here', async () => {
		const input = { projectId: project.projectId, role: 'admin' as const };
		expect(await codeOf(h.caller(other.admin).invitations.create(input))).toBe('NOT_FOUND');
		expect(await codeOf(h.caller(project.annotator).invitations.create(input))).toBe('FORBIDDEN');
		expect(await codeOf(h.caller(project.viewer).invitations.create(input))).toBe('FORBIDDEN');
		expect(await codeOf(h.caller(null).invitations.create(input))).toBe('UNAUTHORIZED');
		// An instance admin who is not a member is a stranger to the project too.
		const instanceAdmin = await makeUser(h.db, { isInstanceAdmin: true });
		expect(await codeOf(h.caller(instanceAdmin).invitations.create(input))).toBe('NOT_FOUND');
	});

	it('rejects a malformed email and an unknown role', async () => {
		expect(
			await codeOf(
				h.caller(project.admin).invitations.create({ projectId: project.projectId, role: 'viewer', email: 'nope' })
			)
		).toBe('BAD_REQUEST');
		expect(
			await codeOf(h.caller(project.admin).invitations.create({ projectId: project.projectId, role: 'owner' as never }))
		).toBe('BAD_REQUEST');
	});

	it('lets only instance admins create instance invitations', async () => {
		const instanceAdmin = await makeUser(h.db, { isInstanceAdmin: true });
		const created = await h.caller(instanceAdmin).invitations.createInstance({ email: '' });
		await expect(h.caller(null).invitations.inspect({ token: tokenOf(created.url) })).resolves.toMatchObject({
			valid: true,
			projectId: null,
			role: null
		});
		expect(await codeOf(h.caller(project.admin).invitations.createInstance({}))).toBe('FORBIDDEN');
	});
});

describe('inspecting, listing and revoking', () => {
	it('shows a signed-out visitor who invited them to what', async () => {
		const email = uniqueEmail('bound');
		const created = await h
			.caller(project.admin)
			.invitations.create({ projectId: project.projectId, role: 'viewer', email });
		await expect(h.caller(null).invitations.inspect({ token: tokenOf(created.url) })).resolves.toMatchObject({
			valid: true,
			projectName: 'Invite A',
			role: 'viewer',
			email,
			invitedBy: project.admin.displayName
		});
		await expect(h.caller(null).invitations.inspect({ token: 'A'.repeat(32) })).resolves.toEqual({
			valid: false,
			reason: 'not_found'
		});
		await expect(h.caller(null).invitations.inspect({ token: '../../etc' })).resolves.toEqual({
			valid: false,
			reason: 'not_found'
		});
	});

	it('lists pending invitations to the project admin and revokes them', async () => {
		const admin = h.caller(project.admin);
		const created = await admin.invitations.create({ projectId: project.projectId, role: 'viewer' });
		expect((await admin.invitations.list({ projectId: project.projectId })).map((i) => i.id)).toContain(created.id);
		expect(await codeOf(h.caller(project.viewer).invitations.list({ projectId: project.projectId }))).toBe('FORBIDDEN');

		// Another project's admin cannot revoke it, even naming their own project.
		expect(
			await codeOf(h.caller(other.admin).invitations.revoke({ projectId: other.projectId, invitationId: created.id }))
		).toBe('NOT_FOUND');
		await expect(admin.invitations.revoke({ projectId: project.projectId, invitationId: created.id })).resolves.toEqual(
			{ ok: true }
		);
		expect((await admin.invitations.list({ projectId: project.projectId })).map((i) => i.id)).not.toContain(created.id);
		await expect(h.caller(null).invitations.inspect({ token: tokenOf(created.url) })).resolves.toEqual({
			valid: false,
			reason: 'revoked'
		});
		expect(await codeOf(admin.invitations.revoke({ projectId: project.projectId, invitationId: created.id }))).toBe(
			'NOT_FOUND'
		);

		const user = await makeUser(h.db);
		expect(await reasonOf(h.caller(user).invitations.accept({ token: tokenOf(created.url) }))).toBe('CONFLICT:revoked');
	});

	it('expires after 7 days', async () => {
		const clock = testClock();
		const created = await createInvitation(
			h.db,
			{ projectId: project.projectId, role: 'viewer', createdBy: project.admin.id },
			{ now: clock.now }
		);
		const token = tokenOf(created.url);
		clock.advance(7 * DAY - 1000);
		await expect(inspectInvitation(h.db, token, { now: clock.now })).resolves.toMatchObject({ valid: true });
		clock.advance(1000);
		await expect(inspectInvitation(h.db, token, { now: clock.now })).resolves.toEqual({
			valid: false,
			reason: 'expired'
		});
		const user = await makeUser(h.db);
		expect(await reasonOf(acceptInvitation(h, { token, user }, { now: clock.now }))).toBe('CONFLICT:expired');
		expect(await findMembership(h.db, project.projectId, user.id)).toBeUndefined();
		// Expired ones drop out of the pending list.
		expect((await listPendingInvitations(h.db, project.projectId, { now: clock.now })).map((i) => i.id)).not.toContain(
			created.id
		);
	});
});

describe('accepting as a signed-in user', () => {
	it('adds the member with the invited role, once', async () => {
		const created = await h
			.caller(project.admin)
			.invitations.create({ projectId: project.projectId, role: 'annotator' });
		const user = await makeUser(h.db);
		await expect(h.caller(user).invitations.accept({ token: tokenOf(created.url) })).resolves.toEqual({
			projectId: project.projectId,
			projectName: 'Invite A',
			role: 'annotator',
			alreadyMember: false
		});
		expect(await findMembership(h.db, project.projectId, user.id)).toMatchObject({ role: 'annotator' });
		const second = await makeUser(h.db);
		expect(await reasonOf(h.caller(second).invitations.accept({ token: tokenOf(created.url) }))).toBe(
			'CONFLICT:accepted'
		);
		await expect(h.caller(null).invitations.inspect({ token: tokenOf(created.url) })).resolves.toEqual({
			valid: false,
			reason: 'accepted'
		});
	});

	it('keeps an existing membership and reports it', async () => {
		const created = await h.caller(project.admin).invitations.create({ projectId: project.projectId, role: 'admin' });
		await expect(h.caller(project.viewer).invitations.accept({ token: tokenOf(created.url) })).resolves.toEqual({
			projectId: project.projectId,
			projectName: 'Invite A',
			role: 'viewer',
			alreadyMember: true
		});
		expect(await findMembership(h.db, project.projectId, project.viewer.id)).toMatchObject({ role: 'viewer' });
	});

	it('accepts an email-bound invitation only for that email (any case)', async () => {
		const invitee = await makeUser(h.db);
		const created = await h
			.caller(project.admin)
			.invitations.create({ projectId: project.projectId, role: 'viewer', email: invitee.email.toUpperCase() });
		const stranger = await makeUser(h.db);
		expect(await reasonOf(h.caller(stranger).invitations.accept({ token: tokenOf(created.url) }))).toBe(
			'FORBIDDEN:email_mismatch'
		);
		await expect(h.caller(invitee).invitations.accept({ token: tokenOf(created.url) })).resolves.toMatchObject({
			role: 'viewer'
		});
	});

	it('gives a link to exactly one of two people racing for it', async () => {
		const created = await h.caller(project.admin).invitations.create({ projectId: project.projectId, role: 'viewer' });
		const racers = await Promise.all([makeUser(h.db), makeUser(h.db), makeUser(h.db)]);
		const results = await Promise.all(
			racers.map((u) => reasonOf(h.caller(u).invitations.accept({ token: tokenOf(created.url) })))
		);
		expect(results.filter((r) => r === 'OK')).toHaveLength(1);
		expect(results.filter((r) => r === 'CONFLICT:accepted')).toHaveLength(2);
	});

	it('refuses an instance-only invitation to someone who already has an account, without using it up', async () => {
		const instanceAdmin = await makeUser(h.db, { isInstanceAdmin: true });
		const created = await h.caller(instanceAdmin).invitations.createInstance({});
		expect(await reasonOf(h.caller(project.viewer).invitations.accept({ token: tokenOf(created.url) }))).toBe(
			'CONFLICT:already_registered'
		);
		await expect(h.caller(null).invitations.inspect({ token: tokenOf(created.url) })).resolves.toMatchObject({
			valid: true
		});
	});
});

describe('creating an account from an invitation', () => {
	it('creates the account, joins the project and uses up the link in one transaction', async () => {
		const created = await h
			.caller(project.admin)
			.invitations.create({ projectId: project.projectId, role: 'annotator' });
		const email = uniqueEmail('newcomer');
		const result = await signUp(
			h,
			{ email, displayName: 'Newcomer', password: PASSWORD, invitationToken: tokenOf(created.url), client: client() },
			{ openSignup: false }
		);
		expect(result.joined).toEqual({
			projectId: project.projectId,
			projectName: 'Invite A',
			role: 'annotator',
			alreadyMember: false
		});
		expect(result.issued.user.isInstanceAdmin).toBe(false);
		expect(await findMembership(h.db, project.projectId, result.issued.user.id)).toMatchObject({ role: 'annotator' });
		const row = await h.db
			.selectFrom('invitation')
			.select(['accepted_at', 'accepted_by'])
			.where('id', '=', created.id)
			.executeTakeFirstOrThrow();
		expect(row.accepted_by).toBe(result.issued.user.id);
		expect(row.accepted_at).toBeInstanceOf(Date);
	});

	it('creates no account when the link is unusable, and spends no link when the account cannot be created', async () => {
		const created = await h
			.caller(project.admin)
			.invitations.create({ projectId: project.projectId, role: 'viewer', email: uniqueEmail('bound') });
		const token = tokenOf(created.url);
		const wrongEmail = uniqueEmail('wrong');
		expect(
			await reasonOf(
				signUp(
					h,
					{ email: wrongEmail, displayName: 'X', password: PASSWORD, invitationToken: token, client: client() },
					{ openSignup: false }
				)
			)
		).toBe('FORBIDDEN:email_mismatch');
		expect(await findUserByEmail(h.db, wrongEmail)).toBeUndefined();

		// An email that already has an account: the sign-up fails and the link stays usable.
		const open = await h.caller(project.admin).invitations.create({ projectId: project.projectId, role: 'viewer' });
		expect(
			await reasonOf(
				signUp(
					h,
					{
						email: project.viewer.email,
						displayName: 'X',
						password: PASSWORD,
						invitationToken: tokenOf(open.url),
						client: client()
					},
					{ openSignup: false }
				)
			)
		).toBe('CONFLICT:email_taken');
		await expect(h.caller(null).invitations.inspect({ token: tokenOf(open.url) })).resolves.toMatchObject({
			valid: true
		});
	});

	it('accepts an instance invitation without joining any project', async () => {
		const instanceAdmin = await makeUser(h.db, { isInstanceAdmin: true });
		const email = uniqueEmail('solo');
		const created = await h.caller(instanceAdmin).invitations.createInstance({ email });
		const result = await signUp(
			h,
			{ email, displayName: 'Solo', password: PASSWORD, invitationToken: tokenOf(created.url), client: client() },
			{ openSignup: false }
		);
		expect(result.joined).toEqual({ projectId: null, projectName: null, role: null, alreadyMember: false });
		expect(
			await h.db
				.selectFrom('project_member')
				.select('project_id')
				.where('user_id', '=', result.issued.user.id)
				.execute()
		).toEqual([]);
	});

	it('refuses a bogus link before paying for argon2', async () => {
		const argonStart = performance.now();
		await hashPassword(PASSWORD);
		const argonMs = performance.now() - argonStart;
		const start = performance.now();
		const reason = await reasonOf(
			signUp(
				h,
				{
					email: uniqueEmail('bogus'),
					displayName: 'B',
					password: PASSWORD,
					invitationToken: 'A'.repeat(32),
					client: client()
				},
				{ openSignup: false }
			)
		);
		expect(reason).toBe('NOT_FOUND:not_found');
		expect(performance.now() - start).toBeLessThan(Math.max(argonMs / 2, 5));
	});

	it('refuses a revoked link for sign-up', async () => {
		const created = await h.caller(project.admin).invitations.create({ projectId: project.projectId, role: 'viewer' });
		await h.caller(project.admin).invitations.revoke({ projectId: project.projectId, invitationId: created.id });
		const email = uniqueEmail('late');
		expect(
			await reasonOf(
				signUp(
					h,
					{ email, displayName: 'Late', password: PASSWORD, invitationToken: tokenOf(created.url), client: client() },
					{ openSignup: false }
				)
			)
		).toBe('CONFLICT:revoked');
		expect(await findUserByEmail(h.db, email)).toBeUndefined();
	});
});
