/**
 * Maximum-likelihood Bradley–Terry strengths from a K×K win matrix.
 *
 * Model (Bradley & Terry 1952): P(i beats j) = π_i / (π_i + π_j) = σ(θ_i − θ_j)
 * with θ = log π. Log-likelihood for win counts w_ij (i over j, possibly
 * fractional, e.g. half a win per tie):
 *   ℓ(θ) = Σ_{i≠j} w_ij · log σ(θ_i − θ_j).
 * ℓ is concave in θ and invariant to adding a constant, so θ is pinned by
 * Σθ = 0 (geometric-mean strength 1). A finite maximiser exists and is unique
 * iff the directed graph "i beat j at least partly" is strongly connected
 * (Zermelo 1929; Ford 1957; Hunter 2004, "MM algorithms for generalized
 * Bradley–Terry models", Ann. Statist. 32, Assumption 1).
 *
 * Optional regularisation `prior = c > 0`: every player also gets c wins and
 * c losses against a virtual player of fixed strength θ = 0 — a proper
 * log-concave prior that makes the maximiser exist for any data and shrinks
 * sparsely observed players toward the average.
 *
 * Solver: Newton's method on the concave ℓ with step halving; the Hessian is
 * the weighted graph Laplacian −Σ n_ij p_ij(1 − p_ij)(e_i − e_j)(e_i − e_j)ᵀ,
 * solved on the K − 1 coordinates other than player 0 (θ_0 = 0, recentred at
 * the end) or on all K when a prior anchors the scale. Cost O(K³) per
 * iteration, typically < 15 iterations.
 */
import { choleskySolve } from './cholesky';
import { logSigmoid, sigmoid } from './logistic';

/** True iff every player can reach every other along "beat" edges. */
export function isStronglyConnected(wins: Float64Array, k: number): boolean {
	const reach = (forward: boolean): boolean => {
		const seen = new Uint8Array(k);
		const stack = [0];
		seen[0] = 1;
		let count = 1;
		while (stack.length > 0) {
			const i = stack.pop() as number;
			for (let j = 0; j < k; j++) {
				if (seen[j] || (forward ? wins[i * k + j] : wins[j * k + i]) <= 0) continue;
				seen[j] = 1;
				count++;
				stack.push(j);
			}
		}
		return count === k;
	};
	return reach(true) && reach(false);
}

export function bradleyTerryLogLikelihood(theta: ArrayLike<number>, wins: Float64Array, k: number, prior = 0): number {
	let ll = 0;
	for (let i = 0; i < k; i++) {
		for (let j = 0; j < k; j++) {
			const w = wins[i * k + j];
			if (w > 0) ll += w * logSigmoid(theta[i] - theta[j]);
		}
		if (prior > 0) ll += prior * (logSigmoid(theta[i]) + logSigmoid(-theta[i]));
	}
	return ll;
}

/**
 * Centred log-strengths θ (Σθ = 0) maximising ℓ. Throws a RangeError when no
 * finite maximiser exists (comparison graph not strongly connected, prior 0).
 */
export function fitBradleyTerry(wins: Float64Array, k: number, prior = 0): Float64Array {
	if (!Number.isInteger(k) || k < 1) throw new RangeError(`fitBradleyTerry: k must be a positive integer, got ${k}`);
	if (!(wins instanceof Float64Array) || wins.length !== k * k)
		throw new RangeError(`fitBradleyTerry: wins must be a Float64Array of k² = ${k * k} counts`);
	for (let i = 0; i < wins.length; i++) {
		if (!(wins[i] >= 0 && wins[i] < Infinity))
			throw new RangeError(`fitBradleyTerry: wins[${i}] must be a finite count ≥ 0, got ${wins[i]}`);
	}
	if (!(prior >= 0 && prior < Infinity))
		throw new RangeError(`fitBradleyTerry: prior must be a finite number ≥ 0, got ${prior}`);
	if (prior === 0 && !isStronglyConnected(wins, k)) {
		throw new RangeError(
			'bradleyTerry: strengths are not identifiable — some group of players never beat (or never lost to) ' +
				'the rest, or the comparison graph is disconnected; add battles or pass prior > 0'
		);
	}
	const theta = new Float64Array(k);
	const trial = new Float64Array(k);
	const first = prior > 0 ? 0 : 1; // free coordinates first … k − 1
	const m = k - first;
	const grad = new Float64Array(m);
	const hess = new Float64Array(m * m);
	const step = new Float64Array(m);
	let ll = bradleyTerryLogLikelihood(theta, wins, k, prior);
	for (let iter = 0; iter < 200; iter++) {
		grad.fill(0);
		hess.fill(0);
		for (let i = 0; i < k; i++) {
			for (let j = i + 1; j < k; j++) {
				const nij = wins[i * k + j] + wins[j * k + i];
				if (nij === 0) continue;
				const p = sigmoid(theta[i] - theta[j]);
				const g = wins[i * k + j] - nij * p; // ∂ℓ/∂θ_i; ∂ℓ/∂θ_j = −g
				const v = nij * p * (1 - p);
				const a = i - first;
				const b = j - first;
				if (a >= 0) {
					grad[a] += g;
					hess[a * m + a] += v;
				}
				if (b >= 0) {
					grad[b] -= g;
					hess[b * m + b] += v;
				}
				if (a >= 0 && b >= 0) {
					hess[a * m + b] -= v;
					hess[b * m + a] -= v;
				}
			}
			if (prior > 0) {
				const s = sigmoid(theta[i]);
				grad[i] += prior * (1 - 2 * s);
				hess[i * m + i] += 2 * prior * s * (1 - s);
			}
		}
		if (!choleskySolve(hess, grad, step, m)) break;
		let scale = 1;
		let next = -Infinity;
		for (let h = 0; h < 40; h++) {
			trial.set(theta);
			for (let a = 0; a < m; a++) trial[a + first] += scale * step[a];
			next = bradleyTerryLogLikelihood(trial, wins, k, prior);
			if (next >= ll - 1e-13 * Math.abs(ll)) break;
			scale /= 2;
		}
		let change = 0;
		for (let a = 0; a < m; a++) change = Math.max(change, Math.abs(scale * step[a]));
		theta.set(trial);
		ll = next;
		if (change < 1e-12) {
			let mean = 0;
			for (let i = 0; i < k; i++) mean += theta[i];
			mean /= k;
			for (let i = 0; i < k; i++) theta[i] -= mean;
			return theta;
		}
	}
	throw new RangeError('bradleyTerry: Newton iterations did not converge (extreme win rates?); pass prior > 0');
}
