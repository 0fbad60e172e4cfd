/**
 * Krippendorff's α for any number of raters, missing values, and nominal,
 * ordinal, interval or ratio data, computed through the coincidence matrix.
 *
 * Data: rows = raters (coders), columns = units, `null` = not rated. A unit
 * with m_u ≥ 2 values is pairable; others are ignored. For a pairable unit
 * with n_uc values c, the coincidence matrix gains
 *
 *   o_ck += n_uc · n_uk / (m_u − 1)   (c ≠ k),     o_cc += n_uc (n_uc − 1) / (m_u − 1)
 *
 * with marginals n_c = Σ_k o_ck and n = Σ_c n_c (the number of pairable values).
 *
 *   α = 1 − D_o / D_e = 1 − (n − 1) · Σ_{c,k} o_ck δ²_ck / Σ_{c,k} n_c n_k δ²_ck
 *
 * Difference functions δ²_ck (Krippendorff 2011):
 * - nominal:  0 if c = k, else 1
 * - ordinal:  (Σ_{g=c}^{k} n_g − (n_c + n_k) / 2)², g running over the values
 *             in rank order between c and k; uses the marginal frequencies,
 *             so only the order of the values matters, not their spacing
 * - interval: (c − k)²
 * - ratio:    ((c − k) / (c + k))²  (values ≥ 0; 0 when c = k = 0)
 *
 * Range: α ≤ 1; 1 = perfect reliability, 0 = agreement at chance level,
 * negative = systematic disagreement. Krippendorff (Content Analysis, 2004)
 * suggests α ≥ .800 for conclusions and ≥ .667 for tentative ones.
 *
 * Assumptions: raters work independently; missing values are missing at
 * random with respect to the values. The small-sample correction (n − 1) is
 * built in, which is one reason α differs from Fleiss' κ on small data.
 *
 * References: Krippendorff, K. (2011) "Computing Krippendorff's
 * Alpha-Reliability", Univ. of Pennsylvania, https://repository.upenn.edu/asc_papers/43;
 * Hayes & Krippendorff (2007) Commun. Methods Meas. 1, 77–89.
 */
import {
	assertArray,
	assertLabel,
	assertNonEmpty,
	checkCategories,
	describe,
	sortedCategories,
	type Label
} from './validate';

export type MeasurementLevel = 'nominal' | 'ordinal' | 'interval' | 'ratio';

export interface KrippendorffOptions {
	level: MeasurementLevel;
	/**
	 * The value domain: required to order string labels for 'ordinal'; also
	 * rejects labels outside it. Default: the sorted distinct values.
	 */
	categories?: readonly Label[];
}

export interface KrippendorffDetails {
	alpha: number;
	observedDisagreement: number;
	expectedDisagreement: number;
	/** n, the number of pairable values. */
	pairableValues: number;
	/** Units with at least two values. */
	pairableUnits: number;
	values: Label[];
	/** o_ck, rows and columns in the order of `values`. */
	coincidence: number[][];
}

const LEVELS: readonly MeasurementLevel[] = ['nominal', 'ordinal', 'interval', 'ratio'];

/** Flat k×k δ² matrix for a level; `marginals` (n_c) are needed for 'ordinal'. */
export function alphaDifferences(
	level: MeasurementLevel,
	values: readonly Label[],
	marginals: ArrayLike<number>
): Float64Array {
	const k = values.length;
	const d = new Float64Array(k * k);
	const cumulative = new Float64Array(k + 1);
	for (let g = 0; g < k; g++) cumulative[g + 1] = cumulative[g] + marginals[g];
	for (let c = 0; c < k; c++) {
		for (let j = c + 1; j < k; j++) {
			let delta: number;
			if (level === 'nominal') delta = 1;
			else if (level === 'ordinal') {
				const between = cumulative[j + 1] - cumulative[c] - (marginals[c] + marginals[j]) / 2;
				delta = between * between;
			} else {
				const x = values[c] as number;
				const y = values[j] as number;
				delta = level === 'interval' ? (x - y) ** 2 : x + y === 0 ? 0 : ((x - y) / (x + y)) ** 2;
			}
			d[c * k + j] = delta;
			d[j * k + c] = delta;
		}
	}
	return d;
}

/**
 * α from a flat k×k coincidence matrix whose rows/columns follow `values`
 * (ordered for 'ordinal', numeric for 'interval'/'ratio'). The fast path for
 * bootstrap loops; throws when D_e = 0 (no variation: α undefined).
 */
