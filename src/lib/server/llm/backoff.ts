/**
 * Retry timing. Exponential backoff with "full jitter" (a delay drawn uniformly
 * from [0, min(cap, base·2ⁿ)], AWS Architecture Blog, "Exponential Backoff And
 * Jitter", 2015): clients that failed together do not retry together. A server's
 * own Retry-After wins over the formula.
 */
export function backoffDelay(retry: number, opts: { baseMs: number; maxMs: number }, random = Math.random): number {
	const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** retry);
	return Math.round(random() * ceiling);
}

/**
 * The wait a response asks for: `retry-after-ms` (OpenAI, Azure), else
 * `retry-after` in seconds or as an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers | undefined | null, now = Date.now()): number | undefined {
	if (!headers) return undefined;
	const ms = headers.get('retry-after-ms');
	if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
	const value = headers.get('retry-after');
	if (value === null || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
