/**
 * Shared input checks for the statistics library.
 *
 * A statistic that silently returns NaN on bad input shows up in the UI as a
 * blank or, worse, as a plausible number; so every public function validates
 * first and throws a TypeError (wrong kind of value) or RangeError (right kind,
 * unusable value) whose message names the function and the argument.
 */

/**
 * Throws a TypeError unless `value` is a plain array. (Unlike a bare
 * `Array.isArray` guard, the assertion keeps the caller's element type.)
 */
export function assertArray(value: unknown, name: string): asserts value is readonly unknown[] {
	if (!Array.isArray(value)) throw new TypeError(`${name} must be an array`);
}

/** Throws unless `value` is an array or a typed array. */
export function assertArrayLike(value: unknown, name: string): asserts value is ArrayLike<unknown> {
	if (!Array.isArray(value) && !(ArrayBuffer.isView(value) && !(value instanceof DataView))) {
		throw new TypeError(`${name} must be an array`);
	}
}

/** Throws a RangeError when `a` and `b` differ in length. `names` is e.g. `['a', 'b']`. */
export function assertSameLength(
	a: ArrayLike<unknown>,
	b: ArrayLike<unknown>,
	names: readonly [string, string]
): void {
	if (a.length !== b.length) {
		throw new RangeError(
			`${names[0]} and ${names[1]} must have the same length (got ${a.length} and ${b.length})`
		);
	}
}

/** Throws a RangeError when `a` has no elements. */
export function assertNonEmpty(a: ArrayLike<unknown>, name: string): void {
	if (a.length === 0) throw new RangeError(`${name} must not be empty`);
}

/**
 * Throws unless every element is a finite number (or `null` when `allowNull`).
 * NaN and ±Infinity are rejected: they are never meaningful ratings.
 */
export function assertFiniteNumbers(
	a: ArrayLike<unknown>,
	name: string,
	{ allowNull = false }: { allowNull?: boolean } = {}
): void {
	for (let i = 0; i < a.length; i++) {
		const v = a[i];
		if (v === null && allowNull) continue;
		if (typeof v !== 'number') {
			throw new TypeError(`${name}[${i}] must be a number${allowNull ? ' or null' : ''}, got ${describe(v)}`);
		}
		if (!Number.isFinite(v)) throw new RangeError(`${name}[${i}] must be finite, got ${v}`);
	}
}

/** Throws unless `level` is a confidence level strictly between 0 and 1. */
export function assertProbabilityLevel(level: unknown, name = 'level'): asserts level is number {
	if (typeof level !== 'number' || !(level > 0 && level < 1)) {
		throw new RangeError(`${name} must be a number strictly between 0 and 1, got ${describe(level)}`);
	}
}

/** Throws unless `n` is an integer ≥ `min` (default 1). */
export function assertInteger(n: unknown, name: string, min = 1): asserts n is number {
	if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
		throw new RangeError(`${name} must be an integer ≥ ${min}, got ${describe(n)}`);
	}
}

/** Throws a TypeError unless `v` is a string or a finite number (a category label). */
export function assertLabel(v: unknown, where: string): asserts v is string | number {
	if (typeof v === 'string') return;
	if (typeof v === 'number' && Number.isFinite(v)) return;
	throw new TypeError(`${where} must be a string, a finite number or null, got ${describe(v)}`);
}

/** Short printable form of a value for error messages. */
export function describe(v: unknown): string {
	if (typeof v === 'string') return JSON.stringify(v);
	if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) {
		return String(v);
	}
	return Array.isArray(v) ? 'an array' : typeof v;
}
