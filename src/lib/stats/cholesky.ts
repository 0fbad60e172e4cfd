/**
 * Solve A x = g for a symmetric positive-definite A (row-major n×n; only the
 * lower triangle is read), by Cholesky factorisation A = L Lᵀ then forward and
 * back substitution (Golub & Van Loan, Matrix Computations, 4th ed., §4.2).
 * Overwrites A's lower triangle with L. Returns false when A is not
 * (numerically) positive definite: a pivot ≤ `relativeTolerance` × the largest
 * diagonal entry. The Newton steps of the logistic and Bradley–Terry fits share it.
 */
export function choleskySolve(
	a: Float64Array,
	g: Float64Array,
	x: Float64Array,
	n: number,
	relativeTolerance = 0
): boolean {
	let floor = 0;
	if (relativeTolerance > 0) {
		let maxDiag = 0;
		for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, a[i * n + i]);
		floor = maxDiag * relativeTolerance;
	}
	for (let j = 0; j < n; j++) {
		let d = a[j * n + j];
		for (let t = 0; t < j; t++) d -= a[j * n + t] * a[j * n + t];
		if (!(d > floor)) return false;
		const root = Math.sqrt(d);
		a[j * n + j] = root;
		for (let i = j + 1; i < n; i++) {
			let s = a[i * n + j];
			for (let t = 0; t < j; t++) s -= a[i * n + t] * a[j * n + t];
			a[i * n + j] = s / root;
		}
	}
	for (let i = 0; i < n; i++) {
		let s = g[i];
		for (let t = 0; t < i; t++) s -= a[i * n + t] * x[t];
		x[i] = s / a[i * n + i];
	}
	for (let i = n - 1; i >= 0; i--) {
		let s = x[i];
		for (let t = i + 1; t < n; t++) s -= a[t * n + i] * x[t];
		x[i] = s / a[i * n + i];
	}
	return true;
}
