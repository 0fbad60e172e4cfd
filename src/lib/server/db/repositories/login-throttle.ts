/**
 * Queries on `login_throttle`: one row per throttle key (`account:<email>` or
 * `address:<ip>`). The counting rules live in `auth/throttle.ts`.
 */
import type { Db } from '../client';

export interface ThrottleRow {
	key: string;
	failures: number;
	windowStartedAt: Date;
	lockedUntil: Date | null;
}

/**
 * Creates missing rows and locks all of `keys` until the transaction ends, in
 * key order so two requests locking the same pair cannot deadlock.
 */
export async function lockThrottleRows(trx: Db, keys: string[], now: Date): Promise<ThrottleRow[]> {
	const sorted = [...new Set(keys)].sort();
	await trx
		.insertInto('login_throttle')
		.values(sorted.map((key) => ({ key, failures: 0, window_started_at: now, locked_until: null })))
		.onConflict((oc) => oc.column('key').doNothing())
		.execute();
	return trx
		.selectFrom('login_throttle')
		.select(['key', 'failures', 'window_started_at as windowStartedAt', 'locked_until as lockedUntil'])
		.where('key', 'in', sorted)
		.orderBy('key')
		.forUpdate()
		.execute();
}

export async function findThrottleRows(db: Db, keys: string[]): Promise<ThrottleRow[]> {
	if (keys.length === 0) return [];
	return db
		.selectFrom('login_throttle')
		.select(['key', 'failures', 'window_started_at as windowStartedAt', 'locked_until as lockedUntil'])
		.where('key', 'in', keys)
		.execute();
}

export async function saveThrottleRow(trx: Db, row: ThrottleRow): Promise<void> {
	await trx
		.updateTable('login_throttle')
		.set({ failures: row.failures, window_started_at: row.windowStartedAt, locked_until: row.lockedUntil })
		.where('key', '=', row.key)
		.execute();
}

export async function deleteThrottleRow(db: Db, key: string): Promise<void> {
	await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

/** Forgets keys whose window and lock both ended before `before` (they would start over anyway). */
export async function deleteStaleThrottleRows(db: Db, before: Date): Promise<void> {
	await db
		.deleteFrom('login_throttle')
		.where('window_started_at', '<', before)
		.where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', before)]))
		.execute();
}
