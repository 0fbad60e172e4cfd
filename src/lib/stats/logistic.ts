/**
 * Small logistic-regression fitter (Newton–Raphson = IRLS) for the few-column
 * models the library needs (length-controlled win rates).
 *
 * Model: P(y = 1 | x) = σ(η), η = offset + Σ_j β_j x_j, σ(t) = 1 / (1 + e^{−t}).
 * Maximises the (weighted, optionally ridge-penalised) Bernoulli
 * log-likelihood
 *   ℓ(β) = Σ_i w_i [y_i·log σ(η_i) + (1 − y_i)·log(1 − σ(η_i))] − (λ/2)‖β‖².
 * Targets may be soft, y ∈ [0, 1]: ℓ is then the cross-entropy, equal to the
 * likelihood of the data with each row split into a win of weight w·y and a
 * loss of weight w·(1 − y) (how AlpacaEval fits soft preferences).
 * Newton step: (XᵀWX + λI) δ = Xᵀw(y − p) − λβ with W = diag(w·p(1 − p))
 * (McCullagh & Nelder, "Generalized Linear Models", 2nd ed., 1989, §4.4).
 * ℓ is concave, so Newton with step halving converges from β = 0 whenever
 * the maximiser is finite.
 *
 * Degenerate data: under (quasi-)complete separation (e.g. all targets 1, or
 * a covariate that splits wins from losses perfectly) the MLE is infinite;
 * the fit then does not converge and a RangeError is thrown. Pass `l2 > 0`
 * to get the finite ridge solution instead.
 */
import { choleskySolve } from './cholesky';

export interface LogisticOptions {
	/** Non-negative frequency weights per row (default 1). Rows with weight 0 are ignored. */
	weights?: ArrayLike<number>;
	/** Fixed per-row addition to the linear predictor (default 0). */
	offset?: ArrayLike<number>;
	/** Ridge penalty λ ≥ 0 on every coefficient, intercept included (default 0). */
	l2?: number;
	/** Newton iterations before giving up (default 100). */
	maxIterations?: number;
	/** Starting coefficients (default 0); a nearby solution (e.g. the full-data fit in a bootstrap) saves iterations. */
	start?: ArrayLike<number>;
}

export interface LogisticFit {
	coefficients: Float64Array;
	/** Penalised log-likelihood at the optimum. */
	logLikelihood: number;
	iterations: number;
}

/** log σ(t) without overflow: log σ(t) = −log(1 + e^{−t}); log(1 − σ(t)) = log σ(−t). */
export function logSigmoid(t: number): number {
	return t >= 0 ? -Math.log1p(Math.exp(-t)) : t - Math.log1p(Math.exp(t));
}

