/**
 * A judge → human calibration map with pointwise intervals, and intervals for
 * the error of a prediction before and after calibration.
 *
 * Map: the isotonic fit of human on judge scores (`fitIsotonic`, PAVA; Barlow
 * et al. 1972; Zadrozny & Elkan 2002). Interval of the calibrated value at a
 * judge score x: percentile cluster bootstrap (Efron & Tibshirani, "An
 * Introduction to the Bootstrap", 1993, ch. 13; clusters = items, because an
 * item's labels are not independent): B resamples of the items, each refitted,
 * each evaluated on the grid of distinct judge scores of the calibration set;
 * the interval at x is the 2.5% and 97.5% quantiles of those B values.
 *
 * Why this interval: it carries the uncertainty of the FIT (how well the map is
 * pinned down by the calibration set), which is what changes when the set
 * grows; it is not a prediction interval for one human's score (that is
 * wider: add the label noise, whose size the CV error reports). The bootstrap
 * of isotonic regression is inconsistent at points where the true map is
 * strictly increasing and x is continuous (Kosorok, "Bootstrapping the
 * Grenander estimator", 2008; Sen, Banerjee & Woodroofe, Ann. Statist. 38,
 * 2010), but a judge's scale is discrete: at each of its few levels the fit is
 * a (pooled) mean of many labels, where the bootstrap is the ordinary one for a
 * mean. Between grid points the bounds are interpolated linearly, as the map
 * itself is (each resample's fit is linear between calibration-set scores, so
 * this is exact for each resample and close for their quantiles). Outside the
 * calibration range the end values apply (clipping, as `fitIsotonic`).
 */
import { bootstrapInterval, bootstrapVectorReplicates, bootstrapIndexCIs, type BootstrapResult } from './bootstrap';
import { fitIsotonic, type IsotonicStep } from './isotonic';
import { assertArrayLike, assertFiniteNumbers, assertNonEmpty, assertSameLength } from './validate';

export interface CalibrationMap {
	predict: (judgeScore: number) => number;
	/** Percentile bootstrap interval of the calibrated value at a judge score. */
	interval: (judgeScore: number) => [number, number];
	steps: IsotonicStep[];
	/**
	 * Distinct judge scores of the calibration set: the fitted value y with its
	 * interval, and the plain mean of the human scores at x with their count
	 * (the points of a reliability diagram).
	 */
	grid: { x: number; y: number; ci: [number, number]; observed: number; count: number }[];
	n: number;
	resamples: number;
}

export interface CalibrationMapOptions {
	/** Item key per pair; pairs sharing one are resampled together. */
	groups?: readonly (string | number)[];
	/** Bootstrap resamples B (default 500). */
	resamples?: number;
	level?: number;
	seed?: number;
}

function interpolate(xs: Float64Array, ys: ArrayLike<number>, t: number): number {
	const last = xs.length - 1;
	if (t <= xs[0]) return ys[0];
	if (t >= xs[last]) return ys[last];
	let lo = 0;
	let hi = last;
	while (hi - lo > 1) {
		const mid = (lo + hi) >> 1;
		if (xs[mid] <= t) lo = mid;
		else hi = mid;
	}
	const f = (t - xs[lo]) / (xs[lo + 1] - xs[lo]);
	return ys[lo] + f * (ys[lo + 1] - ys[lo]);
}

/**
 * Fit the isotonic map judge → human on complete pairs (no nulls) and its
 * cluster-bootstrap intervals on the grid of distinct judge scores. See the
 * module docblock.
 */
