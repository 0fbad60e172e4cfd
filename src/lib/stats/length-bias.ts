/**
 * Verbosity (length) bias of a judge: does it prefer longer answers, and do
 * its scores rise with length?
 *
 * References: Zheng et al., "Judging LLM-as-a-Judge with MT-Bench and Chatbot
 * Arena", NeurIPS 2023, §3.3 (verbosity bias); Dubois et al.,
 * "Length-Controlled AlpacaEval", arXiv:2404.04475 (2024). A preference for
 * the longer answer is not proof of bias — longer answers are sometimes
 * better; compare with humans on the same pairs, or use
 * `lengthControlledWinRate` to adjust for it.
 */
import type { PairwiseVote } from './agreement';
import { bootstrapIndexCI, type BootstrapResult } from './bootstrap';
import { spearman } from './correlation';
import { itemClusters } from './item-clusters';
import { resampleSpearman } from './resample-spearman';
import { assertArray, assertInteger, assertProbabilityLevel, describe } from './validate';

/** A pairwise judgment with the two answers' lengths (any unit: characters, tokens, words). */
export interface LengthPair {
	lengthA: number;
	lengthB: number;
	/** 'A' | 'B' | 'tie', or a soft preference P(B preferred) in [0, 1]; null = missing. */
	verdict: PairwiseVote | number | null;
	item?: string | number;
}

/** A pointwise judge score and the answer's length. */
export interface LengthScore {
	length: number;
	score: number | null;
	item?: string | number;
}

export interface LengthBiasOptions {
	pairs?: readonly LengthPair[];
	scores?: readonly LengthScore[];
	resamples?: number;
	level?: number;
	seed?: number;
}

export interface LengthBiasResult {
	/** P(judge prefers the longer answer), over the n usable pairs; 0.5 = no length preference. */
	prefersLonger: (BootstrapResult & { n: number }) | null;
	/** Spearman ρ between answer length and judge score over n scored answers. */
	scoreCorrelation: (BootstrapResult & { n: number }) | null;
}

/**
 * Length bias with percentile bootstrap CIs (resampling pairs / scored
 * answers, or their `item` clusters).
 *
 * prefersLonger = (1/n) Σ_i c_i over pairs with lengthA ≠ lengthB, where
 * c_i = 1 if the longer answer won, 0 if the shorter won, ½ for a tie; a
 * soft preference p = P(B preferred) contributes p if B is longer, 1 − p if A
 * is longer (the expected share, as AlpacaEval counts soft wins). A hard tie
 * is the soft preference 0.5 and counts exactly like it (dropping hard ties
 * while counting soft 0.5s made the figure depend on how the judge's output
 * was stored). Range [0, 1].
 * scoreCorrelation = Spearman's ρ(length, score) (average ranks for ties),
 * range [−1, 1]; > 0 means longer answers get higher scores.
 */
export function lengthBias({
	pairs,
	scores,
	resamples = 1000,
	level = 0.95,
	seed = 1
}: LengthBiasOptions): LengthBiasResult {
	if (pairs === undefined && scores === undefined) throw new TypeError('lengthBias: pass pairs, scores or both');
	assertInteger(resamples, 'lengthBias: resamples', 2);
	assertProbabilityLevel(level, 'lengthBias: level');
	const options = { resamples, level, seed };
	let prefersLonger: LengthBiasResult['prefersLonger'] = null;
	if (pairs !== undefined) {
		assertArray(pairs, 'lengthBias: pairs');
		const values: number[] = [];
		const keys: (string | number | undefined)[] = [];
		pairs.forEach((p, i) => {
			if (p === null || typeof p !== 'object') throw new TypeError(`lengthBias: pairs[${i}] must be an object`);
			checkLength(p.lengthA, `pairs[${i}].lengthA`);
			checkLength(p.lengthB, `pairs[${i}].lengthB`);
			const v = p.verdict;
			let preferB: number;
			if (v === null) return;
			if (v === 'A' || v === 'B') preferB = v === 'B' ? 1 : 0;
			else if (v === 'tie') preferB = 0.5;
			else if (typeof v === 'number' && v >= 0 && v <= 1) preferB = v;
			else if (typeof v === 'number')
				throw new RangeError(`lengthBias: pairs[${i}].verdict must be in [0, 1], got ${v}`);
			else
				throw new TypeError(
					`lengthBias: pairs[${i}].verdict must be 'A', 'B', 'tie', a number in [0, 1] or null, got ${describe(v)}`
				);
			if (p.lengthA === p.lengthB) return;
			values.push(p.lengthB > p.lengthA ? preferB : 1 - preferB);
			keys.push(p.item);
		});
		if (values.length === 0) throw new RangeError('lengthBias: no pair with different lengths and a verdict');
		const v = Float64Array.from(values);
		const stat = (idx: Int32Array, len: number): number => {
			let s = 0;
			for (let t = 0; t < len; t++) s += v[idx[t]];
			return s / len;
		};
		prefersLonger = {
			...bootstrapIndexCI(stat, v.length, { ...options, clusters: itemClusters(keys, 'lengthBias: pairs') }),
			n: v.length
		};
	}
	let scoreCorrelation: LengthBiasResult['scoreCorrelation'] = null;
	if (scores !== undefined) {
		assertArray(scores, 'lengthBias: scores');
		const lengths: number[] = [];
		const values: number[] = [];
		const keys: (string | number | undefined)[] = [];
		scores.forEach((s, i) => {
			if (s === null || typeof s !== 'object') throw new TypeError(`lengthBias: scores[${i}] must be an object`);
			checkLength(s.length, `scores[${i}].length`);
			if (s.score === null) return;
			if (typeof s.score !== 'number' || !Number.isFinite(s.score)) {
				throw new TypeError(`lengthBias: scores[${i}].score must be a finite number or null, got ${describe(s.score)}`);
			}
			lengths.push(s.length);
			values.push(s.score);
			keys.push(s.item);
		});
		const x = Float64Array.from(lengths);
		const y = Float64Array.from(values);
		if (x.length < 2) throw new RangeError(`lengthBias: need at least 2 scored answers, got ${x.length}`);
		spearman(x, y); // full-data check: throws a clear RangeError if lengths or scores are constant
		const stat = resampleSpearman(x, y);
		scoreCorrelation = {
			...bootstrapIndexCI(stat, x.length, { ...options, clusters: itemClusters(keys, 'lengthBias: scores') }),
			n: x.length
		};
	}
	return { prefersLonger, scoreCorrelation };
}

function checkLength(v: unknown, where: string): void {
	if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
		throw new RangeError(`lengthBias: ${where} must be a finite number ≥ 0, got ${describe(v)}`);
	}
}
