/**
 * Shared input checks (and category coding) for the statistics library.
 * Internal: not re-exported from index.ts.
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
export function assertSameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>, names: readonly [string, string]): void {
	if (a.length !== b.length) {
		throw new RangeError(`${names[0]} and ${names[1]} must have the same length (got ${a.length} and ${b.length})`);
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

/** A category label (re-exported publicly from agreement.ts). */
export type Label = string | number;

/**
 * Order the distinct labels: numbers ascending, then strings by UTF-16 code
 * units (locale-independent, so results match across machines). When the
 * order carries meaning (weighted κ, ordinal α) a mix of numbers and strings
 * has no natural order, so `ordered: true` makes it an error instead.
 */
export function sortedCategories(labels: Iterable<Label>, fn: string, { ordered = false } = {}): Label[] {
	const distinct = [...new Set(labels)];
	const numbers = distinct.filter((v): v is number => typeof v === 'number').sort((x, y) => x - y);
	const strings = distinct
		.filter((v): v is string => typeof v === 'string')
		.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
	if (ordered && numbers.length > 0 && strings.length > 0) {
		throw new TypeError(`${fn}: labels mix numbers and strings; pass \`categories\` in scale order`);
	}
	return [...numbers, ...strings];
}

/** Check an explicit category list: non-empty, valid labels, no duplicates. */
export function checkCategories(categories: readonly Label[], fn: string): Map<Label, number> {
	assertArray(categories, `${fn}: categories`);
	assertNonEmpty(categories, `${fn}: categories`);
	const index = new Map<Label, number>();
	categories.forEach((c, i) => {
		assertLabel(c, `${fn}: categories[${i}]`);
		if (index.has(c)) throw new RangeError(`${fn}: duplicate category ${describe(c)}`);
		index.set(c, i);
	});
	return index;
}

/** Complete pairs of two rating vectors coded as category indices. */
export interface CodedPairs {
	categories: Label[];
	a: Int32Array;
	b: Int32Array;
}

/**
 * Validate two rating vectors, drop pairs with a `null`, and code the rest as
 * indices into `categories` (default: sorted distinct labels of both raters).
 * Throws on unequal lengths, no complete pair, or a label not in `categories`.
 */
export function codePairs(
	a: readonly (Label | null)[],
	b: readonly (Label | null)[],
	fn: string,
	categories?: readonly Label[],
	{ ordered = false } = {}
): CodedPairs {
	assertArray(a, `${fn}: a`);
	assertArray(b, `${fn}: b`);
	assertSameLength(a, b, ['a', 'b']);
	const keep: number[] = [];
	for (let i = 0; i < a.length; i++) {
		if (a[i] !== null) assertLabel(a[i], `${fn}: a[${i}]`);
		if (b[i] !== null) assertLabel(b[i], `${fn}: b[${i}]`);
		if (a[i] !== null && b[i] !== null) keep.push(i);
	}
	if (keep.length === 0) throw new RangeError(`${fn}: no item is rated by both raters`);
	const cats = categories
		? [...categories]
		: sortedCategories(
				keep.flatMap((i) => [a[i] as Label, b[i] as Label]),
				fn,
				{ ordered }
			);
	const index = checkCategories(cats, fn);
	const code = (v: Label, where: string): number => {
		const k = index.get(v);
		if (k === undefined) throw new RangeError(`${fn}: ${where} = ${describe(v)} is not one of the categories`);
		return k;
	};
	const codedA = new Int32Array(keep.length);
	const codedB = new Int32Array(keep.length);
	keep.forEach((i, j) => {
		codedA[j] = code(a[i] as Label, `a[${i}]`);
		codedB[j] = code(b[i] as Label, `b[${i}]`);
	});
	return { categories: cats, a: codedA, b: codedB };
}
