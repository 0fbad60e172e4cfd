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
import { assertArrayLike, assertFiniteNumbers, assertInteger, assertSameLength } from './validate';

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
	cvError: {
		/** The raw judge score used as the prediction (identity map; needs no fitting). */
		before: PredictionError;
		/** Out-of-fold isotonic predictions: each fold predicted by a fit on the other folds. */
		after: PredictionError;
		/** Out-of-fold training-mean human score: the no-information baseline. */
		constant: PredictionError;
		folds: number;
	};
}

export interface IsotonicCalibrationOptions {
	/** Number of cross-validation folds k, 2 ≤ k ≤ n (default 5). */
	folds?: number;
	/** Seed of the random fold assignment (default 1). */
	seed?: number;
}

/**
 * Fit the isotonic map judge → human on all pairs and estimate its error by
 * k-fold cross-validation.
 *
 * Folds: the pairs are shuffled (seeded Fisher–Yates) and pair at shuffled
 * position p goes to fold p mod k, so fold sizes differ by at most one.
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
	{ folds = 5, seed = 1 }: IsotonicCalibrationOptions = {}
): IsotonicCalibration {
	assertArrayLike(judge, 'isotonicCalibration: judge');
	assertArrayLike(human, 'isotonicCalibration: human');
	assertSameLength(judge, human, ['isotonicCalibration: judge', 'isotonicCalibration: human']);
	assertFiniteNumbers(judge, 'isotonicCalibration: judge', { allowNull: true });
	assertFiniteNumbers(human, 'isotonicCalibration: human', { allowNull: true });
	assertInteger(folds, 'isotonicCalibration: folds', 2);
	const xs: number[] = [];
	const ys: number[] = [];
	for (let i = 0; i < judge.length; i++) {
		const j = judge[i];
		const h = human[i];
		if (j !== null && h !== null) {
			xs.push(j);
			ys.push(h);
		}
	}
	const n = xs.length;
	if (n < folds) {
		throw new RangeError(
			`isotonicCalibration: ${n} complete pairs is fewer than folds = ${folds}; lower folds or add data`
		);
	}
	const { predict, steps } = fitIsotonic(xs, ys);

	const order = Int32Array.from({ length: n }, (_, i) => i);
	const rng = createRng(seed);
	for (let i = n - 1; i > 0; i--) {
		const j = Math.floor(rng() * (i + 1));
		const t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	const foldOf = new Int32Array(n);
	for (let p = 0; p < n; p++) foldOf[order[p]] = p % folds;

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
			const e = model.predict(xs[i]) - ys[i];
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
		cvError: {
			before: { mse: se / n, mae: ae / n },
			after: { mse: after.se / n, mae: after.ae / n },
			constant: { mse: constant.se / n, mae: constant.ae / n },
			folds
		}
	};
}
