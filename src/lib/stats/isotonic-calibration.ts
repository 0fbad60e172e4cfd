/**
 * Calibrating judge scores to the human scale with isotonic regression, and
 * measuring by cross-validation whether the calibration helps.
 *
 * Why isotonic: we trust a judge's *ordering* more than its numbers (an LLM
 * that gives 4/5 where humans give 3/5 is miscalibrated, not useless). The
 * least-squares monotone map keeps the ordering and fixes the scale without a
 * parametric shape (Zadrozny & Elkan, "Transforming classifier scores into
 * accurate multiclass probability estimates", KDD 2002).
 */
import { fitIsotonic, type IsotonicStep } from './isotonic';
import { createRng } from './rng';
import { assertArrayLike, assertFiniteNumbers, assertInteger, assertSameLength, describe } from './validate';

export interface PredictionError {
	/** Mean squared error, mean over pairs of (prediction − human)². */
	mse: number;
	/** Mean absolute error, mean over pairs of |prediction − human|. */
	mae: number;
}

export interface IsotonicCalibration {
	predict: (judgeScore: number) => number;
	steps: IsotonicStep[];
	/** Pairs used (both scores non-null). */
	n: number;
	/**
	 * Out-of-fold prediction per complete pair, in input order of the complete
	 * pairs: what a fit on the other folds predicts for it (for intervals of
	 * the CV error, e.g. `predictionErrorIntervals`).
	 */
	outOfFold: Float64Array;
	cvError: {
		/** The raw judge score used as the prediction (identity map; needs no fitting). */
		before: PredictionError;
		/** Out-of-fold isotonic predictions: each fold predicted by a fit on the other folds. */
		after: PredictionError;
		/** Out-of-fold training-mean human score: the no-information baseline. */
		constant: PredictionError;
		folds: number;
		/** Number of distinct groups the folds were split by (= n without `groups`). */
		groups: number;
	};
}

export interface IsotonicCalibrationOptions {
	/** Number of cross-validation folds k, 2 ≤ k ≤ n (default 5). */
	folds?: number;
	/** Seed of the random fold assignment (default 1). */
	seed?: number;
	/**
	 * Item key per row (same length as `judge`). Rows sharing a key — several
	 * human ratings of one item — always land in the same fold. Pass it
	 * whenever an item has more than one row, or the cross-validated error is
	 * optimistic (see `isotonicCalibration`).
	 */
	groups?: readonly (string | number | null)[];
}

/**
 * Fit the isotonic map judge → human on all pairs and estimate its error by
 * k-fold cross-validation.
 *
 * Folds: the groups (items; every row its own group without `groups`) are
 * shuffled (seeded Fisher–Yates) and the group at shuffled position p goes to
 * fold p mod k, so fold sizes in groups differ by at most one. Grouped
 * ("leave-items-out") cross-validation is what estimates the error on *new*
 * items (Hastie, Tibshirani & Friedman, "The Elements of Statistical
 * Learning", 2nd ed. 2009, §7.10.2: any information shared between training
 * and test folds makes CV optimistic; Roberts et al. 2017, "Cross-validation
 * strategies for data with temporal, spatial, hierarchical, or phylogenetic
 * structure", Ecography 40, 913–929, on blocking by group). With three human
 * ratings per item and row folds, the other ratings of a test item sit in the
 * training fold at the same judge score, so the fit partly memorises the item
 * and the CV error can fall below the irreducible error; grouped folds remove
 * that leak (see isotonic.test.ts, 'grouped folds').
 * `before` is meaningful only when judge and human use the same scale; when
 * they don't, compare `after` with `constant`. Test points outside a
 * training fold's range get the end value (clipping), as in sklearn.
 *
 * @param judge judge scores, `null` = missing
 * @param human human scores for the same items, `null` = missing
 */
