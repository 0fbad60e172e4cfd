/**
 * Position bias of a pairwise judge, from verdicts collected in both orders.
 *
 * An LLM judge shown answers (A, B) and then (B, A) should name the same
 * answer both times. Reference: Zheng et al., "Judging LLM-as-a-Judge with
 * MT-Bench and Chatbot Arena", NeurIPS 2023, §3.3 and Table 2 (consistency,
 * "biased toward first/second"); Wang et al., "Large Language Models are not
 * Fair Evaluators", ACL 2024 (the conflict rate when swapping).
 */
import type { PairwiseVote } from './agreement';
import { bootstrapIndexCIs, type BootstrapResult } from './bootstrap';
import { itemClusters } from './item-clusters';
import { assertArray, assertInteger, assertProbabilityLevel, describe } from './validate';

/**
 * One item judged twice. Both verdicts use the ORIGINAL answer labels:
 * 'A' always means the answer that was shown first in the forward order.
 * If your judge reports the swapped run in shown positions ("the first one
 * shown is better"), convert with `reversed: swapVerdict(shownVerdict)`.
 */
export interface BothOrderVerdict {
	/** Verdict with A shown first. */
	forward: PairwiseVote | null;
	/** Verdict with B shown first, in original labels. */
	reversed: PairwiseVote | null;
	/** Optional cluster key (e.g. prompt id) when several rows share an item. */
	item?: string | number;
}

/** Map a verdict between original labels and shown positions of the swapped run ('A' ↔ 'B'). */
export function swapVerdict(v: PairwiseVote | null): PairwiseVote | null {
	return v === 'A' ? 'B' : v === 'B' ? 'A' : v;
}

export interface PositionBiasResult {
	/** Items with both verdicts present. */
	n: number;
	/** Rows skipped because a verdict was null. */
	skipped: number;
	/** Share of items whose two verdicts are identical (tie = tie counts). 1 = position-invariant. */
	consistency: BootstrapResult;
	/**
	 * Share of decisive verdicts (over both orders) that chose the answer shown
	 * first; 0.5 = no position preference. Null if no verdict was decisive.
	 */
	firstPosition: BootstrapResult | null;
	/** Share of items with two decisive verdicts naming different answers: the judge followed the position. */
	flipRate: BootstrapResult;
	/** Share of items where the judge chose the first-shown answer both times (MT-Bench "biased toward first"). */
	favoursFirst: number;
	/** Share of items where it chose the second-shown answer both times. */
	favoursSecond: number;
	/** Share of items with one tie and one decisive verdict. */
	partial: number;
}

/**
 * Consistency, first-position preference and flip rate of a judge, each with
 * a percentile bootstrap CI over items (clusters when `item` is given).
 * Formulas, over the n items with both verdicts:
 *   consistency   = #{forward = reversed} / n
 *   firstPosition = (#{forward = A} + #{reversed = B}) / #decisive verdicts
 *   flipRate      = #{forward, reversed decisive and different} / n
 *                 = favoursFirst + favoursSecond
 * Range [0, 1] each; consistency + flipRate + partial = 1.
 */
export function positionBias(
	verdicts: readonly BothOrderVerdict[],
	{ resamples = 1000, level = 0.95, seed = 1 }: { resamples?: number; level?: number; seed?: number } = {}
): PositionBiasResult {
	assertArray(verdicts, 'positionBias: verdicts');
	assertInteger(resamples, 'positionBias: resamples', 2);
	assertProbabilityLevel(level, 'positionBias: level');
	const rows: BothOrderVerdict[] = [];
	verdicts.forEach((row, i) => {
		if (row === null || typeof row !== 'object') throw new TypeError(`positionBias: verdicts[${i}] must be an object`);
		for (const key of ['forward', 'reversed'] as const) {
			const v = row[key];
			if (v !== null && v !== 'A' && v !== 'B' && v !== 'tie') {
				throw new TypeError(`positionBias: verdicts[${i}].${key} must be 'A', 'B', 'tie' or null, got ${describe(v)}`);
			}
		}
		if (row.forward !== null && row.reversed !== null) rows.push(row);
	});
	const n = rows.length;
	if (n === 0) throw new RangeError('positionBias: no item has both verdicts');
	const clusters = itemClusters(
		rows.map((r) => r.item),
		'positionBias'
	);

	// Per-item counts in typed arrays so each resample is a few index loops.
	const consistent = new Uint8Array(n);
	const flip = new Uint8Array(n);
	const decisive = new Uint8Array(n);
	const firstPicks = new Uint8Array(n);
	let favoursFirst = 0;
	let favoursSecond = 0;
	let partial = 0;
	rows.forEach(({ forward, reversed }, i) => {
		consistent[i] = forward === reversed ? 1 : 0;
		decisive[i] = (forward !== 'tie' ? 1 : 0) + (reversed !== 'tie' ? 1 : 0);
		// First shown: A in the forward run, B in the reversed run.
		firstPicks[i] = (forward === 'A' ? 1 : 0) + (reversed === 'B' ? 1 : 0);
		if (forward === 'A' && reversed === 'B') favoursFirst++;
		if (forward === 'B' && reversed === 'A') favoursSecond++;
		flip[i] = decisive[i] === 2 && forward !== reversed ? 1 : 0;
		if (decisive[i] === 1) partial++;
	});
	const anyDecisive = decisive.some((d) => d > 0);
	// One pass per resample computes all three shares on the same resample.
	const statistic = (idx: Int32Array, len: number, out: Float64Array) => {
		let same = 0;
		let flips = 0;
		let first = 0;
		let dec = 0;
		for (let t = 0; t < len; t++) {
			const i = idx[t];
			same += consistent[i];
			flips += flip[i];
			first += firstPicks[i];
			dec += decisive[i];
		}
		out[0] = same / len;
		out[1] = flips / len;
		// NaN when a resample has no decisive verdict: the bootstrap reports it.
		if (anyDecisive) out[2] = first / dec;
	};
	const [consistency, flipRate, firstPosition] = bootstrapIndexCIs(statistic, anyDecisive ? 3 : 2, n, {
		resamples,
		level,
		seed,
		clusters
	});
	return {
		n,
		skipped: verdicts.length - n,
		consistency,
		firstPosition: firstPosition ?? null,
		flipRate,
		favoursFirst: favoursFirst / n,
		favoursSecond: favoursSecond / n,
		partial: partial / n
	};
}
