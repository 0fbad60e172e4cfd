/**
 * Provider rate limits (requests/minute, tokens/minute) held across ALL worker
 * processes: the buckets live in PostgreSQL (db/repositories/llm-rate-buckets.ts).
 * The client takes the RateLimiter interface, so tests can count or skip it.
 */
import type { Db } from '../db/client';
import * as buckets from '../db/repositories/llm-rate-buckets';

export interface RateLimits {
	requestsPerMinute: number | null;
	tokensPerMinute: number | null;
}

export interface RateLimiter {
	/** Reserves one request and `tokens`; resolves when the call may go (rejects if `signal` aborts first). */
	acquire(key: string, tokens: number, limits: RateLimits, signal?: AbortSignal): Promise<void>;
	/** After the call: the real token count replaces the estimate. */
	settle(key: string, estimated: number, actual: number, limits: RateLimits): Promise<void>;
}

export const noRateLimit: RateLimiter = {
	acquire: async () => {},
	settle: async () => {}
};

/** The wait that pays back a bucket's debt: debt ÷ (allowance per ms). */
export function waitForLevels(levels: buckets.BucketLevels, limits: RateLimits): number {
	const debt = (level: number, perMinute: number | null) =>
		perMinute && level < 0 ? (-level * 60_000) / perMinute : 0;
	return Math.ceil(
		Math.max(debt(levels.requests, limits.requestsPerMinute), debt(levels.tokens, limits.tokensPerMinute))
	);
}

export function createPgRateLimiter(db: Db, sleep = abortableSleep): RateLimiter {
	return {
		async acquire(key, tokens, limits, signal) {
			if (!limits.requestsPerMinute && !limits.tokensPerMinute) return;
			const levels = await buckets.reserve(db, key, { requests: 1, tokens, ...limits });
			const wait = waitForLevels(levels, limits);
			if (wait > 0) await sleep(wait, signal);
		},
		async settle(key, estimated, actual, limits) {
			if (!limits.tokensPerMinute) return;
			await buckets.adjustTokens(db, key, actual - estimated);
		}
	};
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(signal.reason);
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal?.reason);
		};
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}
