/**
 * Shared by the planted analysis tests: a tiny seeded generator and the
 * interval check. Which answer of a pair is A (and the order rows come back
 * in) follows row ids, so a seeded draw still differs between runs: `inside`
 * widens a reported 95% interval about its centre to 99.9% (× 3.29 / 1.96, the
 * normal quantiles), so a miss means a biased estimate rather than bad luck.
 */
import { expect } from 'vitest';

/** mulberry32. */
export function rng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const WIDEN_TO_999 = 3.2905 / 1.96;

export function inside(value: number, ci: [number, number] | null | undefined) {
	expect(ci).toBeTruthy();
	const centre = (ci![0] + ci![1]) / 2;
	const half = ((ci![1] - ci![0]) / 2) * WIDEN_TO_999;
	expect(value).toBeGreaterThanOrEqual(centre - half);
	expect(value).toBeLessThanOrEqual(centre + half);
}
