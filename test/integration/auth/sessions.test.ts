/**
 * Session lifetime on real PostgreSQL with a clock the test moves: sliding
 * idle expiry (refreshed at most hourly), absolute lifetime, deletion of dead
 * sessions, wrong secrets, and server-side invalidation by sign-out and
 * "sign out other sessions".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, validateSessionToken } from '../../../src/lib/server/auth/sessions';
import { hashSecret, parseSessionToken } from '../../../src/lib/server/auth/tokens';
import { sessionsOf } from '../../../src/lib/server/services/accounts';
import { createHarness, type Harness } from '../support/harness';
import { client, DAY, makeAccount, MINUTE, policy, sessionCaller, testClock } from './support/fixtures';

let h: Harness;
beforeAll(async () => {
	h = await createHarness();
});
afterAll(() => h.close());

async function row(token: string) {
	const id = parseSessionToken(token)!.id;
	return h.db.selectFrom('auth_session').selectAll().where('id', '=', id).executeTakeFirst();
}

describe('session storage', () => {
	it('stores only SHA-256 of the secret, never the token', async () => {
		const user = await makeAccount(h.db);
		const issued = await createSession(h.db, user, client(), { policy });
		const { id, secret } = parseSessionToken(issued.token)!;
		const stored = (await row(issued.token))!;
		expect(stored.id).toBe(id);
		expect(Buffer.from(stored.secret_hash).equals(Buffer.from(hashSecret(secret)))).toBe(true);
		expect(JSON.stringify(stored)).not.toContain(secret);
	});

	it('rejects a wrong secret for a real id without deleting the session', async () => {
		const user = await makeAccount(h.db);
		const issued = await createSession(h.db, user, client(), { policy });
		const { id } = parseSessionToken(issued.token)!;
		await expect(validateSessionToken(h.db, `${id}.${'a'.repeat(32)}`, { policy })).resolves.toBeNull();
		await expect(validateSessionToken(h.db, 'garbage', { policy })).resolves.toBeNull();
		await expect(validateSessionToken(h.db, issued.token, { policy })).resolves.toMatchObject({
			user: { id: user.id }
		});
	});
});

describe('idle expiry', () => {
	it('slides with use, refreshing last_verified_at at most once an hour', async () => {
		const clock = testClock();
		const user = await makeAccount(h.db);
		const issued = await createSession(h.db, user, client(), { policy, now: clock.now });
		const created = issued.session.createdAt.getTime();
		expect(issued.expiresAt.getTime()).toBe(created + policy.idleMs);

		clock.advance(59 * MINUTE);
		const early = await validateSessionToken(h.db, issued.token, { policy, now: clock.now });
		expect(early?.extended).toBe(false);
		expect((await row(issued.token))!.last_verified_at.getTime()).toBe(created);

		clock.advance(MINUTE);
		const refreshed = await validateSessionToken(h.db, issued.token, { policy, now: clock.now });
		expect(refreshed?.extended).toBe(true);
		expect(refreshed?.expiresAt.getTime()).toBe(clock.now().getTime() + policy.idleMs);
		expect((await row(issued.token))!.last_verified_at.getTime()).toBe(clock.now().getTime());

		// Used every 13 days, the session outlives several idle periods.
		for (let i = 0; i < 4; i++) {
			clock.advance(13 * DAY);
			expect(await validateSessionToken(h.db, issued.token, { policy, now: clock.now })).not.toBeNull();
		}
	});

	it('ends a session unused for the idle period and deletes its row', async () => {
		const clock = testClock();
		const user = await makeAccount(h.db);
		const issued = await createSession(h.db, user, client(), { policy, now: clock.now });
		clock.advance(policy.idleMs - 1);
		expect(await validateSessionToken(h.db, issued.token, { policy, now: clock.now })).not.toBeNull();
		// That validation refreshed it; now stay away for a full idle period.
		clock.advance(policy.idleMs);
		expect(await validateSessionToken(h.db, issued.token, { policy, now: clock.now })).toBeNull();
		expect(await row(issued.token)).toBeUndefined();
	});
});

describe('absolute lifetime', () => {
	it('ends even a session in constant use once it is 90 days old', async () => {
		const clock = testClock();
		const user = await makeAccount(h.db);
		const issued = await createSession(h.db, user, client(), { policy, now: clock.now });
		for (let day = 1; day < 90; day++) {
			clock.advance(DAY);
			const v = await validateSessionToken(h.db, issued.token, { policy, now: clock.now });
			expect(v, `day ${day}`).not.toBeNull();
			// Near the end the expiry is capped by the absolute limit, not the idle one.
			expect(v!.expiresAt.getTime()).toBeLessThanOrEqual(issued.session.createdAt.getTime() + policy.absoluteMs);
		}
		clock.advance(DAY);
		expect(await validateSessionToken(h.db, issued.token, { policy, now: clock.now })).toBeNull();
		expect(await row(issued.token)).toBeUndefined();
	});
});

describe('sign-out', () => {
	it('auth.signOut ends the session server-side and clears the cookie', async () => {
		const user = await makeAccount(h.db);
		const issued = await createSession(h.db, user, client(), { policy });
		const cookies: [string, string, Record<string, unknown>][] = [];
		const caller = sessionCaller(h, issued, {
			secure: true,
			setCookie: (name, value, opts) => cookies.push([name, value, opts])
		});
		await expect(caller.auth.signOut()).resolves.toEqual({ ok: true });
		expect(await validateSessionToken(h.db, issued.token, { policy })).toBeNull();
		expect(cookies).toEqual([
			[
				'__Host-session',
				'',
				expect.objectContaining({ maxAge: 0, path: '/', httpOnly: true, secure: true, sameSite: 'lax' })
			]
		]);
	});

	it('auth.signOutOthers ends every other session of the user and keeps this one', async () => {
		const user = await makeAccount(h.db);
		const someoneElse = await makeAccount(h.db);
		const [current, laptop, phone] = await Promise.all(
			[1, 2, 3].map(() => createSession(h.db, user, client(), { policy }))
		);
		const theirs = await createSession(h.db, someoneElse, client(), { policy });

		const caller = sessionCaller(h, current);
		expect((await caller.auth.sessions()).map((s) => [s.id, s.current]).sort()).toEqual(
			[
				[current.session.id, true],
				[laptop.session.id, false],
				[phone.session.id, false]
			].sort()
		);
		await expect(caller.auth.signOutOthers()).resolves.toEqual({ ended: 2 });
		expect(await validateSessionToken(h.db, laptop.token, { policy })).toBeNull();
		expect(await validateSessionToken(h.db, phone.token, { policy })).toBeNull();
		expect(await validateSessionToken(h.db, current.token, { policy })).not.toBeNull();
		expect(await validateSessionToken(h.db, theirs.token, { policy })).not.toBeNull();
		expect((await caller.auth.sessions()).map((s) => s.id)).toEqual([current.session.id]);
	});

	it('lists only live sessions', async () => {
		const clock = testClock();
		const user = await makeAccount(h.db);
		const old = await createSession(h.db, user, client(), { policy, now: clock.now });
		clock.advance(15 * DAY);
		const fresh = await createSession(h.db, user, client(), { policy, now: clock.now });
		const listed = await sessionsOf(h.db, user.id, fresh.session.id, { policy, now: clock.now });
		expect(listed.map((s) => s.id)).toEqual([fresh.session.id]);
		// The old one is past its idle limit but still has a row until someone presents it.
		expect(await row(old.token)).toBeDefined();
	});
});