export function isotonicCalibrationMap(
	judge: readonly number[],
	human: readonly number[],
	{ groups, resamples = 500, level = 0.95, seed = 1 }: CalibrationMapOptions = {}
): CalibrationMap {
	assertArrayLike(judge, 'isotonicCalibrationMap: judge');
	assertNonEmpty(judge, 'isotonicCalibrationMap: judge');
	assertSameLength(judge, human, ['isotonicCalibrationMap: judge', 'isotonicCalibrationMap: human']);
	assertFiniteNumbers(judge, 'isotonicCalibrationMap: judge');
	assertFiniteNumbers(human, 'isotonicCalibrationMap: human');
	if (groups) assertSameLength(judge, groups, ['isotonicCalibrationMap: judge', 'isotonicCalibrationMap: groups']);
	const fit = fitIsotonic(judge, human);
	const gridX = Float64Array.from(new Set(judge)).sort();
	const n = judge.length;
	const bx = new Float64Array(n);
	const by = new Float64Array(n);
	const replicates = bootstrapVectorReplicates(
		(idx, len, out) => {
			for (let t = 0; t < len; t++) {
				bx[t] = judge[idx[t]];
				by[t] = human[idx[t]];
			}
			const f = fitIsotonic(bx.subarray(0, len), by.subarray(0, len));
			for (let d = 0; d < gridX.length; d++) out[d] = f.predict(gridX[d]);
		},
		gridX.length,
		n,
		{ clusters: groups, resamples, seed }
	);
	const sums = new Map<number, { s: number; c: number }>();
	for (let i = 0; i < n; i++) {
		const e = sums.get(judge[i]) ?? { s: 0, c: 0 };
		e.s += human[i];
		e.c++;
		sums.set(judge[i], e);
	}
	const lo = new Float64Array(gridX.length);
	const hi = new Float64Array(gridX.length);
	const grid = Array.from(gridX, (x, d) => {
		const y = fit.predict(x);
		const r = bootstrapInterval(replicates[d], y, { level });
		// A resample's fit can miss a neighbourhood; keep the estimate inside its own interval.
		lo[d] = Math.min(r.ci[0], y);
		hi[d] = Math.max(r.ci[1], y);
		const o = sums.get(x)!;
		return { x, y, ci: [lo[d], hi[d]] as [number, number], observed: o.s / o.c, count: o.c };
	});
	return {
		predict: fit.predict,
		interval: (t) => [interpolate(gridX, lo, t), interpolate(gridX, hi, t)],
		steps: fit.steps,
		grid,
		n,
		resamples
	};
}

export interface PredictionErrorIntervals {
	/** Mean absolute error and root mean squared error of each prediction, with cluster-bootstrap intervals. */
	maeBefore: BootstrapResult;
	rmseBefore: BootstrapResult;
	maeAfter: BootstrapResult;
	rmseAfter: BootstrapResult;
	/** MAE after − MAE before (negative: calibration helps). */
	maeChange: BootstrapResult;
}

/**
 * MAE = mean |ŷ − y| and RMSE = √(mean (ŷ − y)²) of two predictions of the
 * same targets (e.g. raw judge scores and out-of-fold calibrated ones), with
 * percentile cluster-bootstrap intervals on the same resamples (Efron &
 * Tibshirani 1993), so the change has its own interval.
 */
export function predictionErrorIntervals(
	human: readonly number[],
	before: ArrayLike<number>,
	after: ArrayLike<number>,
	{
		clusters,
		resamples = 1000,
		seed = 1,
		level = 0.95
	}: { clusters?: readonly (string | number)[]; resamples?: number; seed?: number; level?: number } = {}
): PredictionErrorIntervals {
	assertNonEmpty(human, 'predictionErrorIntervals: human');
	assertSameLength(human, before, ['predictionErrorIntervals: human', 'predictionErrorIntervals: before']);
	assertSameLength(human, after, ['predictionErrorIntervals: human', 'predictionErrorIntervals: after']);
	const [maeBefore, rmseBefore, maeAfter, rmseAfter, maeChange] = bootstrapIndexCIs(
		(idx, len, out) => {
			let ab = 0;
			let sb = 0;
			let aa = 0;
			let sa = 0;
			for (let t = 0; t < len; t++) {
				const i = idx[t];
				const eb = before[i] - human[i];
				const ea = after[i] - human[i];
				ab += Math.abs(eb);
				sb += eb * eb;
				aa += Math.abs(ea);
				sa += ea * ea;
			}
			out[0] = ab / len;
			out[1] = Math.sqrt(sb / len);
			out[2] = aa / len;
			out[3] = Math.sqrt(sa / len);
			out[4] = (aa - ab) / len;
		},
		5,
		human.length,
		{ clusters, resamples, seed, level }
	);
	return { maeBefore, rmseBefore, maeAfter, rmseAfter, maeChange };
}
