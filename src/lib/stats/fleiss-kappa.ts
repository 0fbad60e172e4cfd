/**
 * Fleiss' κ: chance-corrected agreement of a fixed number n ≥ 2 of ratings per
 * subject on a nominal scale, with per-category κ and standard errors under
 * the null hypothesis of chance agreement.
 *
 * Input: counts[i][j] = number of raters who put subject i (of N) in category j
 * (of k); every row sums to the same n. The raters need not be the same people
 * for every subject (Fleiss' design), but every subject needs n ratings; with
 * missing ratings use Krippendorff's α instead.
 *
 *   P_i   = (Σ_j n_ij² − n) / (n (n − 1))       agreement on subject i
 *   P̄     = (1/N) Σ_i P_i,    p_j = Σ_i n_ij / (N n),    P̄_e = Σ_j p_j²
 *   κ     = (P̄ − P̄_e) / (1 − P̄_e)
 *   κ_j   = 1 − Σ_i n_ij (n − n_ij) / (N n (n − 1) p_j q_j),  q_j = 1 − p_j
 *
 * Standard errors under H0 (no agreement beyond chance), large-sample, from
 * Fleiss, Nee & Landis (1979), which corrects the variance given in Fleiss
 * (1971); also in Fleiss, Levin & Paik (2003), ch. 18:
 *
 *   SE₀(κ)   = √2 / (Σ p_j q_j · √(N n (n − 1))) · √((Σ p_j q_j)² − Σ p_j q_j (q_j − p_j))
 *   SE₀(κ_j) = √(2 / (N n (n − 1)))
 *
 * These test κ = 0 (z = κ / SE₀, as R `irr::kappam.fleiss` does); they are not
 * confidence intervals for κ ≠ 0: use `bootstrapCI` over subjects for that.
 *
 * Range: κ ∈ [−1/(n − 1), 1]; 1 = perfect agreement, 0 = chance level. Note
 * that Fleiss' κ is a multi-rater generalisation of Scott's π, so with n = 2 it
 * does not equal Cohen's κ (it assumes one shared category distribution).
 *
 * References: Fleiss, J. L. (1971) Psychol. Bull. 76, 378–382; Fleiss, Nee &
 * Landis (1979) Psychol. Bull. 86, 974–977.
 */
import { assertArray, assertNonEmpty, checkCategories, describe, sortedCategories, type Label } from './validate';

export interface FleissKappaDetails {
	kappa: number;
	/** P̄, mean pairwise agreement within subjects. */
	observedAgreement: number;
	/** P̄_e = Σ p_j². */
	expectedAgreement: number;
	/** P_i per subject. */
	subjectAgreement: number[];
	/** p_j per category. */
	categoryProportions: number[];
	/** κ_j per category; null for a category never (or always) used, where it is undefined. */
	categoryKappa: (number | null)[];
	/** SE₀(κ) under H0: κ = 0. */
	standardError: number;
	/** SE₀(κ_j), the same for every category. */
	categoryStandardError: number;
	/** κ / SE₀(κ). */
	z: number;
	subjects: number;
	raters: number;
}

/** Validate a subjects × categories count matrix; returns n (ratings per subject). */
function checkCounts(counts: readonly (readonly number[])[]): number {
	assertArray(counts, 'fleissKappa: counts');
	assertNonEmpty(counts, 'fleissKappa: counts');
	const k = Array.isArray(counts[0]) ? counts[0].length : -1;
	let raters = -1;
	counts.forEach((row, i) => {
		if (!Array.isArray(row) || row.length !== k) {
			throw new RangeError(`fleissKappa: counts[${i}] must be an array of ${k} category counts`);
		}
		let sum = 0;
		row.forEach((c, j) => {
			if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) {
				throw new RangeError(`fleissKappa: counts[${i}][${j}] must be a non-negative integer, got ${describe(c)}`);
			}
			sum += c;
		});
		if (raters === -1) raters = sum;
		if (sum !== raters) {
			throw new RangeError(
				`fleissKappa: every subject needs the same number of ratings (row 0 has ${raters}, row ${i} has ${sum}); ` +
					'use krippendorffAlpha for missing ratings'
			);
		}
	});
	if (raters < 2) throw new RangeError(`fleissKappa: each subject needs at least 2 ratings, got ${raters}`);
	return raters;
}