export function alphaFromCoincidence(
	coincidence: ArrayLike<number>,
	values: readonly Label[],
	level: MeasurementLevel
): { alpha: number; observed: number; expected: number; n: number } {
	const k = values.length;
	if (coincidence.length !== k * k) throw new RangeError(`krippendorffAlpha: coincidence must have ${k * k} cells`);
	const marginals = new Float64Array(k);
	for (let c = 0; c < k; c++) for (let j = 0; j < k; j++) marginals[c] += coincidence[c * k + j];
	let n = 0;
	for (let c = 0; c < k; c++) n += marginals[c];
	if (!(n > 0)) throw new RangeError('krippendorffAlpha: no unit has two or more values (nothing is pairable)');
	const delta = alphaDifferences(level, values, marginals);
	let observedSum = 0;
	let expectedSum = 0;
	for (let c = 0; c < k; c++) {
		for (let j = 0; j < k; j++) {
			observedSum += coincidence[c * k + j] * delta[c * k + j];
			expectedSum += marginals[c] * marginals[j] * delta[c * k + j];
		}
	}
	if (!(expectedSum > 0)) {
		throw new RangeError('krippendorffAlpha: undefined because the data show no variation (D_e = 0)');
	}
	return {
		alpha: 1 - ((n - 1) * observedSum) / expectedSum,
		observed: observedSum / n,
		expected: expectedSum / (n * (n - 1)),
		n
	};
}

/** Choose and validate the value domain for a level. */
function valueDomain(labels: Label[], { level, categories }: KrippendorffOptions): Label[] {
	const fn = 'krippendorffAlpha';
	const values = categories ? [...categories] : sortedCategories(labels, fn, { ordered: level !== 'nominal' });
	checkCategories(values, fn);
	if (level === 'ordinal' && !categories && values.some((v) => typeof v === 'string')) {
		throw new TypeError(`${fn}: ordinal string labels need \`categories\` in rank order`);
	}
	if (level === 'interval' || level === 'ratio') {
		for (const v of values) {
			if (typeof v !== 'number') throw new TypeError(`${fn}: ${level} data must be numeric, got ${describe(v)}`);
			if (level === 'ratio' && v < 0) throw new RangeError(`${fn}: ratio data must be ≥ 0, got ${v}`);
		}
	}
	return values;
}

/** Coincidence matrix o_ck of reliability data (rows raters, columns units). */
export function coincidenceMatrix(
	data: readonly (readonly (Label | null)[])[],
	options: KrippendorffOptions
): { values: Label[]; matrix: Float64Array; pairableUnits: number } {
	const fn = 'krippendorffAlpha';
	assertArray(data, `${fn}: data`);
	assertNonEmpty(data, `${fn}: data`);
	const units = Array.isArray(data[0]) ? data[0].length : -1;
	const labels: Label[] = [];
	data.forEach((row, r) => {
		if (!Array.isArray(row) || row.length !== units) {
			throw new RangeError(`${fn}: every rater row needs one entry per unit (row 0 has ${units}, row ${r} differs)`);
		}
		row.forEach((v, u) => {
			if (v === null) return;
			assertLabel(v, `${fn}: data[${r}][${u}]`);
			labels.push(v);
		});
	});
	assertNonEmpty(labels, `${fn}: data (all values are null)`);
	const values = valueDomain(labels, options);
	const index = new Map(values.map((v, i) => [v, i] as const));
	const k = values.length;
	const matrix = new Float64Array(k * k);
	const unitCounts = new Float64Array(k);
	let pairableUnits = 0;
	for (let u = 0; u < units; u++) {
		unitCounts.fill(0);
		let m = 0;
		for (let r = 0; r < data.length; r++) {
			const v = data[r][u];
			if (v === null) continue;
			const c = index.get(v);
			if (c === undefined)
				throw new RangeError(`${fn}: data[${r}][${u}] = ${describe(v)} is not one of the categories`);
			unitCounts[c]++;
			m++;
		}
		if (m < 2) continue;
		pairableUnits++;
		for (let c = 0; c < k; c++) {
			if (unitCounts[c] === 0) continue;
			for (let j = 0; j < k; j++) {
				const pairs = c === j ? unitCounts[c] * (unitCounts[c] - 1) : unitCounts[c] * unitCounts[j];
				matrix[c * k + j] += pairs / (m - 1);
			}
		}
	}
	return { values, matrix, pairableUnits };
}

/** Krippendorff's α with D_o, D_e and the coincidence matrix; see the module docblock. */
export function krippendorffAlphaDetails(
	data: readonly (readonly (Label | null)[])[],
	options: KrippendorffOptions
): KrippendorffDetails {
	if (!options || !LEVELS.includes(options.level)) {
		throw new RangeError(
			`krippendorffAlpha: level must be one of ${LEVELS.join(', ')}, got ${describe(options?.level)}`
		);
	}
	const { values, matrix, pairableUnits } = coincidenceMatrix(data, options);
	const result = alphaFromCoincidence(matrix, values, options.level);
	const k = values.length;
	return {
		alpha: result.alpha,
		observedDisagreement: result.observed,
		expectedDisagreement: result.expected,
		pairableValues: result.n,
		pairableUnits,
		values,
		coincidence: Array.from({ length: k }, (_, c) => Array.from(matrix.subarray(c * k, c * k + k)))
	};
}

/**
 * Krippendorff's α of reliability data (rows = raters, columns = units,
 * `null` = missing) at the given level of measurement. Throws on ragged rows,
 * unknown or non-numeric values for the level, no pairable unit, or no
 * variation (D_e = 0).
 */
export function krippendorffAlpha(data: readonly (readonly (Label | null)[])[], options: KrippendorffOptions): number {
	return krippendorffAlphaDetails(data, options).alpha;
}
