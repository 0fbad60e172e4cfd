/**
 * Position bias of a pairwise judge, from verdicts collected in both orders.
 *
 * An LLM judge shown answers (A, B) and then (B, A) should name the same
 * answer both times. Reference: Zheng et al., "Judging LLM-as-a-Judge with
 * MT-Bench and Chatbot Arena", NeurIPS 2023, §3.3 and Table 2 (consistency,
 * "biased toward first/second"); Wang et al., "Large Language Models are not
 * Fair Evaluators", ACL 2024 (the conflict rate when swapping).
 *
 * MT-Bench's Table 2 splits every item judged in both orders into four
 * outcomes that sum to 1: consistent (same verdict both times), biased toward
 * the first position, biased toward the second, and error (no usable verdict).
 * An item is biased toward first when the judge picked the first-shown answer
 * in at least one order and not the second-shown answer in either: a strict
 * flip (A first, then B first: it picked whichever came first) or a lean (one
 * order picks the first-shown answer, the other says tie). "Second" likewise.
 */
import type { PairwiseVote } from './agreement';
import { bootstrapIndexCIs, type BootstrapResult } from './bootstrap';
import { itemClusters } from './item-clusters';
import { assertArray, assertInteger, assertProbabilityLevel, describe } from './validate';
import { wilsonInterval } from './wilson';

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

/** A share of rows with its interval. */
export interface ShareEstimate {
	count: number;
	share: number;
	ci: [number, number];
	/** 'wilson' for independent rows; 'bootstrap' (percentile, by item cluster) when rows carry `item`. */
	method: 'wilson' | 'bootstrap';
}

/** MT-Bench Table 2 accounting over all rows; the four shares sum to 1. */
export interface PositionBreakdown {
	/** All rows, including those with a missing verdict. */
	rows: number;
	/** Same verdict in both orders (tie = tie included). */
	consistent: ShareEstimate;
	/** Strict flips toward the first-shown answer plus leans (first-shown once, tie once). */
	biasedFirst: ShareEstimate;
	/** Strict flips toward the second-shown answer plus leans. */
	biasedSecond: ShareEstimate;
	/** Rows with a null verdict in either order: the judge gave no usable answer. */
	error: ShareEstimate;
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
	/** Strict flips only: share of items where the judge chose the first-shown answer in both orders. */
	favoursFirst: number;
	/** Strict flips only: share of items where it chose the second-shown answer in both orders. */
	favoursSecond: number;
	/** Share of items with the first-shown answer picked in one order and a tie in the other. */
	leaningFirst: number;
	/** Share of items with the second-shown answer picked in one order and a tie in the other. */
	leaningSecond: number;
	/** Share of items with one tie and one decisive verdict (= leaningFirst + leaningSecond). */
	partial: number;
	/**
	 * MT-Bench Table 2 over all rows: consistent + biasedFirst + biasedSecond +
	 * error = 1, each with a Wilson interval (or a cluster bootstrap with `item`).
	 */
	breakdown: PositionBreakdown;
}

/**
 * Consistency, first-position preference and flip rate of a judge, each with
 * a percentile bootstrap CI over items (clusters when `item` is given).
 * Formulas, over the n items with both verdicts:
 *   consistency   = #{forward = reversed} / n
 *   firstPosition = (#{forward = A} + #{reversed = B}) / #decisive verdicts
 *   flipRate      = #{forward, reversed decisive and different} / n
 *                 = favoursFirst + favoursSecond
 *   leaningFirst  = #{(A, tie) or (tie, B)} / n      (first-shown once, tie once)
 *   leaningSecond = #{(B, tie) or (tie, A)} / n
 * Range [0, 1] each; consistency + flipRate + partial = 1 and
 * consistency + (favoursFirst + leaningFirst) + (favoursSecond + leaningSecond) = 1.
 * `breakdown` re-expresses this over all N rows, rows with a null verdict
 * counting as MT-Bench's "error": consistent + biasedFirst + biasedSecond +
 * error = 1 (Zheng et al. 2023, Table 2). Each share gets a Wilson score
 * interval, or, when rows carry `item`, a percentile bootstrap over items
 * (rows of one item are not independent, and Wilson would be too narrow).
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
	let leaningFirst = 0;
	let leaningSecond = 0;
	let partial = 0;
	rows.forEach(({ forward, reversed }, i) => {
		consistent[i] = forward === reversed ? 1 : 0;
		decisive[i] = (forward !== 'tie' ? 1 : 0) + (reversed !== 'tie' ? 1 : 0);
		// First shown: A in the forward run, B in the reversed run.
		firstPicks[i] = (forward === 'A' ? 1 : 0) + (reversed === 'B' ? 1 : 0);
		if (forward === 'A' && reversed === 'B') favoursFirst++;
		if (forward === 'B' && reversed === 'A') favoursSecond++;
		flip[i] = decisive[i] === 2 && forward !== reversed ? 1 : 0;
		if (decisive[i] === 1) {
			partial++;
			// One decisive verdict: it picked the first-shown answer (A forward, B reversed) or the second-shown.
			if (firstPicks[i] === 1) leaningFirst++;
			else leaningSecond++;
		}
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
	const breakdown = positionBreakdown(verdicts, { resamples, level, seed });
	return {
		n,
		skipped: verdicts.length - n,
		consistency,
		firstPosition: firstPosition ?? null,
		flipRate,
		favoursFirst: favoursFirst / n,
		favoursSecond: favoursSecond / n,
		leaningFirst: leaningFirst / n,
		leaningSecond: leaningSecond / n,
		partial: partial / n,
		breakdown
	};
}

/** Outcome codes of one row for the MT-Bench breakdown. */
const CONSISTENT = 0;
const FIRST = 1;
const SECOND = 2;
const ERROR = 3;

/** MT-Bench Table 2 shares over all rows (validated by the caller). */
function positionBreakdown(
	verdicts: readonly BothOrderVerdict[],
	{ resamples, level, seed }: { resamples: number; level: number; seed: number }
): PositionBreakdown {
	const rows = verdicts.length;
	const outcome = new Uint8Array(rows);
	const counts = [0, 0, 0, 0];
	verdicts.forEach(({ forward, reversed }, i) => {
		let o: number;
		if (forward === null || reversed === null) o = ERROR;
		else if (forward === reversed) o = CONSISTENT;
		// Not consistent: the row has at least one decisive verdict, and it cannot pick
		// both the first-shown and the second-shown answer without being a strict flip.
		else if (forward === 'A' || reversed === 'B') o = FIRST;
		else o = SECOND;
		outcome[i] = o;
		counts[o]++;
	});
	const clusters = itemClusters(
		verdicts.map((r) => r.item),
		'positionBias'
	);
	let cis: [number, number][];
	let method: ShareEstimate['method'];
	if (clusters === undefined) {
		method = 'wilson';
		cis = counts.map((c) => wilsonInterval(c, rows, level));
	} else {
		method = 'bootstrap';
		const stat = (idx: Int32Array, len: number, out: Float64Array) => {
			out.fill(0);
			for (let t = 0; t < len; t++) out[outcome[idx[t]]]++;
			for (let o = 0; o < 4; o++) out[o] /= len;
		};
		cis = bootstrapIndexCIs(stat, 4, rows, { resamples, level, seed, clusters }).map((r) => r.ci);
	}
	const share = (o: number): ShareEstimate => ({ count: counts[o], share: counts[o] / rows, ci: cis[o], method });
	return {
		rows,
		consistent: share(CONSISTENT),
		biasedFirst: share(FIRST),
		biasedSecond: share(SECOND),
		error: share(ERROR)
	};
}
