/**
 * A pass rate corrected for the judge's measured error rates.
 *
 * A judge that says "pass" with sensitivity Se = P(judge pass | truly pass)
 * and specificity Sp = P(judge fail | truly fail) reports an apparent pass
 * rate p = π·Se + (1 − π)(1 − Sp). Solving for the true rate π gives the
 * Rogan–Gladen estimator
 *   π̂ = (p̂ + Ŝp − 1) / (Ŝe + Ŝp − 1),
 * clipped to [0, 1] (Rogan & Gladen, "Estimating prevalence from the results
 * of a screening test", Am. J. Epidemiol. 107 (1978), 71–76). It needs
 * Se + Sp > 1 (a judge better than chance).
 *
 * Interval: delta method with the three proportions independent (p̂ from the
 * judged answers, Ŝe and Ŝp from the gold set), J = Ŝe + Ŝp − 1:
 *   Var(π̂) ≈ [p̂(1 − p̂)/n + π̂²·Ŝe(1 − Ŝe)/n₊ + (1 − π̂)²·Ŝp(1 − Ŝp)/n₋] / J²
 * (∂π/∂p = 1/J, ∂π/∂Se = −π/J, ∂π/∂Sp = (1 − π)/J; Greiner & Gardner,
 * Prev. Vet. Med. 45 (2000), 43–59; Lang & Reiczigel, Prev. Vet. Med. 113
 * (2014), 13–22, who show it under-covers for small gold sets — hence the
 * warning below 30 gold positives or negatives). π̂ ± z·√Var, clipped to
 * [0, 1]. Not valid when Ŝe + Ŝp ≤ 1: the estimate is then null.
 */
import { zCritical } from './distributions';
import { assertInteger, assertProbabilityLevel } from './validate';

export interface Proportion {
	successes: number;
	trials: number;
}

export interface RoganGladenInput {
	/** Judged answers the judge passed, out of all judged answers. */
	apparent: Proportion;
	/** Gold passes the judge also passed, out of gold passes. */
	sensitivity: Proportion;
	/** Gold failures the judge also failed, out of gold failures. */
	specificity: Proportion;
	level?: number;
	/** Below this many gold passes or failures a warning is added (default 30). */
	warnBelow?: number;
}

export interface RoganGladenResult {
	/** Corrected pass rate clipped to [0, 1]; null when Se + Sp ≤ 1. */
	estimate: number | null;
	/** Before clipping. */
	unclipped: number | null;
	ci: [number, number] | null;
	se: number | null;
	apparent: number;
	sensitivity: number;
	specificity: number;
	warnings: string[];
}

function check(p: Proportion, name: string): number {
	assertInteger(p.trials, `roganGladen: ${name}.trials`, 1);
	assertInteger(p.successes, `roganGladen: ${name}.successes`, 0);
	if (p.successes > p.trials) throw new RangeError(`roganGladen: ${name}.successes exceeds trials`);
	return p.successes / p.trials;
}

export function roganGladen({
	apparent,
	sensitivity,
	specificity,
	level = 0.95,
	warnBelow = 30
}: RoganGladenInput): RoganGladenResult {
	assertProbabilityLevel(level, 'roganGladen: level');
	const p = check(apparent, 'apparent');
	const se = check(sensitivity, 'sensitivity');
	const sp = check(specificity, 'specificity');
	const warnings: string[] = [];
	if (sensitivity.trials < warnBelow || specificity.trials < warnBelow) {
		warnings.push(`fewer than ${warnBelow} gold passes or failures: the interval may be too narrow`);
	}
	const j = se + sp - 1;
	const base = { apparent: p, sensitivity: se, specificity: sp };
	if (!(j > 0)) {
		warnings.push('the judge is no better than chance (sensitivity + specificity ≤ 1): no correction');
		return { estimate: null, unclipped: null, ci: null, se: null, ...base, warnings };
	}
	const pi = (p + sp - 1) / j;
	const clipped = Math.min(1, Math.max(0, pi));
	const variance =
		((p * (1 - p)) / apparent.trials +
			clipped ** 2 * ((se * (1 - se)) / sensitivity.trials) +
			(1 - clipped) ** 2 * ((sp * (1 - sp)) / specificity.trials)) /
		(j * j);
	const sd = Math.sqrt(variance);
	const z = zCritical(level);
	return {
		estimate: clipped,
		unclipped: pi,
		ci: [Math.max(0, clipped - z * sd), Math.min(1, clipped + z * sd)],
		se: sd,
		...base,
		warnings
	};
}
