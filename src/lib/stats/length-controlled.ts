/**
 * Length-controlled win rate: the win rate a model would have against a
 * baseline if its answers were as long as the baseline's.
 *
 * Reference: Dubois, Galambosi, Liang & Hashimoto, "Length-Controlled
 * AlpacaEval: A Simple Way to Debias Automatic Evaluators", arXiv:2404.04475
 * (2024). Their GLM regresses the judge's preference on a model term, an
 * instruction-difficulty term and tanh(standardised length difference), then
 * predicts with the length difference set to 0. We fit the core of it for one
 * model–baseline pair:
 *   logit P(model wins item i) = β₀ + β₁·tanh((len_model,i − len_baseline,i) / s),
 *   s = standard deviation (ddof 1) of the length differences,
 * and report LC = mean_i σ(β₀) = σ(β₀) (the length term zeroed). Differences
 * from AlpacaEval's own code: no instruction-difficulty term (it is estimated
 * across many models), no L1 penalty or cross-validated C, and the difference
 * is model − baseline (AlpacaEval uses baseline − model: β₁ flips sign, LC is
 * unchanged). AlpacaEval measures length in characters.
 */
import { bootstrapIndexCIs } from './bootstrap';
import { itemClusters } from './item-clusters';
import { fitLogistic, sigmoid } from './logistic';
import { assertArray, assertInteger, assertProbabilityLevel, describe } from './validate';

export interface LengthControlledItem {
	/** P(model beats baseline) on this item: 1 win, 0 loss, 0.5 tie, or a soft preference; null = missing. */
	win: number | null;
	modelLength: number;
	baselineLength: number;
	item?: string | number;
}

export interface LengthControlledOptions {
	/** Divisor s of the length difference: 'std' (default, re-estimated on each resample) or a fixed positive number. */
	scale?: 'std' | number;
	/** Ridge penalty on β (default 0, the plain MLE); use > 0 if all outcomes are wins or all losses. */
	l2?: number;
	resamples?: number;
	level?: number;
	seed?: number;
}

export interface LengthControlledResult {
	/** Length-controlled win rate σ(β₀), in [0, 1]. */
	winRate: number;
	/** Percentile bootstrap CI of `winRate` (items resampled, model refitted). */
	ci: [number, number];
	/** Mean of `win`: the plain (soft) win rate. */
	rawWinRate: number;
	rawCi: [number, number];
	coefficients: { intercept: number; length: number };
	/** The s used on the full data. */
	scale: number;
	/**
	 * Share of items where the model's answer is longer. Near 0 or 1 the
	 * length-zeroed prediction extrapolates beyond the data and the LC rate
	 * rests on the tanh shape: read it with its (wide) CI.
	 */
	modelLongerShare: number;
	n: number;
	resamples: number;
	level: number;
}

/** AlpacaEval stores preference p ∈ [1, 2] (2 = output_2, the model, wins; 0 = tie in old files): P(model wins) = p − 1. */
export function alpacaPreferenceToWin(preference: number): number {
	if (typeof preference !== 'number' || !Number.isFinite(preference))
		throw new TypeError(`alpacaPreferenceToWin: preference must be a finite number, got ${describe(preference)}`);
	if (preference === 0) return 0.5;
	if (preference < 1 || preference > 2)
		throw new RangeError(`alpacaPreferenceToWin: preference must be in [1, 2] (or 0 for a tie), got ${preference}`);
	return preference - 1;
}

/**
 * Fit the length-controlled model and bootstrap it. Items with `win = null`
 * are skipped; needs ≥ 2 items with different length differences (else the
 * length term is not identifiable — a RangeError).
 */
export function lengthControlledWinRate(
	items: readonly LengthControlledItem[],
	options: LengthControlledOptions = {}
): LengthControlledResult {
	const { scale = 'std', l2 = 0, resamples = 1000, level = 0.95, seed = 1 } = options;
	assertArray(items, 'lengthControlledWinRate: items');
	assertInteger(resamples, 'lengthControlledWinRate: resamples', 2);
	assertProbabilityLevel(level, 'lengthControlledWinRate: level');
	if (scale !== 'std' && !(typeof scale === 'number' && scale > 0 && Number.isFinite(scale))) {
		throw new RangeError(`lengthControlledWinRate: scale must be 'std' or a positive number, got ${describe(scale)}`);
	}
	const wins: number[] = [];
	const diffs: number[] = [];
	const keys: (string | number | undefined)[] = [];
	items.forEach((it, i) => {
		if (it === null || typeof it !== 'object')
			throw new TypeError(`lengthControlledWinRate: items[${i}] must be an object`);
		for (const key of ['modelLength', 'baselineLength'] as const) {
			const v = it[key];
			if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
				throw new RangeError(
					`lengthControlledWinRate: items[${i}].${key} must be a finite number ≥ 0, got ${describe(v)}`
				);
		}
		if (it.win === null) return;
		if (typeof it.win !== 'number' || !(it.win >= 0 && it.win <= 1))
			throw new RangeError(
				`lengthControlledWinRate: items[${i}].win must be in [0, 1] or null, got ${describe(it.win)}`
			);
		wins.push(it.win);
		diffs.push(it.modelLength - it.baselineLength);
		keys.push(it.item);
	});
	const n = wins.length;
	if (n < 2) throw new RangeError(`lengthControlledWinRate: need at least 2 items with a verdict, got ${n}`);
	const y = Float64Array.from(wins);
	const d = Float64Array.from(diffs);
	// Workspace reused by every resample: frequency weights, the tanh column, the intercept column.
	const weights = new Float64Array(n);
	const feature = new Float64Array(n);
	const ones = new Float64Array(n).fill(1);

	const fit = (idx: Int32Array, len: number, start?: Float64Array) => {
		weights.fill(0);
		for (let t = 0; t < len; t++) weights[idx[t]]++;
		let s = typeof scale === 'number' ? scale : 0;
		if (scale === 'std') {
			let mean = 0;
			for (let t = 0; t < len; t++) mean += d[idx[t]];
			mean /= len;
			let ss = 0;
			for (let t = 0; t < len; t++) ss += (d[idx[t]] - mean) ** 2;
			s = Math.sqrt(ss / (len - 1));
			if (!(s > 0))
				throw new RangeError(
					'lengthControlledWinRate: all length differences are equal, so the length effect cannot be estimated'
				);
		}
		for (let i = 0; i < n; i++) feature[i] = Math.tanh(d[i] / s);
		const { coefficients } = fitLogistic([ones, feature], y, { weights, l2, start });
		return { intercept: coefficients[0], length: coefficients[1], scale: s };
	};
	const identity = Int32Array.from({ length: n }, (_, i) => i);
	const full = fit(identity, n);
	// Resamples start Newton from the full-data fit: same optimum, fewer iterations.
	const start = Float64Array.from([full.intercept, full.length]);
	const clusters = itemClusters(keys, 'lengthControlledWinRate');
	const [lc, raw] = bootstrapIndexCIs(
		(idx, len, out) => {
			out[0] = sigmoid(fit(idx, len, start).intercept);
			let s = 0;
			for (let t = 0; t < len; t++) s += y[idx[t]];
			out[1] = s / len;
		},
		2,
		n,
		{ resamples, level, seed, clusters }
	);
	return {
		winRate: lc.estimate,
		ci: lc.ci,
		rawWinRate: raw.estimate,
		rawCi: raw.ci,
		coefficients: { intercept: full.intercept, length: full.length },
		scale: full.scale,
		modelLongerShare: d.reduce((c, v) => c + (v > 0 ? 1 : 0), 0) / n,
		n,
		resamples,
		level
	};
}
