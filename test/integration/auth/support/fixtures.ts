/**
 * Helpers for the auth tests: a clock the test moves, accounts with real
 * argon2 hashes, unique client addresses (the address throttle is shared by
 * the whole test database), and tRPC callers bound to a real session.
 */
import { randomInt } from 'node:crypto';
import { hashPassword } from '../../../../src/lib/server/auth/password';
import type { IssuedSession, SessionPolicy } from '../../../../src/lib/server/auth/sessions';
import type { Db } from '../../../../src/lib/server/db/client';
import { insertUser, type UserRow } from '../../../../src/lib/server/db/repositories/users';
import { createCallerFactory, type Context } from '../../../../src/lib/server/trpc/init';
import { appRouter } from '../../../../src/lib/server/trpc/router';
import { uniqueEmail, type Harness } from '../../support/harness';
export { codeOf } from '../../support/app-error';

export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;
export const MINUTE = 60 * 1000;

/** The defaults of CONCORD_SESSION_IDLE_DAYS / _MAX_DAYS, spelled out so the tests read on their own. */
export const policy: SessionPolicy = { idleMs: 14 * DAY, absoluteMs: 90 * DAY, refreshMs: HOUR };

export interface TestClock {
	now: () => Date;
	advance(ms: number): void;
}

export function testClock(start = new Date()): TestClock {
	let t = start.getTime();
	return {
		now: () => new Date(t),
		advance(ms) {
			t += ms;
		}
	};
}

export const PASSWORD = 'correct horse battery staple';

export async function makeAccount(
	db: Db,
	opts: { email?: string; password?: string; isInstanceAdmin?: boolean } = {}
): Promise<UserRow & { password: string }> {
	const password = opts.password ?? PASSWORD;
	const user = await insertUser(db, {
		email: opts.email ?? uniqueEmail('auth'),
		displayName: 'Test User',
		passwordHash: await hashPassword(password),
		isInstanceAdmin: opts.isInstanceAdmin ?? false
	});
	if (!user) throw new Error('email taken');
	return { ...user, password };
}

/** A random address in the IPv6 documentation range (2001:db8::/32): no other test uses it. */
export function uniqueAddress(): string {
	const group = () => randomInt(0, 0x10000).toString(16);
	return `2001:db8:${group()}:${group()}::${group()}`;
}

export function client(clientAddress = uniqueAddress()) {
	return { clientAddress, userAgent: 'vitest' };
}

const createCaller = createCallerFactory(appRouter);

/** A tRPC caller acting through a real session (unlike the harness's made-up session id). */
export function sessionCaller(h: Harness, issued: IssuedSession, request: Partial<Context['request']> = {}) {
	return createCaller({
		db: h.db,
		queue: h.queue,
		user: issued.user,
		session: issued.session,
		request: { clientAddress: '127.0.0.1', userAgent: 'vitest', ...request }
	});
}

/** A signed-out caller with the given request (e.g. a cookie jar's `getCookie` / `setCookie`). */
export function anonymousCaller(h: Harness, request: Partial<Context['request']> = {}) {
	return createCaller({
		db: h.db,
		queue: h.queue,
		user: null,
		session: null,
		request: { clientAddress: uniqueAddress(), userAgent: 'vitest', ...request }
	});
}
