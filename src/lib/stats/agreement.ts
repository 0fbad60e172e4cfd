/**
 * Raw agreement between two raters: percent agreement and the confusion
 * matrix. Pairwise (A/B/tie) verdicts: see pairwise-agreement.ts.
 *
 * Labels are strings or finite numbers compared with `===` (so 1 and "1" are
 * different categories); `null` marks a missing rating and drops that pair.
 */
import { codePairs, type Label } from './validate';

export type { Label };

/** Pairwise verdict: which of two answers a rater preferred. */
export type PairwiseVote = 'A' | 'B' | 'tie';

/**
 * Percent agreement p_o = (1/n) Σ 1[a_i = b_i] over the n items both raters
 * labelled. Range [0, 1]. No chance correction: with a skewed label
 * distribution it is high even for raters who guess, so report κ or α beside it.
 */
export function percentAgreement(a: readonly (Label | null)[], b: readonly (Label | null)[]): number {
	const { a: ca, b: cb } = codePairs(a, b, 'percentAgreement');
	let agree = 0;
	for (let i = 0; i < ca.length; i++) if (ca[i] === cb[i]) agree++;
	return agree / ca.length;
}

/**
 * Confusion matrix: matrix[i][j] = number of items rater `a` put in
 * categories[i] and rater `b` in categories[j] (rows a, columns b). Pairs with
 * a `null` are skipped. `categories` fixes the order and lets you include
 * categories nobody used; a label outside it throws.
 */
export function confusionMatrix(
	a: readonly (Label | null)[],
	b: readonly (Label | null)[],
	categories?: readonly Label[]
): { categories: Label[]; matrix: number[][] } {
	const coded = codePairs(a, b, 'confusionMatrix', categories);
	const k = coded.categories.length;
	const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
	for (let i = 0; i < coded.a.length; i++) matrix[coded.a[i]][coded.b[i]]++;
	return { categories: coded.categories, matrix };
}
