import { describe, expect, it } from 'vitest';
import { choleskySolve } from './cholesky';

describe('choleskySolve', () => {
	it('solves a symmetric positive-definite system', () => {
		// A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]], x = [1, -1, 2] → g = A x = [2, -1, 5].
		const a = Float64Array.from([4, 2, 0, 2, 5, 1, 0, 1, 3]);
		const x = new Float64Array(3);
		expect(choleskySolve(a, Float64Array.from([2, -1, 5]), x, 3)).toBe(true);
		expect([...x].map((v) => Number(v.toFixed(12)))).toEqual([1, -1, 2]);
	});

	it('refuses a matrix that is not positive definite', () => {
		expect(choleskySolve(Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]), new Float64Array(2), 2)).toBe(
			false
		);
	});

	it('with a relative tolerance, refuses a pivot that is only rounding noise', () => {
		// Singular up to 1e-16 relative: accepted without a tolerance, refused with one.
		const nearly = () => Float64Array.from([1, 1, 1, 1 + 1e-15]);
		expect(choleskySolve(nearly(), Float64Array.from([1, 1]), new Float64Array(2), 2)).toBe(true);
		expect(choleskySolve(nearly(), Float64Array.from([1, 1]), new Float64Array(2), 2, 1e-14)).toBe(false);
	});
});
