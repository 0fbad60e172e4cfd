/**
 * Cohen's κ for two raters, unweighted or weighted.
 *
 * With disagreement weights w_ij (w_ii = 0), observed proportions
 * p_ij = n_ij / n and marginals p_i· , p_·j:
 *
 *   κ_w = 1 − Σ w_ij p_ij / Σ w_ij p_i· p_·j
 *
 * - none:      w_ij = 1[i ≠ j]            → κ = (p_o − p_e) / (1 − p_e)   (Cohen 1960)
 * - linear:    w_ij = |d_i − d_j|                                          (Cicchetti & Allison 1971)
 * - quadratic: w_ij = (d_i − d_j)²                                         (Cohen 1968; Fleiss & Cohen 1973)
 *
 * Scaling the weights (e.g. dividing by (k − 1) or (k − 1)²) cancels in the
 * ratio, so it is omitted. Range: [−1, 1] for unweighted κ (1 = perfect
 * agreement, 0 = chance level); weighted κ ≤ 1.
 *
 * Convention for d: by default `weightBy: 'position'`, d_i = i, the position of
 * the category in the ordered `categories` list (default: the sorted distinct
 * labels both raters used). This is what R `irr::kappa2` ("equal"/"squared")
 * and sklearn `cohen_kappa_score(weights=…)` do. Caveat: a scale point nobody
 * used drops out of the default list and shrinks distances, so pass the full
 * scale as `categories` for Likert data. `weightBy: 'value'` uses the numeric
 * labels themselves, d_i = categories[i] (distances in scale units).
 *
 * Text labels with weights: weighted κ needs the scale order, and sorting text
 * by character code does not give it ("high" < "low" < "medium"; "10" < "2").
 * Measured: low/medium/high with quadratic weights gives κ = 0.275 in code
 * order instead of 0.667 in scale order; "1", "2", "9", "10" as text with
 * linear weights gives −0.053 instead of 0.474. So 'linear' / 'quadratic' on
 * string labels require `categories` in scale order (a TypeError otherwise),
 * as ordinal `krippendorffAlpha` does. Numbers sort numerically and need none.
 *
 * Assumptions: both raters label the same items independently; categories are
 * exhaustive and, for weighted κ, ordered. Pairs with a `null` are dropped.
 *
 * References: Cohen, J. (1960) Educ. Psychol. Meas. 20, 37–46; Cohen, J. (1968)
 * Psychol. Bull. 70, 213–220; Fleiss, Levin & Paik (2003) Statistical Methods
 * for Rates and Proportions, 3rd ed., ch. 18.
 */
import { codePairs, describe, type Label } from './validate';

export type KappaWeights = 'none' | 'linear' | 'quadratic';

export interface CohenKappaOptions {
	weights?: KappaWeights;
	/** Ordered category list; default: sorted distinct labels of both raters. */
	categories?: readonly Label[];
	/** Distance between categories: by list position (default) or by numeric value. */
	weightBy?: 'position' | 'value';
}

export interface CohenKappaDetails {
	kappa: number;
	/** Σ w p_ij / max w: 1 − p_o when unweighted. */
	observedDisagreement: number;
	/** Σ w p_i· p_·j / max w: 1 − p_e when unweighted. */
	expectedDisagreement: number;
	/** Number of items both raters labelled. */
	n: number;
	categories: Label[];
}

/** Flat k×k disagreement-weight matrix for the given distances d. */
export function kappaWeightMatrix(weights: KappaWeights, distances: readonly number[]): Float64Array {
	const k = distances.length;
	const w = new Float64Array(k * k);
	for (let i = 0; i < k; i++) {
		for (let j = 0; j < k; j++) {
			const d = Math.abs(distances[i] - distances[j]);
			w[i * k + j] = weights === 'none' ? (i === j ? 0 : 1) : weights === 'linear' ? d : d * d;
		}
	}
	return w;
}

