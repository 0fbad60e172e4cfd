/**
 * Item (question) quality: does a question separate the systems, and do raters agree on it.
 *
 * Discrimination, from a questions × systems matrix of outcomes s[i][k] in [0, 1] (a system's
 * mean result on question i: win share of its comparisons, or a normalised score):
 *
 *   spread_i    = √( (1/K_i) Σ_k (s[i][k] − s̄_i)² )                 population SD over the K_i
 *                 systems with an outcome; 0 = every system did the same on this question
 *   itemRest_i  = r( s[i][·], t_{−i}[·] ),  t_{−i}[k] = mean_{j ≠ i} s[j][k]
 *                 Pearson's r between the question's outcomes and each system's mean over the
 *                 OTHER questions: the corrected item–total (item–rest) correlation of classical
 *                 test theory (Lord & Novick 1968, §15.7; Nunnally & Bernstein 1994, ch. 8), with
 *                 systems in the role of examinees. Low or negative: the question ranks systems
 *                 against the rest of the set (wrong key, ambiguous, or noise). Null with fewer
 *                 than 3 systems, or when either side is constant (r undefined).
 *
 * Disagreement on one subject (a comparison or an answer) rated n ≥ 2 times, with n_j ratings
 * in category j — the complement of Fleiss' (1971) per-subject agreement:
 *
 *   P_i = (Σ_j n_j² − n) / (n (n − 1)),      disagreement = 1 − P_i
 *
 * i.e. the share of ordered pairs of ratings that differ: 0 when all agree; with 3 ratings, 2/3
 * when two agree and one differs, 1 when all three differ.
 *
 * References: Fleiss, J. L. (1971) Psychol. Bull. 76, 378–382; Lord, F. M. & Novick, M. R. (1968)
 * Statistical Theories of Mental Test Scores; Nunnally, J. C. & Bernstein, I. H. (1994)
 * Psychometric Theory, 3rd ed.
 */
import { pearson } from './correlation';
import { assertArray, assertFiniteNumbers, assertNonEmpty } from './validate';

/** 1 − Fleiss' P_i for one subject's category counts; null with fewer than 2 ratings. */
export function subjectDisagreement(counts: readonly number[]): number | null {
	assertArray(counts, 'subjectDisagreement: counts');
	assertFiniteNumbers(counts, 'subjectDisagreement: counts');
	let n = 0;
	let squares = 0;
	for (const c of counts) {
		if (c < 0 || !Number.isInteger(c))
			throw new RangeError(`subjectDisagreement: counts must be non-negative integers, got ${c}`);
		n += c;
		squares += c * c;
	}
	if (n < 2) return null;
	return 1 - (squares - n) / (n * (n - 1));
}

export interface ItemDiscrimination {
	/** Systems with an outcome on this item. */
	systems: number;
	/** Population SD of the systems' outcomes on this item (0 … 0.5 for outcomes in [0, 1]). */
	spread: number | null;
	/** Corrected item–rest correlation over systems; null when undefined. */
	itemRest: number | null;
}

/**
 * Spread and item–rest correlation of each row of `outcomes` (items × systems, values in [0, 1],
 * null = that system has no outcome on that item).
 */
export function itemDiscrimination(outcomes: readonly (readonly (number | null)[])[]): ItemDiscrimination[] {
	assertArray(outcomes, 'itemDiscrimination: outcomes');
	assertNonEmpty(outcomes, 'itemDiscrimination: outcomes');
	const k = outcomes[0].length;
	const sums = new Float64Array(k);
	const counts = new Float64Array(k);
	for (const row of outcomes) {
		assertArray(row, 'itemDiscrimination: outcomes row');
		if (row.length !== k) throw new RangeError(`itemDiscrimination: every row needs ${k} systems, got ${row.length}`);
		assertFiniteNumbers(row, 'itemDiscrimination: outcomes row', { allowNull: true });
		row.forEach((v, s) => {
			if (v === null) return;
			if (v < 0 || v > 1) throw new RangeError(`itemDiscrimination: outcomes must be in [0, 1], got ${v}`);
			sums[s] += v;
			counts[s]++;
		});
	}
	return outcomes.map((row) => {
		const present = row.filter((v): v is number => v !== null);
		const mean = present.reduce((a, b) => a + b, 0) / (present.length || 1);
		const spread = present.length ? Math.sqrt(present.reduce((a, v) => a + (v - mean) ** 2, 0) / present.length) : null;
		const x: number[] = [];
		const y: number[] = [];
		row.forEach((v, s) => {
			const restCount = counts[s] - (v === null ? 0 : 1);
			if (v === null || restCount === 0) return;
			x.push(v);
			y.push((sums[s] - v) / restCount);
		});
		let itemRest: number | null = null;
		if (x.length >= 3) {
			try {
				itemRest = pearson(x, y);
			} catch (error) {
				if (!(error instanceof RangeError)) throw error;
			}
		}
		return { systems: present.length, spread, itemRest };
	});
}
