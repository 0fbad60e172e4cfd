/**
 * Raw agreement between two raters: percent agreement, the confusion matrix,
 * and agreement of pairwise (A/B/tie) verdicts.
 *
 * Labels are strings or finite numbers compared with `===` (so 1 and "1" are
 * different categories); `null` marks a missing rating and drops that pair.
 */
import { assertArray, assertSameLength, codePairs, describe, type Label } from './validate';

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

/**
 * Agreement of two raters' pairwise verdicts ('A', 'B' or 'tie'), following
 * MT-Bench (Zheng et al. 2023, "Judging LLM-as-a-Judge with MT-Bench and
 * Chatbot Arena", agreement setups S1 and S2):
 * - `ties: 'include'` (S1, "w/ tie"): share of pairs with identical verdicts,
 *   tie = tie counting as agreement (random raters agree 1/3 of the time);
 * - `ties: 'exclude'` (S2, "w/o tie"): pairs where either side voted tie are
 *   dropped, then the share of identical A/B verdicts (random: 1/2).
 * Pairs with a `null` are skipped. Range [0, 1]. Throws if no pair is left.
 */
export function pairwiseAgreement(
	votesA: readonly (PairwiseVote | null)[],
	votesB: readonly (PairwiseVote | null)[],
	{ ties = 'include' }: { ties?: 'include' | 'exclude' } = {}
): number {
	if (ties !== 'include' && ties !== 'exclude') {
		throw new RangeError(`pairwiseAgreement: ties must be 'include' or 'exclude', got ${describe(ties)}`);
	}
	assertArray(votesA, 'pairwiseAgreement: votesA');
	assertArray(votesB, 'pairwiseAgreement: votesB');
	assertSameLength(votesA, votesB, ['votesA', 'votesB']);
	let used = 0;
	let agree = 0;
	for (let i = 0; i < votesA.length; i++) {
		const x = votesA[i];
		const y = votesB[i];
		for (const [v, name] of [
			[x, 'votesA'],
			[y, 'votesB']
		] as const) {
			if (v !== null && v !== 'A' && v !== 'B' && v !== 'tie') {
				throw new RangeError(`pairwiseAgreement: ${name}[${i}] must be 'A', 'B', 'tie' or null, got ${describe(v)}`);
			}
		}
		if (x === null || y === null) continue;
		if (ties === 'exclude' && (x === 'tie' || y === 'tie')) continue;
		used++;
		if (x === y) agree++;
	}
	if (used === 0) {
		throw new RangeError(`pairwiseAgreement: no pair left to compare (ties: '${ties}')`);
	}
	return agree / used;
}