/** Weighted observed and chance disagreement sums of a flat k×k count table. */
function disagreementSums(
	table: ArrayLike<number>,
	weights: ArrayLike<number>,
	k: number
): { n: number; observed: number; expected: number } {
	const rows = new Float64Array(k);
	const cols = new Float64Array(k);
	let observed = 0;
	for (let i = 0; i < k; i++) {
		for (let j = 0; j < k; j++) {
			const c = table[i * k + j];
			rows[i] += c;
			cols[j] += c;
			observed += weights[i * k + j] * c;
		}
	}
	let n = 0;
	let expected = 0;
	for (let i = 0; i < k; i++) {
		n += rows[i];
		for (let j = 0; j < k; j++) expected += weights[i * k + j] * rows[i] * cols[j];
	}
	return { n, observed, expected };
}

/**
 * κ_w from a flat k×k table of counts (rows rater a, columns rater b) and a
 * flat weight matrix (see `kappaWeightMatrix`); the fast path for bootstrap
 * loops. Throws when there are no counts or the chance disagreement is 0
 * (p_e = 1, κ undefined).
 */
export function cohenKappaFromTable(table: ArrayLike<number>, weights: ArrayLike<number>, k: number): number {
	if (table.length !== k * k || weights.length !== k * k) {
		throw new RangeError(`cohenKappaFromTable: table and weights must have k² = ${k * k} cells`);
	}
	const { n, observed, expected } = disagreementSums(table, weights, k);
	if (!(n > 0)) throw new RangeError('cohenKappa: no rated items');
	if (!(expected > 0)) {
		throw new RangeError(
			'cohenKappa: undefined because chance disagreement is 0 (p_e = 1: all ratings fall in a single category)'
		);
	}
	// κ = 1 − (observed / n) / (expected / n²)
	return 1 - (n * observed) / expected;
}

/** Cohen's κ with its components. See the module docblock for formula and conventions. */
export function cohenKappaDetails(
	a: readonly (Label | null)[],
	b: readonly (Label | null)[],
	{ weights = 'none', categories, weightBy = 'position' }: CohenKappaOptions = {}
): CohenKappaDetails {
	if (weights !== 'none' && weights !== 'linear' && weights !== 'quadratic') {
		throw new RangeError(`cohenKappa: weights must be 'none', 'linear' or 'quadratic', got ${describe(weights)}`);
	}
	if (weightBy !== 'position' && weightBy !== 'value') {
		throw new RangeError(`cohenKappa: weightBy must be 'position' or 'value', got ${describe(weightBy)}`);
	}
	const coded = codePairs(a, b, 'cohenKappa', categories, { ordered: weights !== 'none' });
	if (weights !== 'none' && categories === undefined && coded.categories.some((c) => typeof c === 'string')) {
		// Character-code order is not a scale order (see the module docblock).
		throw new TypeError(
			`cohenKappa: weights '${weights}' on text labels need \`categories\` in scale order ` +
				`(e.g. ['low', 'medium', 'high'] or, for pairwise verdicts, ['A', 'tie', 'B']); ` +
				`text sorts by character code, which is not the order of the scale`
		);
	}
	const k = coded.categories.length;
	let distances: number[];
	if (weightBy === 'value') {
		if (!coded.categories.every((c) => typeof c === 'number')) {
			throw new TypeError("cohenKappa: weightBy 'value' needs numeric categories");
		}
		distances = coded.categories as number[];
	} else {
		distances = coded.categories.map((_, i) => i);
	}
	const w = kappaWeightMatrix(weights, distances);
	const table = new Float64Array(k * k);
	for (let i = 0; i < coded.a.length; i++) table[coded.a[i] * k + coded.b[i]]++;
	const kappa = cohenKappaFromTable(table, w, k);
	const { n, observed, expected } = disagreementSums(table, w, k);
	let maxW = 0;
	for (let c = 0; c < k * k; c++) maxW = Math.max(maxW, w[c]);
	return {
		kappa,
		observedDisagreement: observed / n / maxW,
		expectedDisagreement: expected / (n * n) / maxW,
		n,
		categories: coded.categories
	};
}

/**
 * Cohen's κ (weights 'none'), or weighted κ ('linear' / 'quadratic') of two
 * raters; see the module docblock. Throws on mismatched lengths, no complete
 * pair, unknown categories, or p_e = 1.
 */
export function cohenKappa(
	a: readonly (Label | null)[],
	b: readonly (Label | null)[],
	options: CohenKappaOptions = {}
): number {
	return cohenKappaDetails(a, b, options).kappa;
}
