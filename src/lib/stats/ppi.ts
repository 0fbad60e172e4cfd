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
 * - Cluster-robust variance: Cameron & Miller, "A practitioner's guide to
 *   cluster-robust inference", J. Hum. Resour. 50 (2015), 317–372 (sandwich
 *   over clusters with the CR1 factor G/(G − 1)).
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
	/** Clip the power-tuned λ̂ to [0, 1] (default true, as ppi_py); `false` uses it as estimated. */
	clip?: boolean;
	/**
	 * Cluster key per labeled and per unlabeled item (same lengths as `labeled.y`
	 * and `unlabeled.yhat`), e.g. the prompt of each answer. Both intervals then
	 * use a cluster-robust variance; keys shared across the two sets are one
	 * cluster (a prompt with some answers labelled and some not).
	 */
	clusters?: { labeled: readonly (string | number)[]; unlabeled: readonly (string | number)[] };
	/** Below this many labeled items (clusters, with `clusters`) a warning is added (default 30). */
	warnBelow?: number;
}

export interface MeanInterval {
	estimate: number;
	ci: [number, number];
	/** Standard error used for the interval. */
	se: number;
	/** se = 0: the interval has zero width (e.g. every human label equal), which is not certainty. */
	zeroWidth: boolean;
}

export interface PpiMeanResult extends MeanInterval {
	lambda: number;
	/** The power-tuned λ̂ before clipping (null when λ was given); differs from `lambda` when clipped. */
	lambdaUnclipped: number | null;
	/** Number of clusters (labeled ∪ unlabeled) with `clusters`, else null. */
	clusters: number | null;
	/** Cautions for display: few labeled items, zero width, λ̂ clipped; empty when none. */
	warnings: string[];
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
 * Clusters (several answers per prompt, correlated labels): the estimate is
 * θ̂_λ = A − λB with A = mean(y), B = mean(ŷ_labeled) − mean(ŷ_unlabeled).
 * Each item contributes an influence term — a_t = (y_t − ȳ)/n and
 * b_t = (ŷ_t − ŷ̄)/n for labeled items, b_s = −(ŷ_s − ū)/N for unlabeled
 * ones — and the variances are the cluster sandwich
 *   V_XY = G/(G − 1) · Σ_c (Σ_{t∈c} x_t)(Σ_{t∈c} y_t)
 * over the G clusters (Cameron & Miller 2015, CR1). Var(θ̂_λ) = V_AA −
 * 2λV_AB + λ²V_BB, minimised at λ̂ = V_AB / V_BB — the PPI++ power tuning
 * (Angelopoulos, Duchi & Zrnic 2023, §2: λ minimising the estimated
 * asymptotic variance) applied to the clustered variance; it reduces to
 * Cov/((1 + n/N)·Var) without clustering. The classical interval uses V_AA
 * over the labeled clusters. Ignoring clusters with 5 answers per prompt and
 * intra-class correlation 0.5 gives ≈ 72% coverage for a 95% interval
 * (ppi.test.ts); the sandwich restores it given enough clusters (≥ ~30).
 *
 * Edges: fewer than `warnBelow` (30) labeled items or clusters adds a
 * warning — with n = 10 binary labels at p = 0.85 the 95% intervals cover
 * ≈ 73% and 19% have zero width because all ten labels are 1. se = 0 sets
 * `zeroWidth` and a warning. λ̂ outside [0, 1] is clipped (ppi_py) unless
 * `clip: false`; `lambdaUnclipped` reports the estimate either way.
 *
 * Nulls: labeled pairs with a null on either side and null unlabeled
 * predictions are skipped (with their cluster keys). Needs n ≥ 2 and N ≥ 1.
 */
export function ppiMean({
	labeled,
	unlabeled,
	alpha = 0.05,
	lambda = 'auto',
	clip = true,
	clusters,
	warnBelow = 30
}: PpiMeanInput): PpiMeanResult {
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
	if (typeof clip !== 'boolean') throw new TypeError(`ppiMean: clip must be true or false, got ${String(clip)}`);
	if (typeof warnBelow !== 'number' || !(warnBelow >= 0)) {
		throw new RangeError(`ppiMean: warnBelow must be a number ≥ 0, got ${String(warnBelow)}`);
	}
	if (clusters !== undefined) {
		if (
			clusters === null ||
			typeof clusters !== 'object' ||
			!Array.isArray(clusters.labeled) ||
			!Array.isArray(clusters.unlabeled)
		) {
			throw new TypeError('ppiMean: clusters must be { labeled: keys[], unlabeled: keys[] }');
		}
		assertSameLength(labeled.y, clusters.labeled, ['ppiMean: labeled.y', 'ppiMean: clusters.labeled']);
		assertSameLength(unlabeled.yhat, clusters.unlabeled, ['ppiMean: unlabeled.yhat', 'ppiMean: clusters.unlabeled']);
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
	// Dense cluster id per kept labeled / unlabeled item (shared keys share an id).
	const clusterId = new Map<string | number, number>();
	const idOf = (key: unknown, where: string): number => {
		if (typeof key !== 'string' && !(typeof key === 'number' && Number.isFinite(key))) {
			throw new TypeError(`ppiMean: ${where} must be a string or a finite number`);
		}
		let id = clusterId.get(key);
		if (id === undefined) {
			id = clusterId.size;
			clusterId.set(key, id);
		}
		return id;
	};
	const labeledCluster = new Int32Array(n);
	const unlabeledCluster = new Int32Array(N);
	for (let i = 0, j = 0; i < labeled.y.length; i++) {
		const yi = labeled.y[i];
		const fi = labeled.yhat[i];
		if (yi === null || fi === null) continue;
		if (clusters) labeledCluster[j] = idOf(clusters.labeled[i], `clusters.labeled[${i}]`);
		y[j] = yi;
		f[j++] = fi;
	}
	const labeledClusters = clusterId.size;
	for (let i = 0, j = 0; i < unlabeled.yhat.length; i++) {
		const v = unlabeled.yhat[i];
		if (v === null) continue;
		if (clusters) unlabeledCluster[j] = idOf(clusters.unlabeled[i], `clusters.unlabeled[${i}]`);
		u[j++] = v;
	}

	const meanY = mean(y);
	const meanF = mean(f);
	const meanU = mean(u);
	const z = -normalQuantile(alpha / 2);
	const warnings: string[] = [];
	let lam: number;
	let lambdaUnclipped: number | null = null;
	let se: number;
	let classicalSe: number;

	if (clusters) {
		// Cluster sums of the influence terms a (of mean y) and b (of mean ŷ_labeled − mean ŷ_unlabeled).
		const g = clusterId.size;
		const sumA = new Float64Array(g);
		const sumB = new Float64Array(g);
		for (let t = 0; t < n; t++) {
			sumA[labeledCluster[t]] += (y[t] - meanY) / n;
			sumB[labeledCluster[t]] += (f[t] - meanF) / n;
		}
		for (let t = 0; t < N; t++) sumB[unlabeledCluster[t]] -= (u[t] - meanU) / N;
		const cr1 = (groups: number) => (groups > 1 ? groups / (groups - 1) : 1);
		let vAA = 0;
		let vAB = 0;
		let vBB = 0;
		let vAAlabeled = 0;
		for (let c = 0; c < g; c++) {
			vAA += sumA[c] * sumA[c];
			vAB += sumA[c] * sumB[c];
			vBB += sumB[c] * sumB[c];
		}
		// Labeled-only clusters for the classical interval: ids < labeledClusters are those seen in labeled.
		for (let c = 0; c < labeledClusters; c++) vAAlabeled += sumA[c] * sumA[c];
		if (lambda === 'auto') {
			lambdaUnclipped = vBB > 0 ? vAB / vBB : 0;
			lam = clip ? Math.min(1, Math.max(0, lambdaUnclipped)) : lambdaUnclipped;
		} else {
			lam = lambda;
		}
		se = Math.sqrt(Math.max(0, cr1(g) * (vAA - 2 * lam * vAB + lam * lam * vBB)));
		classicalSe = Math.sqrt(cr1(labeledClusters) * vAAlabeled);
		if (labeledClusters < warnBelow) {
			warnings.push(
				`Only ${labeledClusters} labeled clusters: the normal interval under-covers below about ${warnBelow}; label more prompts.`
			);
		}
	} else {
		if (lambda === 'auto') {
			let cov = 0;
			for (let i = 0; i < n; i++) cov += (y[i] - meanY) * (f[i] - meanF);
			cov /= n;
			const pooledMean = (meanF * n + meanU * N) / (n + N);
			let ss = 0;
			for (let i = 0; i < n; i++) ss += (f[i] - pooledMean) ** 2;
			for (let i = 0; i < N; i++) ss += (u[i] - pooledMean) ** 2;
			const pooledVar = ss / (n + N - 1);
			lambdaUnclipped = pooledVar > 0 ? cov / ((1 + n / N) * pooledVar) : 0;
			lam = clip ? Math.min(1, Math.max(0, lambdaUnclipped)) : lambdaUnclipped;
		} else {
			lam = lambda;
		}
		const rect = new Float64Array(n);
		for (let i = 0; i < n; i++) rect[i] = y[i] - lam * f[i];
		se = Math.sqrt((lam * lam * variance0(u)) / N + variance0(rect) / n);
		classicalSe = Math.sqrt(variance0(y) / n);
		if (n < warnBelow) {
			warnings.push(
				`Only ${n} labeled items: the normal interval under-covers below about ${warnBelow} (73% instead of 95% at n = 10 with binary labels); label more items.`
			);
		}
	}
	if (lambdaUnclipped !== null && lambdaUnclipped !== lam) {
		warnings.push(
			`The power-tuned λ̂ = ${lambdaUnclipped.toFixed(3)} was clipped to ${lam}` +
				(lambdaUnclipped > 1
					? ' (the judge looks better than unbiased: check its scale)'
					: ' (the judge is not informative)') +
				'; pass clip: false to use it as estimated.'
		);
	}
	// θ̂_λ = λ·mean(ŷ_unlabeled) + mean(y − λ·ŷ_labeled).
	const estimate = lam * meanU + meanY - lam * meanF;
	if (se === 0) {
		warnings.push(
			'The standard error is 0 (every human label and judge residual equal): the zero-width interval is not certainty.'
		);
	}
	if (classicalSe === 0) warnings.push('The classical interval has zero width: every human label is equal.');
	return {
		estimate,
		ci: [estimate - z * se, estimate + z * se],
		se,
		zeroWidth: se === 0,
		lambda: lam,
		lambdaUnclipped,
		n,
		N,
		clusters: clusters ? clusterId.size : null,
		warnings,
		classical: {
			estimate: meanY,
			ci: [meanY - z * classicalSe, meanY + z * classicalSe],
			se: classicalSe,
			zeroWidth: classicalSe === 0
		}
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
