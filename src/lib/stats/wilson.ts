/**
 * Wilson score interval for a binomial proportion.
 *
 * For x successes in n trials, p̂ = x/n and z = Φ⁻¹(1 − (1 − level)/2):
 *   centre = (p̂ + z²/(2n)) / (1 + z²/n)
 *   half   = z/(1 + z²/n) · √(p̂(1 − p̂)/n + z²/(4n²))
 *   CI     = [centre − half, centre + half]
 * Inverting the score test keeps the interval inside [0, 1] and gives it a
 * non-zero width at x = 0 or x = n (where the Wald interval collapses to a
 * point); its coverage stays close to nominal for small n (Brown, Cai &
 * DasGupta 2001). Assumes independent trials: with clustered rows use a
 * cluster bootstrap instead.
 *
 * Reference: Wilson, E. B. (1927). Probable inference, the law of succession,
 * and statistical inference. JASA 22, 209–212; Brown, L. D., Cai, T. T., &
 * DasGupta, A. (2001). Interval estimation for a binomial proportion. Statist.
 * Sci. 16, 101–133.
 */
import { zCritical } from './distributions';
import { assertInteger, assertProbabilityLevel } from './validate';

export function wilsonInterval(successes: number, trials: number, level = 0.95): [number, number] {
	assertInteger(trials, 'wilsonInterval: trials', 1);
	assertInteger(successes, 'wilsonInterval: successes', 0);
	if (successes > trials) {
		throw new RangeError(`wilsonInterval: successes (${successes}) must not exceed trials (${trials})`);
	}
	assertProbabilityLevel(level, 'wilsonInterval: level');
	const z = zCritical(level);
	const p = successes / trials;
	const z2n = (z * z) / trials;
	const centre = (p + z2n / 2) / (1 + z2n);
	const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials));
	// Exact ends at 0 and n; clamp rounding elsewhere.
	return [successes === 0 ? 0 : Math.max(0, centre - half), successes === trials ? 1 : Math.min(1, centre + half)];
}
