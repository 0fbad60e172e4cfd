/**
 * Prediction-powered inference for a mean: combine a few human labels with
 * many judge labels into an estimate that is unbiased whatever the judge's
 * quality, and tighter than the human-only interval when the judge is good.
 *
 * References:
 * - PPI: Angelopoulos, Bates, Fannjiang, Jordan & Zrnic, "Prediction-powered
 *   inference", Science 382 (2023).
 * - PPI++: Angelopoulos, Duchi & Zrnic, "PPI++: Efficient Prediction-Powered
 *   Inference", arXiv:2311.01453 (2023).
 * - Reference implementation: `ppi_py` (`ppi_mean_pointestimate`,
 *   `ppi_mean_ci`, `classical_mean_ci`); this module reproduces its numbers.
 */
import { normalQuantile } from './distributions';
import { assertArrayLike, assertFiniteNumbers, assertSameLength } from './validate';

export interface PpiMeanInput {
	/** Items with a human label y and the judge's prediction ŷ for the same item. */
	labeled: { y: readonly (number | null)[]; yhat: readonly (number | null)[] };
	/** Judge predictions on items without a human label. */
	unlabeled: { yhat: readonly (number | null)[] };
	/** Error level α in (0, 1): the interval targets coverage 1 − α (default 0.05). */
	alpha?: number;
	/** `'auto'` (default) = power-tuned λ̂ clipped to [0, 1]; 1 = plain PPI; 0 = classical. */
	lambda?: number | 'auto';
}

export interface MeanInterval {
	estimate: number;
	ci: [number, number];
	/** Standard error used for the interval. */
	se: number;
}

export interface PpiMeanResult extends MeanInterval {
	lambda: number;
	/** Labeled pairs and unlabeled predictions used (nulls skipped). */
	n: number;
	N: number;
	/** Human labels only: mean of y with a z-interval (ppi_py `classical_mean_ci`). */
	classical: MeanInterval;
}

/**
 * PPI++ estimate and interval for E[y].
 *
 * Estimator: θ̂_λ = λ·mean(ŷ_unlabeled) + mean(y − λ·ŷ_labeled), unbiased for
 * every fixed λ. Its variance Var(y − λŷ)/n + λ²·Var(ŷ)/N is minimised at
 *   λ* = Cov(y, ŷ) / ((1 + n/N)·Var(ŷ)),
 * estimated as in ppi_py: Cov with divisor n over the labeled pairs, Var(ŷ)
 * the sample variance (divisor n + N − 1) of ŷ pooled over labeled and
 * unlabeled items; then clipped to [0, 1]. If ŷ is constant, λ̂ = 0 (the
 * judge carries no information; ppi_py would divide by zero).
 *
 * Interval: θ̂ ± z_{1−α/2}·√(σ̂²_f/N + σ̂²_Δ/n), σ̂²_f = Var(λŷ_unlabeled),
 * σ̂²_Δ = Var(y − λŷ_labeled), both with divisor n (NumPy `std()`, ddof 0),
 * z from the normal quantile — ppi_py's conventions exactly. The interval is
 * asymptotic (CLT); with n < 30 or heavy tails it may under-cover.
 * Classical: mean(y) ± z·sd(y)/√n, sd with ddof 0 and z (not t), as
 * ppi_py's `classical_mean_ci`, so the two intervals are comparable.
 *
 * Nulls: labeled pairs with a null on either side and null unlabeled
 * predictions are skipped. Needs n ≥ 2 and N ≥ 1.
 */
