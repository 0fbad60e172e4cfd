/**
 * Login throttling per account (lower-cased email) and per client address.
 *
 * Every attempt is counted BEFORE the password is verified, inside a
 * transaction holding both rows, so a burst of parallel requests cannot slip
 * past the limit while argon2 is busy. A successful sign-in then clears the
 * account counter and gives the address back the attempt it was charged.
 *
 * Within a window (15 min) the `limit`-th attempt locks the key for
 * `baseLockMs`; each further failure after the lock ends doubles the lock, up
 * to `maxLockMs`. A key is forgotten once a full window has passed since both
 * its first counted attempt and the end of its last lock. Unknown emails are
 * counted like real ones, so locking does not reveal which accounts exist.
 *
 * The address is `event.locals.clientAddress`, which honours X-Forwarded-For
 * only from configured trusted proxies: a client cannot reset its counter by
 * inventing headers.
 */
import type { Db } from '../db/client';
import {
	deleteStaleThrottleRows,
	deleteThrottleRow,
	lockThrottleRows,
	saveThrottleRow,
	type ThrottleRow
} from '../db/repositories/login-throttle';

export interface ThrottleRule {
	limit: number;
	windowMs: number;
	baseLockMs: number;
	maxLockMs: number;
}

const MINUTE = 60_000;

export const loginThrottleRules = {
	account: { limit: 5, windowMs: 15 * MINUTE, baseLockMs: MINUTE, maxLockMs: 60 * MINUTE },
	address: { limit: 20, windowMs: 15 * MINUTE, baseLockMs: MINUTE, maxLockMs: 60 * MINUTE }
} as const satisfies Record<string, ThrottleRule>;

export function accountKey(email: string): string {
	return `account:${email.trim().toLowerCase()}`;
}

export function addressKey(clientAddress: string): string {
	return `address:${clientAddress}`;
}

/** The end of the key's lock, or null when attempts are allowed at `now`. */
export function lockedUntil(row: ThrottleRow, now: Date): Date | null {
	return row.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
}

/** The row after one more counted attempt at `now`. Pure, for unit tests. */
export function afterAttempt(row: ThrottleRow, now: Date, rule: ThrottleRule): ThrottleRow {
	const t = now.getTime();
	const quietSinceStart = t - row.windowStartedAt.getTime() >= rule.windowMs;
	const quietSinceLock = !row.lockedUntil || t - row.lockedUntil.getTime() >= rule.windowMs;
	const fresh = row.failures === 0 || (quietSinceStart && quietSinceLock);
	const failures = fresh ? 1 : row.failures + 1;
	const windowStartedAt = fresh ? now : row.windowStartedAt;
	let locked = fresh ? null : row.lockedUntil;
	if (failures >= rule.limit) {
		const lockMs = Math.min(rule.maxLockMs, rule.baseLockMs * 2 ** Math.min(failures - rule.limit, 30));
		locked = new Date(t + lockMs);
	}
	return { key: row.key, failures, windowStartedAt, lockedUntil: locked };
}

/** The row after a successful sign-in hands back one counted attempt. */
export function afterRefund(row: ThrottleRow, rule: ThrottleRule): ThrottleRow {
	const failures = Math.max(0, row.failures - 1);
	return { ...row, failures, lockedUntil: failures < rule.limit ? null : row.lockedUntil };
}

export type AttemptResult = { allowed: true } | { allowed: false; retryAt: Date };

interface AttemptInput {
	email: string;
	clientAddress: string;
	now: Date;
}

function keyedRules(input: AttemptInput): Map<string, ThrottleRule> {
	return new Map<string, ThrottleRule>([
		[accountKey(input.email), loginThrottleRules.account],
		[addressKey(input.clientAddress), loginThrottleRules.address]
	]);
}

/**
 * Charges one attempt to the account and the address, unless either is
 * locked: then nothing is charged and the caller learns when to retry.
 */
export async function chargeLoginAttempt(db: Db, input: AttemptInput): Promise<AttemptResult> {
	const rules = keyedRules(input);
	// Every attempt for an unknown email leaves a row; sweep old ones now and then
	// (not every time: without an index the sweep scans the table).
	if (Math.random() < 0.02)
		await deleteStaleThrottleRows(db, new Date(input.now.getTime() - 2 * loginThrottleRules.address.windowMs));
	return db.transaction().execute(async (trx) => {
		const rows = await lockThrottleRows(trx, [...rules.keys()], input.now);
		const locks = rows.map((r) => lockedUntil(r, input.now)).filter((d): d is Date => d !== null);
		if (locks.length > 0) return { allowed: false, retryAt: new Date(Math.max(...locks.map((d) => d.getTime()))) };
		for (const row of rows) await saveThrottleRow(trx, afterAttempt(row, input.now, rules.get(row.key)!));
		return { allowed: true };
	});
}

/** After a correct password: the account starts over; the address gets its attempt back. */
export async function settleSuccessfulLogin(db: Db, input: AttemptInput): Promise<void> {
	const rules = keyedRules(input);
	const address = addressKey(input.clientAddress);
	await deleteThrottleRow(db, accountKey(input.email));
	await db.transaction().execute(async (trx) => {
		const [row] = await lockThrottleRows(trx, [address], input.now);
		await saveThrottleRow(trx, afterRefund(row, rules.get(address)!));
	});
}
