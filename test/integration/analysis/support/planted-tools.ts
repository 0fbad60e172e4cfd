/**
 * Shared by the planted analysis tests: a tiny seeded generator and the
 * interval check. Which answer of a pair is A (and the order rows come back
 * in) follows row ids, so a seeded draw still differs between runs: `inside`
 * widens a reported 95% interval about its centre to 99.9% (× 3.29 / 1.96, the
 * normal quantiles), so a miss means a biased estimate rather than bad luck.
 */
import { expect } from 'vitest';
import { mulberry32 } from '../../../support/mulberry32';

/** The planted tests' seeded generator. */
export const rng = mulberry32;

const WIDEN_TO_999 = 3.2905 / 1.96;

export function inside(value: number, ci: [number, number] | null | undefined) {
	expect(ci).toBeTruthy();
	const centre = (ci![0] + ci![1]) / 2;
	const half = ((ci![1] - ci![0]) / 2) * WIDEN_TO_999;
	expect(value).toBeGreaterThanOrEqual(centre - half);
	expect(value).toBeLessThanOrEqual(centre + half);
}