export function isotonicCalibration(
	judge: readonly (number | null)[],
	human: readonly (number | null)[],
	{ folds = 5, seed = 1, groups }: IsotonicCalibrationOptions = {}
): IsotonicCalibration {
	assertArrayLike(judge, 'isotonicCalibration: judge');
	assertArrayLike(human, 'isotonicCalibration: human');
	assertSameLength(judge, human, ['isotonicCalibration: judge', 'isotonicCalibration: human']);
	assertFiniteNumbers(judge, 'isotonicCalibration: judge', { allowNull: true });
	assertFiniteNumbers(human, 'isotonicCalibration: human', { allowNull: true });
	assertInteger(folds, 'isotonicCalibration: folds', 2);
	if (groups !== undefined) {
		assertArrayLike(groups, 'isotonicCalibration: groups');
		assertSameLength(judge, groups, ['isotonicCalibration: judge', 'isotonicCalibration: groups']);
	}
	const xs: number[] = [];
	const ys: number[] = [];
	// Group id per complete pair, numbered in order of first appearance.
	const groupOf: number[] = [];
	const groupId = new Map<string | number, number>();
	for (let i = 0; i < judge.length; i++) {
		const j = judge[i];
		const h = human[i];
		if (j === null || h === null) continue;
		xs.push(j);
		ys.push(h);
		if (groups === undefined) {
			groupOf.push(groupOf.length);
			continue;
		}
		const key = groups[i];
		if (typeof key !== 'string' && !(typeof key === 'number' && Number.isFinite(key))) {
			throw new TypeError(
				`isotonicCalibration: groups[${i}] must be a string or a finite number, got ${describe(key)}`
			);
		}
		let id = groupId.get(key);
		if (id === undefined) {
			id = groupId.size;
			groupId.set(key, id);
		}
		groupOf.push(id);
	}
	const n = xs.length;
	const g = groups === undefined ? n : groupId.size;
	if (g < folds) {
		throw new RangeError(
			`isotonicCalibration: ${g} ${groups === undefined ? 'complete pairs' : 'groups (items)'} is fewer than ` +
				`folds = ${folds}; lower folds or add data`
		);
	}
	const { predict, steps } = fitIsotonic(xs, ys);

	// Shuffle the groups (rows when ungrouped: the same draws as before groups existed).
	const order = Int32Array.from({ length: g }, (_, i) => i);
	const rng = createRng(seed);
	for (let i = g - 1; i > 0; i--) {
		const j = Math.floor(rng() * (i + 1));
		const t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	const foldOfGroup = new Int32Array(g);
	for (let p = 0; p < g; p++) foldOfGroup[order[p]] = p % folds;
	const foldOf = Int32Array.from(groupOf, (id) => foldOfGroup[id]);

	const outOfFold = new Float64Array(n);
	const after = { se: 0, ae: 0 };
	const constant = { se: 0, ae: 0 };
	for (let f = 0; f < folds; f++) {
		const trainX: number[] = [];
		const trainY: number[] = [];
		let trainSum = 0;
		for (let i = 0; i < n; i++) {
			if (foldOf[i] === f) continue;
			trainX.push(xs[i]);
			trainY.push(ys[i]);
			trainSum += ys[i];
		}
		const model = fitIsotonic(trainX, trainY);
		const mean = trainSum / trainY.length;
		for (let i = 0; i < n; i++) {
			if (foldOf[i] !== f) continue;
			outOfFold[i] = model.predict(xs[i]);
			const e = outOfFold[i] - ys[i];
			after.se += e * e;
			after.ae += Math.abs(e);
			const c = mean - ys[i];
			constant.se += c * c;
			constant.ae += Math.abs(c);
		}
	}
	let se = 0;
	let ae = 0;
	for (let i = 0; i < n; i++) {
		const e = xs[i] - ys[i];
		se += e * e;
		ae += Math.abs(e);
	}
	return {
		predict,
		steps,
		n,
		outOfFold,
		cvError: {
			before: { mse: se / n, mae: ae / n },
			after: { mse: after.se / n, mae: after.ae / n },
			constant: { mse: constant.se / n, mae: constant.ae / n },
			folds,
			groups: g
		}
	};
}
