/**
 * Sign-in on real PostgreSQL: credentials, rotation, password limits, and the
 * login throttle per account and per client address (which a spoofed
 * X-Forwarded-For cannot reset unless the peer is a trusted proxy).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/lib/server/auth/password';
import { validateSessionToken } from '../../../src/lib/server/auth/sessions';
import { accountKey, addressKey } from '../../../src/lib/server/auth/throttle';
import { resolveClientAddress } from '../../../src/lib/server/client-address';
import { findThrottleRows } from '../../../src/lib/server/db/repositories/login-throttle';
import type { AppError } from '../../../src/lib/server/errors';
import { signIn } from '../../../src/lib/server/services/accounts';
import { createHarness, uniqueEmail, type Harness } from '../support/harness';
import { client, makeAccount, MINUTE, policy, testClock, uniqueAddress } from './support/fixtures';
import { appErrorOf } from '../support/app-error';

let h: Harness;
beforeAll(async () => {
	h = await createHarness();
});
afterAll(() => h.close());

describe('sign-in', () => {
	it('issues a session for the right password, matching the email case-insensitively', async () => {
		const user = await makeAccount(h.db);
		const issued = await signIn(
			h.db,
			{ email: `  ${user.email.toUpperCase()} `, password: user.password, client: client() },
			{ policy }
		);
		expect(issued.user).toMatchObject({ id: user.id, email: user.email });
		await expect(validateSessionToken(h.db, issued.token, { policy })).resolves.toMatchObject({
			user: { id: user.id }
		});
	});

	it('answers a wrong password and an unknown email with the same error', async () => {
		const user = await makeAccount(h.db);
		const wrong = await appErrorOf(signIn(h.db, { email: user.email, password: 'wrong password!', client: client() }));
		const unknown = await appErrorOf(
			signIn(h.db, { email: uniqueEmail('nobody'), password: 'wrong password!', client: client() })
		);
		expect([wrong.code, wrong.message, wrong.details]).toEqual([unknown.code, unknown.message, unknown.details]);
		expect(wrong.code).toBe('UNAUTHORIZED');
	});

	it('runs argon2 for unknown emails too, so timing does not reveal accounts', async () => {
		const user = await makeAccount(h.db);
		const time = async (email: string) => {
			const start = performance.now();
			await appErrorOf(signIn(h.db, { email, password: 'wrong password!', client: client() }));
			return performance.now() - start;
		};
		// Warm up, then compare medians of a few runs.
		await time(user.email);
		const known: number[] = [];
		const unknown: number[] = [];
		for (let i = 0; i < 3; i++) {
			known.push(await time(user.email));
			unknown.push(await time(uniqueEmail('ghost')));
		}
		const median = (xs: number[]) => xs.sort((a, b) => a - b)[1];
		// Without the dummy verification an unknown email would be answered in a few ms.
		expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
	});

	it('rotates: the session the browser presented ends, a fresh one starts', async () => {
		const user = await makeAccount(h.db);
		const first = await signIn(h.db, { email: user.email, password: user.password, client: client() }, { policy });
		const second = await signIn(
			h.db,
			{ email: user.email, password: user.password, currentToken: first.token, client: client() },
			{ policy }
		);
		expect(second.token).not.toBe(first.token);
		expect(second.session.id).not.toBe(first.session.id);
		await expect(validateSessionToken(h.db, first.token, { policy })).resolves.toBeNull();
		await expect(validateSessionToken(h.db, second.token, { policy })).resolves.not.toBeNull();
	});

	it("does not end another user's session when the presented cookie has a forged secret", async () => {
		const victim = await makeAccount(h.db);
		const attacker = await makeAccount(h.db);
		const victimSession = await signIn(
			h.db,
			{ email: victim.email, password: victim.password, client: client() },
			{ policy }
		);
		const forged = `${victimSession.session.id}.${'b'.repeat(32)}`;
		await signIn(
			h.db,
			{ email: attacker.email, password: attacker.password, currentToken: forged, client: client() },
			{ policy }
		);
		await expect(validateSessionToken(h.db, victimSession.token, { policy })).resolves.not.toBeNull();
	});
});

describe('password limits', () => {
	it('refuses a 1 MB password quickly, before the throttle or argon2 see it', async () => {
		const user = await makeAccount(h.db);
		const huge = 'p'.repeat(1024 * 1024);
		const argonStart = performance.now();
		await hashPassword('a normal password');
		const argonMs = performance.now() - argonStart;

		const start = performance.now();
		const error = await appErrorOf(signIn(h.db, { email: user.email, password: huge, client: client() }));
		const elapsed = performance.now() - start;
		expect(error.code).toBe('BAD_REQUEST');
		expect(error.message).toMatch(/at most 256/);
		expect(elapsed).toBeLessThan(Math.max(argonMs / 2, 5));
		// Nothing was charged: the request never reached the throttle.
		expect(await findThrottleRows(h.db, [accountKey(user.email)])).toEqual([]);
	});

	it('accepts 256 characters and refuses 257', async () => {
		const user = await makeAccount(h.db, { password: 'x'.repeat(256) });
		await expect(
			signIn(h.db, { email: user.email, password: 'x'.repeat(256), client: client() }, { policy })
		).resolves.toBeDefined();
		expect(
			(await appErrorOf(signIn(h.db, { email: user.email, password: 'x'.repeat(257), client: client() }))).code
		).toBe('BAD_REQUEST');
	});
});

describe('throttling per account', () => {
	it('locks an account after 5 failures in 15 minutes, even for the right password, then backs off exponentially', async () => {
		const clock = testClock();
		const user = await makeAccount(h.db);
		// Failures from different addresses: the account counter alone must lock.
		for (let i = 0; i < 5; i++) {
			expect(
				(
					await appErrorOf(
						signIn(h.db, { email: user.email, password: 'wrong password', client: client() }, { now: clock.now })
					)
				).code
			).toBe('UNAUTHORIZED');
		}
		const locked = await appErrorOf(
			signIn(h.db, { email: user.email, password: user.password, client: client() }, { now: clock.now, policy })
		);
		expect(locked.code).toBe('TOO_MANY_REQUESTS');
		expect((locked.details as { retryAt: Date }).retryAt.getTime()).toBe(clock.now().getTime() + MINUTE);

		// After the first lock, one more failure doubles the lock.
		clock.advance(MINUTE);
		await appErrorOf(
			signIn(h.db, { email: user.email, password: 'wrong password', client: client() }, { now: clock.now })
		);
		const doubled = await appErrorOf(
			signIn(h.db, { email: user.email, password: user.password, client: client() }, { now: clock.now })
		);
		expect((doubled.details as { retryAt: Date }).retryAt.getTime()).toBe(clock.now().getTime() + 2 * MINUTE);

		clock.advance(2 * MINUTE);
		await expect(
			signIn(h.db, { email: user.email, password: user.password, client: client() }, { now: clock.now, policy })
		).resolves.toBeDefined();
	});

	it('counts unknown emails the same way (locking reveals nothing)', async () => {
		const clock = testClock();
		const email = uniqueEmail('ghost');
		for (let i = 0; i < 5; i++)
			await appErrorOf(signIn(h.db, { email, password: 'wrong password', client: client() }, { now: clock.now }));
		expect(
			(await appErrorOf(signIn(h.db, { email, password: 'wrong password', client: client() }, { now: clock.now }))).code
		).toBe('TOO_MANY_REQUESTS');
	});

	it('clears the account counter on a successful sign-in', async () => {
		const clock = testClock();
		const user = await makeAccount(h.db);
		const from = client();
		for (let i = 0; i < 4; i++)
			await appErrorOf(
				signIn(h.db, { email: user.email, password: 'wrong password', client: from }, { now: clock.now })
			);
		await signIn(h.db, { email: user.email, password: user.password, client: from }, { now: clock.now, policy });
		expect(await findThrottleRows(h.db, [accountKey(user.email)])).toEqual([]);
		for (let i = 0; i < 4; i++)
			await appErrorOf(
				signIn(h.db, { email: user.email, password: 'wrong password', client: from }, { now: clock.now })
			);
		await expect(
			signIn(h.db, { email: user.email, password: user.password, client: from }, { now: clock.now, policy })
		).resolves.toBeDefined();
	});

	it('forgets old failures after a quiet window', async () => {
		const clock = testClock();
		const user = await makeAccount(h.db);
		for (let i = 0; i < 4; i++)
			await appErrorOf(
				signIn(h.db, { email: user.email, password: 'wrong password', client: client() }, { now: clock.now })
			);
		clock.advance(15 * MINUTE);
		for (let i = 0; i < 4; i++)
			await appErrorOf(
				signIn(h.db, { email: user.email, password: 'wrong password', client: client() }, { now: clock.now })
			);
		await expect(
			signIn(h.db, { email: user.email, password: user.password, client: client() }, { now: clock.now, policy })
		).resolves.toBeDefined();
	});

	it('counts parallel attempts before verifying, so a burst cannot slip past the limit', async () => {
		const clock = testClock();
		const user = await makeAccount(h.db);
		const results = await Promise.all(
			Array.from({ length: 12 }, () =>
				signIn(h.db, { email: user.email, password: 'wrong password', client: client() }, { now: clock.now }).catch(
					(e: AppError) => e.code
				)
			)
		);
		expect(results.filter((r) => r === 'UNAUTHORIZED')).toHaveLength(5);
		expect(results.filter((r) => r === 'TOO_MANY_REQUESTS')).toHaveLength(7);
	});
});

describe('throttling per client address', () => {
	it('locks an address after 20 failures across different accounts', async () => {
		const clock = testClock();
		const address = uniqueAddress();
		const user = await makeAccount(h.db);
		for (let i = 0; i < 20; i++) {
			await appErrorOf(
				signIn(
					h.db,
					{ email: uniqueEmail('spray'), password: 'wrong password', client: client(address) },
					{ now: clock.now }
				)
			);
		}
		// Even a correct sign-in from that address waits; from elsewhere it works.
		expect(
			(
				await appErrorOf(
					signIn(h.db, { email: user.email, password: user.password, client: client(address) }, { now: clock.now })
				)
			).code
		).toBe('TOO_MANY_REQUESTS');
		await expect(
			signIn(h.db, { email: user.email, password: user.password, client: client() }, { now: clock.now, policy })
		).resolves.toBeDefined();
	});

	it('cannot be reset by a spoofed X-Forwarded-For when no proxy is trusted', async () => {
		const clock = testClock();
		const peer = uniqueAddress();
		const user = await makeAccount(h.db);
		const addresses = new Set<string>();
		for (let i = 0; i < 20; i++) {
			// Each attempt claims to come from somewhere else.
			const clientAddress = resolveClientAddress(peer, `203.0.113.${i}, 10.0.0.${i}`, []);
			addresses.add(clientAddress);
			await appErrorOf(
				signIn(
					h.db,
					{ email: uniqueEmail('spoof'), password: 'wrong password', client: client(clientAddress) },
					{ now: clock.now }
				)
			);
		}
		expect([...addresses]).toEqual([peer]);
		const spoofed = resolveClientAddress(peer, '192.0.2.77', []);
		const error = await appErrorOf(
			signIn(h.db, { email: user.email, password: user.password, client: client(spoofed) }, { now: clock.now })
		);
		expect(error.code).toBe('TOO_MANY_REQUESTS');
		expect((await findThrottleRows(h.db, [addressKey(peer)]))[0].failures).toBe(20);
	});

	it('follows X-Forwarded-For only from a trusted proxy', async () => {
		const clock = testClock();
		const proxy = uniqueAddress();
		const user = await makeAccount(h.db);
		const behindProxy = (forwarded: string) => resolveClientAddress(proxy, forwarded, [proxy]);
		const attacker = uniqueAddress();
		for (let i = 0; i < 20; i++) {
			await appErrorOf(
				signIn(
					h.db,
					{ email: uniqueEmail('proxied'), password: 'wrong password', client: client(behindProxy(attacker)) },
					{ now: clock.now }
				)
			);
		}
		// The attacker (as reported by the proxy) is locked; the proxy's other clients are not.
		expect(
			(
				await appErrorOf(
					signIn(
						h.db,
						{ email: user.email, password: user.password, client: client(behindProxy(attacker)) },
						{ now: clock.now }
					)
				)
			).code
		).toBe('TOO_MANY_REQUESTS');
		// Prepending a fake hop does not help: the proxy appends the real one.
		expect(
			(
				await appErrorOf(
					signIn(
						h.db,
						{ email: user.email, password: user.password, client: client(behindProxy(`192.0.2.1, ${attacker}`)) },
						{ now: clock.now }
					)
				)
			).code
		).toBe('TOO_MANY_REQUESTS');
		await expect(
			signIn(
				h.db,
				{ email: user.email, password: user.password, client: client(behindProxy(uniqueAddress())) },
				{ now: clock.now, policy }
			)
		).resolves.toBeDefined();
	});

	it('gives a successful sign-in its attempt back', async () => {
		const clock = testClock();
		const address = uniqueAddress();
		const user = await makeAccount(h.db);
		for (let i = 0; i < 19; i++)
			await appErrorOf(
				signIn(
					h.db,
					{ email: uniqueEmail('office'), password: 'wrong password', client: client(address) },
					{ now: clock.now }
				)
			);
		await signIn(
			h.db,
			{ email: user.email, password: user.password, client: client(address) },
			{ now: clock.now, policy }
		);
		expect((await findThrottleRows(h.db, [addressKey(address)]))[0]).toMatchObject({ failures: 19, lockedUntil: null });
	});
});
