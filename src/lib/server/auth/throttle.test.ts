import { describe, expect, it } from 'vitest';
import type { ThrottleRow } from '../db/repositories/login-throttle';
import { afterAttempt, afterRefund, lockedUntil, type ThrottleRule } from './throttle';

const MINUTE = 60_000;
const rule: ThrottleRule = { limit: 5, windowMs: 15 * MINUTE, baseLockMs: MINUTE, maxLockMs: 60 * MINUTE };
const t0 = new Date('2030-01-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const empty: ThrottleRow = { key: 'account:a@example.test', failures: 0, windowStartedAt: t0, lockedUntil: null };

function attempts(n: number, start = empty, when = (i: number) => at(i * 1000)) {
	let row = start;
	for (let i = 0; i < n; i++) row = afterAttempt(row, when(i), rule);
	return row;
}

describe('afterAttempt', () => {
	it('locks at the limit-th attempt within the window, for the base duration', () => {
		const four = attempts(4);
		expect(four.failures).toBe(4);
		expect(four.lockedUntil).toBeNull();
		const five = afterAttempt(four, at(5000), rule);
		expect(five.lockedUntil).toEqual(at(5000 + MINUTE));
		expect(lockedUntil(five, at(5000 + MINUTE - 1))).toEqual(five.lockedUntil);
		expect(lockedUntil(five, at(5000 + MINUTE))).toBeNull();
	});

	it('doubles the lock for each failure after it, up to the cap', () => {
		let row = attempts(5);
		const locks: number[] = [];
		for (let i = 0; i < 9; i++) {
			const now = new Date(row.lockedUntil!.getTime());
			row = afterAttempt(row, now, rule);
			locks.push((row.lockedUntil!.getTime() - now.getTime()) / MINUTE);
		}
		expect(locks).toEqual([2, 4, 8, 16, 32, 60, 60, 60, 60]);
	});

	it('starts over after a quiet window since both the first attempt and the last lock', () => {
		const locked = attempts(5);
		// 15 minutes after the lock ended: forgotten.
		const later = new Date(locked.lockedUntil!.getTime() + 15 * MINUTE);
		expect(afterAttempt(locked, later, rule)).toEqual({
			...empty,
			failures: 1,
			windowStartedAt: later,
			lockedUntil: null
		});
		// Only 14 minutes after: still counting (and locking longer).
		const sooner = new Date(locked.lockedUntil!.getTime() + 14 * MINUTE);
		expect(afterAttempt(locked, sooner, rule).failures).toBe(6);

		const quiet = attempts(4);
		expect(afterAttempt(quiet, at(15 * MINUTE), rule).failures).toBe(1);
	});
});

describe('afterRefund', () => {
	it('gives one attempt back and lifts a lock that the count no longer justifies', () => {
		const five = attempts(5);
		expect(afterRefund(five, rule)).toMatchObject({ failures: 4, lockedUntil: null });
		// Past the limit a refund leaves the lock alone: other failures justify it.
		const seven = attempts(7);
		expect(seven.lockedUntil).not.toBeNull();
		expect(afterRefund(seven, rule)).toMatchObject({ failures: 6, lockedUntil: seven.lockedUntil });
		expect(afterRefund(empty, rule).failures).toBe(0);
	});
});