/** Logistic function σ(t) = 1 / (1 + e^{−t}), evaluated without overflow. */
export function sigmoid(t: number): number {
	return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

/**
 * Fit the model. `columns` are the design-matrix columns (include a column of
 * ones for an intercept); all columns, `y`, `weights` and `offset` must have
 * the same length; targets in [0, 1], everything finite (RangeError otherwise).
 */
export function fitLogistic(
	columns: readonly ArrayLike<number>[],
	y: ArrayLike<number>,
	{ weights, offset, l2 = 0, maxIterations = 100, start }: LogisticOptions = {}
): LogisticFit {
	const k = columns.length;
	const n = y.length;
	if (k === 0) throw new RangeError('fitLogistic: need at least one column');
	for (const col of columns) {
		if (col.length !== n) throw new RangeError('fitLogistic: every column must have one value per row');
	}
	if (!(l2 >= 0)) throw new RangeError(`fitLogistic: l2 must be ≥ 0, got ${l2}`);
	if (start !== undefined && start.length !== k)
		throw new RangeError('fitLogistic: start must have one value per column');
	for (let i = 0; i < n; i++) {
		if (!(y[i] >= 0 && y[i] <= 1)) throw new RangeError(`fitLogistic: y[${i}] must be in [0, 1], got ${y[i]}`);
		if (weights && !(weights[i] >= 0 && weights[i] < Infinity))
			throw new RangeError(`fitLogistic: weights[${i}] must be finite and ≥ 0, got ${weights[i]}`);
		if (offset && !Number.isFinite(offset[i]))
			throw new RangeError(`fitLogistic: offset[${i}] must be finite, got ${offset[i]}`);
		for (let j = 0; j < k; j++) {
			if (!Number.isFinite(columns[j][i]))
				throw new RangeError(`fitLogistic: columns[${j}][${i}] must be finite, got ${columns[j][i]}`);
		}
	}
	// Pack the rows with non-zero weight into row-major typed arrays: the hot
	// loops then see one monomorphic array type, and skipped rows cost nothing.
	let m = 0;
	for (let i = 0; i < n; i++) if (!weights || weights[i] !== 0) m++;
	const x = new Float64Array(m * k);
	const yv = new Float64Array(m);
	const wv = new Float64Array(m);
	const ov = new Float64Array(m);
	for (let i = 0, r = 0; i < n; i++) {
		const w = weights ? weights[i] : 1;
		if (w === 0) continue;
		for (let j = 0; j < k; j++) x[r * k + j] = columns[j][i];
		yv[r] = y[i];
		wv[r] = w;
		ov[r] = offset ? offset[i] : 0;
		r++;
	}
	const beta = start ? Float64Array.from(start) : new Float64Array(k);
	const prob = new Float64Array(m);
	const grad = new Float64Array(k);
	const hess = new Float64Array(k * k);
	const delta = new Float64Array(k);
	const trial = new Float64Array(k);

	/** Penalised ℓ at b; leaves σ(η(b)) in `prob` for the next Newton step. */
	const objective = (b: Float64Array): number => {
		let ll = 0;
		for (let r = 0; r < m; r++) {
			let e = ov[r];
			for (let j = 0; j < k; j++) e += b[j] * x[r * k + j];
			// One exp serves both terms: with z = e^{−|e|}, softplus(e) = max(e, 0) + log(1 + z)
			// and σ(e) = 1/(1 + z) or z/(1 + z); y·log σ(e) + (1 − y)·log σ(−e) = y·e − softplus(e).
			const z = Math.exp(-Math.abs(e));
			prob[r] = e >= 0 ? 1 / (1 + z) : z / (1 + z);
			ll += wv[r] * (yv[r] * e - (Math.max(e, 0) + Math.log1p(z)));
		}
		let pen = 0;
		for (let j = 0; j < k; j++) pen += b[j] * b[j];
		return ll - (l2 / 2) * pen;
	};

	let ll = objective(beta);
	for (let iter = 1; iter <= maxIterations; iter++) {
		grad.fill(0);
		hess.fill(0);
		for (let r = 0; r < m; r++) {
			const p = prob[r];
			const res = wv[r] * (yv[r] - p);
			const v = wv[r] * p * (1 - p);
			for (let a = 0; a < k; a++) {
				const xa = x[r * k + a];
				grad[a] += res * xa;
				for (let c = 0; c <= a; c++) hess[a * k + c] += v * xa * x[r * k + c];
			}
		}
		for (let a = 0; a < k; a++) {
			grad[a] -= l2 * beta[a];
			hess[a * k + a] += l2;
		}
		if (!choleskySolve(hess, grad, delta, k, 1e-14)) break; // singular: no finite optimum
		// Step halving keeps the (concave) objective non-decreasing.
		let step = 1;
		let next = -Infinity;
		for (let h = 0; h < 30; h++) {
			for (let j = 0; j < k; j++) trial[j] = beta[j] + step * delta[j];
			next = objective(trial);
			if (next >= ll - 1e-12 * Math.abs(ll)) break;
			step /= 2;
		}
		let change = 0;
		for (let j = 0; j < k; j++) change = Math.max(change, Math.abs(trial[j] - beta[j]) / (1 + Math.abs(beta[j])));
		beta.set(trial);
		ll = next; // `objective(trial)` also left σ(η) of the accepted β in `prob`
		if (change < 1e-11) return { coefficients: beta, logLikelihood: ll, iterations: iter };
	}
	throw new RangeError(
		'fitLogistic: no finite maximum-likelihood fit (the outcomes are separated, e.g. all wins or all losses); ' +
			'add data or a ridge penalty (l2 > 0)'
	);
}