export function ppiMean({ labeled, unlabeled, alpha = 0.05, lambda = 'auto' }: PpiMeanInput): PpiMeanResult {
	if (labeled === null || typeof labeled !== 'object') throw new TypeError('ppiMean: labeled must be { y, yhat }');
	if (unlabeled === null || typeof unlabeled !== 'object') throw new TypeError('ppiMean: unlabeled must be { yhat }');
	assertArrayLike(labeled.y, 'ppiMean: labeled.y');
	assertArrayLike(labeled.yhat, 'ppiMean: labeled.yhat');
	assertArrayLike(unlabeled.yhat, 'ppiMean: unlabeled.yhat');
	assertSameLength(labeled.y, labeled.yhat, ['ppiMean: labeled.y', 'ppiMean: labeled.yhat']);
	assertFiniteNumbers(labeled.y, 'ppiMean: labeled.y', { allowNull: true });
	assertFiniteNumbers(labeled.yhat, 'ppiMean: labeled.yhat', { allowNull: true });
	assertFiniteNumbers(unlabeled.yhat, 'ppiMean: unlabeled.yhat', { allowNull: true });
	if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) {
		throw new RangeError(`ppiMean: alpha must be strictly between 0 and 1, got ${String(alpha)}`);
	}
	if (lambda !== 'auto' && !(typeof lambda === 'number' && Number.isFinite(lambda))) {
		throw new TypeError(`ppiMean: lambda must be 'auto' or a finite number, got ${String(lambda)}`);
	}

	// Complete cases into typed arrays (nulls skipped).
	let n = 0;
	for (let i = 0; i < labeled.y.length; i++) if (labeled.y[i] !== null && labeled.yhat[i] !== null) n++;
	let N = 0;
	for (let i = 0; i < unlabeled.yhat.length; i++) if (unlabeled.yhat[i] !== null) N++;
	if (n < 2) throw new RangeError(`ppiMean: need at least 2 complete labeled pairs, got ${n}`);
	if (N < 1) throw new RangeError('ppiMean: need at least 1 unlabeled prediction');
	const y = new Float64Array(n);
	const f = new Float64Array(n);
	const u = new Float64Array(N);
	for (let i = 0, j = 0; i < labeled.y.length; i++) {
		const yi = labeled.y[i];
		const fi = labeled.yhat[i];
		if (yi === null || fi === null) continue;
		y[j] = yi;
		f[j++] = fi;
	}
	for (let i = 0, j = 0; i < unlabeled.yhat.length; i++) {
		const v = unlabeled.yhat[i];
		if (v !== null) u[j++] = v;
	}

	const meanY = mean(y);
	const meanF = mean(f);
	const meanU = mean(u);
	let lam: number;
	if (lambda === 'auto') {
		let cov = 0;
		for (let i = 0; i < n; i++) cov += (y[i] - meanY) * (f[i] - meanF);
		cov /= n;
		const pooledMean = (meanF * n + meanU * N) / (n + N);
		let ss = 0;
		for (let i = 0; i < n; i++) ss += (f[i] - pooledMean) ** 2;
		for (let i = 0; i < N; i++) ss += (u[i] - pooledMean) ** 2;
		const pooledVar = ss / (n + N - 1);
		lam = pooledVar > 0 ? Math.min(1, Math.max(0, cov / ((1 + n / N) * pooledVar))) : 0;
	} else {
		lam = lambda;
	}

	const rect = new Float64Array(n);
	for (let i = 0; i < n; i++) rect[i] = y[i] - lam * f[i];
	const estimate = lam * meanU + mean(rect);
	const se = Math.sqrt((lam * lam * variance0(u)) / N + variance0(rect) / n);
	const z = -normalQuantile(alpha / 2);
	const classicalSe = Math.sqrt(variance0(y) / n);
	return {
		estimate,
		ci: [estimate - z * se, estimate + z * se],
		se,
		lambda: lam,
		n,
		N,
		classical: { estimate: meanY, ci: [meanY - z * classicalSe, meanY + z * classicalSe], se: classicalSe }
	};
}

function mean(a: Float64Array): number {
	let s = 0;
	for (let i = 0; i < a.length; i++) s += a[i];
	return s / a.length;
}

/** Variance with divisor n (NumPy's default ddof = 0), two-pass for accuracy. */
function variance0(a: Float64Array): number {
	const m = mean(a);
	let s = 0;
	for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2;
	return s / a.length;
}
