import { describe, expect, it } from 'vitest';
import { fitLogistic, logSigmoid, sigmoid } from './logistic';
import { createRng, randomNormal } from './rng';

const logit = (p: number) => Math.log(p / (1 - p));

/** Gradient of the penalised log-likelihood at β (must be 0 at the optimum). */
function gradient(
	cols: number[][],
	y: number[],
	beta: ArrayLike<number>,
	w?: number[],
	offset?: number[],
	l2 = 0
): number[] {
	return cols.map((col, j) => {
		let g = -l2 * beta[j];
		for (let i = 0; i < y.length; i++) {
			let eta = offset ? offset[i] : 0;
			cols.forEach((c, k) => (eta += beta[k] * c[i]));
			g += (w ? w[i] : 1) * (y[i] - sigmoid(eta)) * col[i];
		}
		return g;
	});
}

describe('sigmoid / logSigmoid', () => {
	it('are stable at extreme arguments', () => {
		expect(sigmoid(0)).toBe(0.5);
		expect(sigmoid(800)).toBe(1);
		expect(sigmoid(-800)).toBe(0);
		expect(logSigmoid(-800)).toBe(-800);
		expect(logSigmoid(40)).toBeCloseTo(-Math.exp(-40), 30);
	});
});

describe('fitLogistic', () => {
	it('intercept-only soft targets: β₀ = logit(weighted mean)', () => {
		const y = [0.2, 0.9, 0.5, 1, 0];
		const w = [1, 2, 1, 0.5, 3];
		const mean = y.reduce((s, v, i) => s + v * w[i], 0) / w.reduce((a, b) => a + b, 0);
		const fit = fitLogistic([[1, 1, 1, 1, 1]], y, { weights: w });
		expect(fit.coefficients[0]).toBeCloseTo(logit(mean), 10);
	});

	it('saturated two-group model reproduces the closed form logit(group means)', () => {
		// x ∈ {0, 1}: σ(β₀) = mean(y | x = 0), σ(β₀ + β₁) = mean(y | x = 1).
		const x = [0, 0, 0, 0, 1, 1, 1, 1, 1];
		const y = [1, 0, 0, 0.5, 1, 1, 0, 0.75, 1];
		const m0 = 1.5 / 4;
		const m1 = 3.75 / 5;
		const fit = fitLogistic([x.map(() => 1), x], y);
		expect(fit.coefficients[0]).toBeCloseTo(logit(m0), 10);
		expect(fit.coefficients[1]).toBeCloseTo(logit(m1) - logit(m0), 10);
		// Log-likelihood at the optimum equals Σ [y log m + (1 − y) log(1 − m)].
		const ll = y.reduce((s, v, i) => {
			const m = x[i] ? m1 : m0;
			return s + v * Math.log(m) + (1 - v) * Math.log(1 - m);
		}, 0);
		expect(fit.logLikelihood).toBeCloseTo(ll, 10);
	});

	it('solves the score equations on random data with weights and offsets (|∇ℓ| < 1e-9)', () => {
		const rng = createRng(3);
		const n = 300;
		const x1 = Array.from({ length: n }, () => randomNormal(rng));
		const x2 = Array.from({ length: n }, () => Math.tanh(randomNormal(rng, 0, 2)));
		const y = x1.map((v, i) => (rng() < sigmoid(0.3 + 0.8 * v - 1.2 * x2[i]) ? 1 : 0));
		const w = Array.from({ length: n }, () => Math.floor(rng() * 3));
		const offset = Array.from({ length: n }, () => randomNormal(rng, 0, 0.3));
		const cols = [x1.map(() => 1), x1, x2];
		for (const opts of [{}, { weights: w }, { weights: w, offset }, { offset, l2: 2.5 }]) {
			const fit = fitLogistic(cols, y, opts);
			const g = gradient(cols, y, fit.coefficients, opts.weights, opts.offset, (opts as { l2?: number }).l2 ?? 0);
			for (const gj of g) expect(Math.abs(gj)).toBeLessThan(1e-9);
		}
	});

	it('throws on separation unless a ridge penalty is given', () => {
		const x = [-2, -1, 1, 2];
		const y = [0, 0, 1, 1];
		expect(() => fitLogistic([x.map(() => 1), x], y)).toThrow(/separated/);
		expect(() => fitLogistic([[1, 1, 1]], [1, 1, 1])).toThrow(RangeError);
		const ridge = fitLogistic([x.map(() => 1), x], y, { l2: 1 });
		expect(Number.isFinite(ridge.coefficients[1])).toBe(true);
		const g = gradient([x.map(() => 1), x], y, ridge.coefficients, undefined, undefined, 1);
		for (const gj of g) expect(Math.abs(gj)).toBeLessThan(1e-10);
	});

	it('validates shapes', () => {
		expect(() => fitLogistic([], [1])).toThrow(RangeError);
		expect(() => fitLogistic([[1, 1]], [1])).toThrow(RangeError);
		expect(() => fitLogistic([[1]], [1], { l2: -1 })).toThrow(RangeError);
		expect(() => fitLogistic([[1, 1]], [0, 1.5])).toThrow(/in \[0, 1\]/);
		expect(() => fitLogistic([[1, NaN]], [0, 1])).toThrow(RangeError);
		expect(() => fitLogistic([[1, 1]], [0, 1], { weights: [1, -1] })).toThrow(RangeError);
	});
});
