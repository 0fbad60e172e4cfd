import { describe, expect, it } from 'vitest';
import { backoffDelay, retryAfterMs } from './backoff';

describe('backoff', () => {
	it('grows exponentially up to the cap, with full jitter', () => {
		const opts = { baseMs: 100, maxMs: 1000 };
		expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, opts, () => 0.999999))).toEqual([
			100, 200, 400, 800, 1000, 1000
		]);
		expect(backoffDelay(3, opts, () => 0)).toBe(0);
		expect(backoffDelay(3, opts, () => 0.5)).toBe(400);
	});

	it('reads retry-after-ms, retry-after seconds and HTTP dates', () => {
		expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
		expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
		expect(retryAfterMs(new Headers({ 'retry-after': '0.5' }))).toBe(500);
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
		expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
		expect(retryAfterMs(new Headers())).toBeUndefined();
		expect(retryAfterMs(undefined)).toBeUndefined();
	});
});