/** Fleiss' κ with per-subject and per-category detail; see the module docblock. */
export function fleissKappaDetails(counts: readonly (readonly number[])[]): FleissKappaDetails {
	const n = checkCounts(counts);
	const N = counts.length;
	const k = counts[0].length;
	const totals = new Array<number>(k).fill(0);
	let sumSquares = 0;
	const subjectAgreement = counts.map((row) => {
		let sq = 0;
		row.forEach((c, j) => {
			sq += c * c;
			totals[j] += c;
		});
		sumSquares += sq;
		return (sq - n) / (n * (n - 1));
	});
	const ratings = N * n;
	// Integer sums first, one division each: exact up to the final rounding.
	const observedAgreement = (sumSquares - ratings) / (ratings * (n - 1));
	const expectedAgreement = totals.reduce((s, t) => s + t * t, 0) / (ratings * ratings);
	if (!(expectedAgreement < 1)) {
		throw new RangeError('fleissKappa: undefined because all ratings fall in a single category (P̄_e = 1)');
	}
	const kappa = (observedAgreement - expectedAgreement) / (1 - expectedAgreement);
	const p = totals.map((t) => t / ratings);
	const pairs = ratings * (n - 1);
	const categoryKappa = p.map((pj, j) => {
		if (pj === 0 || pj === 1) return null;
		let disagreement = 0;
		for (const row of counts) disagreement += row[j] * (n - row[j]);
		return 1 - disagreement / (pairs * pj * (1 - pj));
	});
	let sumPQ = 0;
	let sumPQQP = 0;
	for (const pj of p) {
		sumPQ += pj * (1 - pj);
		sumPQQP += pj * (1 - pj) * (1 - 2 * pj);
	}
	const standardError = (Math.SQRT2 / (sumPQ * Math.sqrt(pairs))) * Math.sqrt(sumPQ * sumPQ - sumPQQP);
	return {
		kappa,
		observedAgreement,
		expectedAgreement,
		subjectAgreement,
		categoryProportions: p,
		categoryKappa,
		standardError,
		categoryStandardError: Math.sqrt(2 / pairs),
		z: kappa / standardError,
		subjects: N,
		raters: n
	};
}

/**
 * Fleiss' κ from a subjects × categories matrix of rating counts (Fleiss 1971);
 * see the module docblock. Throws on ragged rows, unequal ratings per subject,
 * fewer than 2 ratings per subject, or a single used category (P̄_e = 1).
 */
export function fleissKappa(counts: readonly (readonly number[])[]): number {
	return fleissKappaDetails(counts).kappa;
}

/**
 * Turn per-subject ratings (ratings[i] = the labels subject i received) into
 * the count matrix `fleissKappa` expects. `categories` fixes the column order
 * (default: sorted distinct labels); a label outside it throws.
 */
export function ratingsToCounts(
	ratings: readonly (readonly Label[])[],
	categories?: readonly Label[]
): { categories: Label[]; counts: number[][] } {
	assertArray(ratings, 'ratingsToCounts: ratings');
	const all = ratings.flatMap((row, i) => {
		assertArray(row, `ratingsToCounts: ratings[${i}]`);
		return row;
	});
	const cats = categories ? [...categories] : sortedCategories(all, 'ratingsToCounts');
	const index = checkCategories(cats, 'ratingsToCounts');
	const counts = ratings.map((row, i) => {
		const out = new Array<number>(cats.length).fill(0);
		row.forEach((v, r) => {
			const j = index.get(v);
			if (j === undefined) {
				throw new RangeError(`ratingsToCounts: ratings[${i}][${r}] = ${describe(v)} is not one of the categories`);
			}
			out[j]++;
		});
		return out;
	});
	return { categories: cats, counts };
}
