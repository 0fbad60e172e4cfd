/**
 * Account creation on a fresh database: the first account becomes instance
 * admin (exactly one, even when two sign up at the same moment); afterwards
 * sign-up needs an invitation unless open sign-up is on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateSessionToken } from '../../../src/lib/server/auth/sessions';
import type { AppError } from '../../../src/lib/server/errors';
import { signIn, signUp, signUpMode } from '../../../src/lib/server/services/accounts';
import { client, PASSWORD, policy } from './support/fixtures';
import { createFreshDatabase, type FreshDatabase } from './support/fresh-database';
import { appErrorOf } from '../support/app-error';

let fresh: FreshDatabase;
beforeEach(async () => {
	fresh = await createFreshDatabase();
});
afterEach(() => fresh.drop());

const input = (email: string, extra: Partial<Parameters<typeof signUp>[1]> = {}) => ({
	email,
	displayName: 'Ada',
	password: PASSWORD,
	client: client(),
	...extra
});

describe('the first account', () => {
	it('becomes instance admin; the next one needs an invitation', async () => {
		const db = fresh.db;
		expect(await signUpMode(db, { openSignup: false })).toBe('first_admin');
		const first = await signUp({ db }, input('Ada@Example.test '), { openSignup: false, policy });
		expect(first.issued.user).toMatchObject({ email: 'Ada@Example.test', displayName: 'Ada', isInstanceAdmin: true });
		await expect(validateSessionToken(db, first.issued.token, { policy })).resolves.toMatchObject({
			user: { isInstanceAdmin: true }
		});

		expect(await signUpMode(db, { openSignup: false })).toBe('invitation_only');
		const refused = await appErrorOf(signUp({ db }, input('grace@example.test'), { openSignup: false }));
		expect([refused.code, (refused.details as { reason: string }).reason]).toEqual([
			'FORBIDDEN',
			'invitation_required'
		]);
		expect(await db.selectFrom('app_user').select('email').execute()).toEqual([{ email: 'Ada@Example.test' }]);
	});

	it('is exactly one admin when two people sign up at the same moment', async () => {
		const db = fresh.db;
		const results = await Promise.allSettled([
			signUp({ db }, input('one@example.test'), { openSignup: false }),
			signUp({ db }, input('two@example.test'), { openSignup: false })
		]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
		expect((rejected.reason as AppError).details).toMatchObject({ reason: 'invitation_required' });
		const admins = await db.selectFrom('app_user').select(['email', 'is_instance_admin']).execute();
		expect(admins).toHaveLength(1);
		expect(admins[0].is_instance_admin).toBe(true);
	});

	it('leaves only one admin even with open sign-up racing', async () => {
		const db = fresh.db;
		await Promise.all(
			['a', 'b', 'c', 'd'].map((n) => signUp({ db }, input(`${n}@example.test`), { openSignup: true }))
		);
		const rows = await db.selectFrom('app_user').select('is_instance_admin').execute();
		expect(rows).toHaveLength(4);
		expect(rows.filter((r) => r.is_instance_admin)).toHaveLength(1);
	});
});

describe('open sign-up', () => {
	it('creates ordinary accounts and refuses a duplicate email in any case', async () => {
		const db = fresh.db;
		await signUp({ db }, input('admin@example.test'), { openSignup: true });
		expect(await signUpMode(db, { openSignup: true })).toBe('open');
		const second = await signUp({ db }, input('Grace@Example.test'), { openSignup: true });
		expect(second.issued.user.isInstanceAdmin).toBe(false);
		const dup = await appErrorOf(signUp({ db }, input(' grace@EXAMPLE.test'), { openSignup: true }));
		expect([dup.code, (dup.details as { reason: string }).reason]).toEqual(['CONFLICT', 'email_taken']);
		// The account signs in with its email in any case.
		await expect(
			signIn(db, { email: 'GRACE@example.TEST', password: PASSWORD, client: client() }, { policy })
		).resolves.toBeDefined();
	});

	it('validates fields before hashing: display name required, email shape, password length', async () => {
		const db = fresh.db;
		const noName = await appErrorOf(
			signUp({ db }, input('x@example.test', { displayName: '   ' }), { openSignup: true })
		);
		expect(noName.details).toMatchObject({ fields: { displayName: expect.any(String) } });
		const badEmail = await appErrorOf(signUp({ db }, input('not-an-email'), { openSignup: true }));
		expect(badEmail.details).toMatchObject({ fields: { email: expect.any(String) } });
		const short = await appErrorOf(
			signUp({ db }, input('y@example.test', { password: 'short' }), { openSignup: true })
		);
		expect(short.details).toMatchObject({ fields: { password: expect.stringMatching(/at least 8/) } });

		const start = performance.now();
		const huge = await appErrorOf(
			signUp({ db }, input('z@example.test', { password: 'p'.repeat(1024 * 1024) }), { openSignup: true })
		);
		expect(performance.now() - start).toBeLessThan(200);
		expect(huge.code).toBe('BAD_REQUEST');
		expect(await db.selectFrom('app_user').select('id').execute()).toEqual([]);
	});

	it('rotates the session the browser had', async () => {
		const db = fresh.db;
		const first = await signUp({ db }, input('admin@example.test'), { openSignup: true, policy });
		const second = await signUp({ db }, input('next@example.test', { currentToken: first.issued.token }), {
			openSignup: true,
			policy
		});
		await expect(validateSessionToken(db, first.issued.token, { policy })).resolves.toBeNull();
		await expect(validateSessionToken(db, second.issued.token, { policy })).resolves.not.toBeNull();
	});
});
