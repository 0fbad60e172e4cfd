/**
 * Agreement of two raters' pairwise verdicts ('A', 'B' or 'tie'), on the
 * ordered scale A < tie < B by default, and the MT-Bench merge of a judge's
 * two orders into one verdict.
 *
 * Why ordinal: a tie sits between "A is better" and "B is better". Nominal κ
 * and α count a judge that says tie where the human said A as far off as one
 * that says B; on the ordered scale ['A', 'tie', 'B'] the near miss costs half
 * (linear weights) and only a reversal costs the full distance.
 *
 * Figures, over the n pairs where both verdicts are present:
 * - `withTies`    = #{judge = human} / n (MT-Bench agreement "w/ tie", setup S1);
 * - `withoutTies` = the same share over pairs where neither side said tie ("w/o tie", S2);
 * - `ordinal.kappa` = linear-weighted Cohen κ with d(A) = 0, d(tie) = 1, d(B) = 2:
 *     κ_w = 1 − Σ w_ij p_ij / Σ w_ij p_i· p_·j,  w_ij = |d_i − d_j|  (Cohen 1968);
 * - `ordinal.alpha` = Krippendorff's α with the ordinal (rank) metric over
 *   ['A', 'tie', 'B'] (Krippendorff 2011), the two raters as coders;
 * - `nominal` (only with `scale: 'nominal'`, reported beside the ordinal
 *   figures, never instead of them): unweighted κ (Cohen 1960) and nominal α.
 * Edges: pairs with a null are skipped; κ and α are null (not 0, not NaN)
 * when undefined — every verdict of both raters in one category, so chance
 * agreement is 1; `withoutTies` is null when every pair has a tie.
 *
 * References: Zheng et al., "Judging LLM-as-a-Judge with MT-Bench and Chatbot
 * Arena", NeurIPS 2023 Datasets and Benchmarks, §3.4 (conservative merge of
 * both orders) and §4.2 (agreement setups S1/S2); Cohen (1968) Psychol. Bull.
 * 70, 213–220; Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability".
 */
import type { PairwiseVote } from './agreement';
import { cohenKappa } from './cohen-kappa';
import { krippendorffAlpha } from './krippendorff-alpha';
import { assertArray, assertSameLength, describe } from './validate';

/** The order of the pairwise verdict scale: a tie lies between the two wins. */
export const PAIRWISE_SCALE: readonly PairwiseVote[] = ['A', 'tie', 'B'];

export interface PairwiseAgreementOptions {
	/** 'ordinal' (default): A < tie < B. 'nominal': also report nominal κ and α beside the ordinal ones. */
	scale?: 'ordinal' | 'nominal';
}

/** κ and α; null where undefined (every verdict of both raters in one category: p_e = 1 / D_e = 0). */
export interface ChanceCorrected {
	kappa: number | null;
	alpha: number | null;
}

export interface PairwiseAgreementResult {
	/** Pairs with both verdicts present. */
	n: number;
	/** Share of identical verdicts, tie = tie counting as agreement (MT-Bench "w/ tie"). */
	withTies: number;
	/** Share of identical verdicts over pairs without any tie (MT-Bench "w/o tie"); null if none. */
	withoutTies: number | null;
	/** Pairs where neither side said tie. */
	nWithoutTies: number;
	/** Linear-weighted κ and ordinal α on ['A', 'tie', 'B']. */
	ordinal: ChanceCorrected;
	/** Unweighted κ and nominal α; only when asked with `scale: 'nominal'`. */
	nominal?: ChanceCorrected;
}

function checkVotes(votes: readonly (PairwiseVote | null)[], name: string): void {
	assertArray(votes, `pairwiseAgreement: ${name}`);
	votes.forEach((v, i) => {
		if (v !== null && v !== 'A' && v !== 'B' && v !== 'tie') {
			throw new RangeError(`pairwiseAgreement: ${name}[${i}] must be 'A', 'B', 'tie' or null, got ${describe(v)}`);
		}
	});
}

/**
 * Agreement of a judge with a human (or any two raters) on pairwise verdicts;
 * see the module docblock. Throws on unequal lengths, an unknown verdict or
 * no complete pair.
 */
export function pairwiseAgreement(
	judge: readonly (PairwiseVote | null)[],
	human: readonly (PairwiseVote | null)[],
	{ scale = 'ordinal' }: PairwiseAgreementOptions = {}
): PairwiseAgreementResult {
	if (scale !== 'ordinal' && scale !== 'nominal') {
		throw new RangeError(`pairwiseAgreement: scale must be 'ordinal' or 'nominal', got ${describe(scale)}`);
	}
	checkVotes(judge, 'judge');
	checkVotes(human, 'human');
	assertSameLength(judge, human, ['judge', 'human']);
	let n = 0;
	let same = 0;
	let noTie = 0;
	let sameNoTie = 0;
	for (let i = 0; i < judge.length; i++) {
		const x = judge[i];
		const y = human[i];
		if (x === null || y === null) continue;
		n++;
		if (x === y) same++;
		if (x !== 'tie' && y !== 'tie') {
			noTie++;
			if (x === y) sameNoTie++;
		}
	}
	if (n === 0) throw new RangeError('pairwiseAgreement: no pair has both verdicts');
	const categories = PAIRWISE_SCALE;
	const result: PairwiseAgreementResult = {
		n,
		withTies: same / n,
		withoutTies: noTie > 0 ? sameNoTie / noTie : null,
		nWithoutTies: noTie,
		ordinal: {
			kappa: orNull(() => cohenKappa(judge, human, { weights: 'linear', categories })),
			alpha: orNull(() => krippendorffAlpha([judge, human], { level: 'ordinal', categories }))
		}
	};
	if (scale === 'nominal') {
		result.nominal = {
			kappa: orNull(() => cohenKappa(judge, human, { categories })),
			alpha: orNull(() => krippendorffAlpha([judge, human], { level: 'nominal', categories }))
		};
	}
	return result;
}

/**
 * The input is validated above, so the only RangeError left is "undefined on
 * these data" (a single category): report it as null beside the raw shares.
 */
function orNull(compute: () => number): number | null {
	try {
		return compute();
	} catch (e) {
		if (e instanceof RangeError) return null;
		throw e;
	}
}

/**
 * MT-Bench's conservative merge of a judge's verdicts in both orders into one
 * verdict (Zheng et al. 2023, §3.4): a win only when the same answer is
 * preferred in both orders; any inconsistency (a flip, or a tie in one order
 * only) becomes a tie; a tie in both stays a tie. Both verdicts in original
 * labels ('A' = the answer shown first in the forward run; convert a swapped
 * run stated in shown positions with `swapVerdict`). A null in either order
 * gives null (no verdict to pair with a human vote).
 */
export function mergeBothOrders(forward: PairwiseVote | null, reversed: PairwiseVote | null): PairwiseVote | null {
	for (const [v, name] of [
		[forward, 'forward'],
		[reversed, 'reversed']
	] as const) {
		if (v !== null && v !== 'A' && v !== 'B' && v !== 'tie') {
			throw new RangeError(`mergeBothOrders: ${name} must be 'A', 'B', 'tie' or null, got ${describe(v)}`);
		}
	}
	if (forward === null || reversed === null) return null;
	return forward === reversed ? forward : 'tie';
}
