import { describe, expect, it } from 'vitest';
import { bootstrapCI, bootstrapIndexCI } from './bootstrap';
import { cohenKappa, cohenKappaFromTable, kappaWeightMatrix } from './cohen-kappa';
import { cohenKappaInterval } from './kappa-interval';
import { createRng, type Rng } from './rng';

/** κ of a probability table (agreement weights 1 − d/max d). */
function kappaOfCells(p: number[], k: number, disagreement: Float64Array): number {
	return cohenKappaFromTable(p, disagreement, k);
}

/**
 * Independent reference for the Fleiss–Cohen–Everitt variance: the delta
 * method with a numerical gradient of κ(p) and the multinomial covariance
 * (diag(p) − ppᵀ)/n.
 */
function deltaMethodSe(counts: number[], k: number, disagreement: Float64Array): number {
	const n = counts.reduce((s, c) => s + c, 0);
	const p = counts.map((c) => c / n);
	const eps = 1e-6;
	const grad = p.map((_, c) => {
		const up = [...p];
		const down = [...p];
		up[c] += eps;
		down[c] -= eps;
		// κ is homogeneous of degree 0 in unnormalised counts, so no renormalising is needed.
		return (kappaOfCells(up, k, disagreement) - kappaOfCells(down, k, disagreement)) / (2 * eps);
	});
	let mean = 0;
	let square = 0;
	p.forEach((pc, c) => {
		mean += pc * grad[c];
		square += pc * grad[c] ** 2;
	});
	return Math.sqrt((square - mean * mean) / n);
}

/** Expand a k×k count table into two label vectors. */
function ratings(counts: number[], k: number): { a: number[]; b: number[] } {
	const a: number[] = [];
	const b: number[] = [];
	counts.forEach((c, cell) => {
		for (let t = 0; t < c; t++) {
			a.push(Math.floor(cell / k) + 1);
			b.push((cell % k) + 1);
		}
	});
	return { a, b };
}

describe('cohenKappaInterval — Fleiss, Cohen & Everitt standard error', () => {
	// Fleiss, Levin & Paik (2003), Table 18.1-style 3×3 diagnoses, 100 subjects.
	const counts = [75, 1, 4, 5, 4, 1, 0, 0, 10];
	const { a, b } = ratings(counts, 3);

	it('unweighted: equals the delta method with a numerical gradient', () => {
		const res = cohenKappaInterval(a, b);
		expect(res.estimate).toBeCloseTo(cohenKappa(a, b), 14);
		expect(res.se).toBeCloseTo(deltaMethodSe(counts, 3, kappaWeightMatrix('none', [0, 1, 2])), 7);
		expect(res.wald[1] - res.wald[0]).toBeCloseTo(2 * 1.959963984540054 * res.se, 12);
		expect(res.n).toBe(100);
		expect(res.clusters).toBe(100);
	});

	it('linear and quadratic weights: equal the delta method too', () => {
		for (const weights of ['linear', 'quadratic'] as const) {
			const res = cohenKappaInterval(a, b, { weights, categories: [1, 2, 3] });
			expect(res.estimate).toBeCloseTo(cohenKappa(a, b, { weights, categories: [1, 2, 3] }), 14);
			expect(res.se).toBeCloseTo(deltaMethodSe(counts, 3, kappaWeightMatrix(weights, [0, 1, 2])), 7);
		}
	});

	it('cluster-robust: singleton clusters give the CR1 factor; duplicated items do not shrink the SE', () => {
		const iid = cohenKappaInterval(a, b);
		const singletons = cohenKappaInterval(a, b, { clusters: a.map((_, i) => i) });
		expect(singletons.se).toBeCloseTo(iid.se * Math.sqrt(100 / 99), 12);
		// Every item rated twice (same labels, same cluster): the naive SE shrinks by √2, the clustered one does not.
		const a2 = [...a, ...a];
		const b2 = [...b, ...b];
		const keys = [...a.map((_, i) => i), ...a.map((_, i) => i)];
		expect(cohenKappaInterval(a2, b2).se).toBeCloseTo(iid.se / Math.SQRT2, 10);
		expect(cohenKappaInterval(a2, b2, { clusters: keys }).se).toBeCloseTo(singletons.se, 10);
		expect(() => cohenKappaInterval(a, b, { clusters: [1, 2] })).toThrow(/one key per rated pair/);
	});

	it('perfect agreement: SE 0, a warning, and a Wilson-based interval of positive width', () => {
		const x = ['pass', 'fail', 'pass', 'pass', 'fail', 'pass', 'fail', 'pass', 'pass', 'fail'];
		const res = cohenKappaInterval(x, x);
		expect(res.estimate).toBe(1);
		expect(res.se).toBe(0);
		expect(res.warnings.join(' ')).toMatch(/agree on every item/);
		// Wilson lower end at p̂ = 1 is n/(n + z²); p_e = 0.6² + 0.4² = 0.52.
		const z2 = 1.959963984540054 ** 2;
		expect(res.ci[0]).toBeCloseTo((10 / (10 + z2) - 0.52) / 0.48, 12);
		expect(res.ci[1]).toBe(1);
		expect(() => cohenKappaInterval(['a', 'a'], ['a', 'a'])).toThrow(/p_e = 1/);
	});
});

/** Draw n rated pairs from a 2×2 joint distribution [p(1,1), p(1,0), p(0,1), p(0,0)]. */
function drawPairs(rng: Rng, cells: number[], n: number, a: Int32Array, b: Int32Array): void {
	for (let t = 0; t < n; t++) {
		const u = rng();
		let c = 0;
		for (let acc = cells[0]; u >= acc && c < 3; acc += cells[++c]);
		a[t] = c < 2 ? 1 : 0;
		b[t] = c === 0 || c === 2 ? 1 : 0;
	}
}

function trueKappa(cells: number[]): number {
	const p1 = cells[0] + cells[1];
	const q1 = cells[0] + cells[2];
	const pe = p1 * q1 + (1 - p1) * (1 - q1);
	return (cells[0] + cells[3] - pe) / (1 - pe);
}

/** Unweighted κ of a 0/1 resample, NaN when undefined (index fast path). */
function kappaStatistic(a: Int32Array, b: Int32Array) {
	return (idx: Int32Array, len: number): number => {
		let ra = 0;
		let rb = 0;
		let agree = 0;
		for (let i = 0; i < len; i++) {
			const x = a[idx[i]];
			const y = b[idx[i]];
			ra += x;
			rb += y;
			agree += x === y ? 1 : 0;
		}
		const pa = ra / len;
		const pb = rb / len;
		const pe = pa * pb + (1 - pa) * (1 - pb);
		return (agree / len - pe) / (1 - pe); // NaN or ±Infinity when p_e = 1: undefined
	};
}

interface Coverage {
	recommended: number;
	percentile: number;
	zeroWidth: number;
	studies: number;
}

/** Coverage of the 95% intervals over `studies` simulated samples (κ undefined on the sample: skipped). */
function coverage(cells: number[], n: number, studies: number, seed: number, bootstrapStudies: number): Coverage {
	const truth = trueKappa(cells);
	const rng = createRng(seed);
	const a = new Int32Array(n);
	const b = new Int32Array(n);
	let used = 0;
	let covered = 0;
	let bootUsed = 0;
	let bootCovered = 0;
	let zeroWidth = 0;
	for (let s = 0; s < studies; s++) {
		drawPairs(rng, cells, n, a, b);
		const la = Array.from(a);
		const lb = Array.from(b);
		let res;
		try {
			res = cohenKappaInterval(la, lb);
		} catch {
			continue; // every rating in one category: κ undefined on this sample
		}
		used++;
		if (res.ci[0] <= truth && truth <= res.ci[1]) covered++;
		if (s < bootstrapStudies) {
			const boot = bootstrapIndexCI(kappaStatistic(a, b), n, { seed: s + 1, resamples: 500 });
			bootUsed++;
			if (boot.ci[0] <= truth && truth <= boot.ci[1]) bootCovered++;
			if (boot.zeroWidth) zeroWidth++;
		}
	}
	return {
		recommended: covered / used,
		percentile: bootCovered / bootUsed,
		zeroWidth: zeroWidth / bootUsed,
		studies: used
	};
}

describe('cohenKappaInterval — coverage in simulation (95% intervals)', () => {
	// Binary labels, balanced, raters disagree on 3% of items: κ = 0.94.
	const nearOne = [0.485, 0.015, 0.015, 0.485];

	it('κ = 0.94 at n = 30: percentile bootstrap ≈ 59% (zero-width on ≈ 40%), recommended ≥ 93%', () => {
		expect(trueKappa(nearOne)).toBeCloseTo(0.94, 12);
		const c = coverage(nearOne, 30, 4000, 301, 600);
		console.log('κ = 0.94, n = 30:', c);
		// 1,000 bootstrap studies: Monte Carlo SE ≈ 1.6 points; 10,000 analytic: ≈ 0.25 points.
		expect(c.percentile).toBeLessThan(0.7);
		expect(c.zeroWidth).toBeGreaterThan(0.33);
		expect(c.zeroWidth).toBeLessThan(0.47);
		expect(c.recommended).toBeGreaterThanOrEqual(0.93);
	}, 20_000);

	it('κ = 0.94 at n = 60: percentile bootstrap ≈ 83%, recommended ≥ 93%', () => {
		const c = coverage(nearOne, 60, 4000, 601, 400);
		console.log('κ = 0.94, n = 60:', c);
		expect(c.percentile).toBeLessThan(0.9);
		expect(c.recommended).toBeGreaterThanOrEqual(0.93);
	}, 20_000);

	it('rare category (5% "fail", n = 100, κ = 0.68): recommended ≥ 93%, bootstrap returns intervals', () => {
		const rare = [0.035, 0.015, 0.015, 0.935];
		const c = coverage(rare, 100, 4000, 1001, 300);
		console.log('rare category, n = 100:', c, 'true κ', trueKappa(rare));
		expect(c.recommended).toBeGreaterThanOrEqual(0.93);
		expect(c.percentile).toBeGreaterThan(0.85);
	}, 20_000);

	it('mid-range κ (0.6, n = 80, unbalanced): recommended within 93–98%', () => {
		const mid = [0.2, 0.1, 0.04, 0.66];
		const c = coverage(mid, 80, 4000, 81, 0);
		console.log('κ =', trueKappa(mid), 'n = 80:', c.recommended);
		expect(c.recommended).toBeGreaterThanOrEqual(0.93);
		expect(c.recommended).toBeLessThanOrEqual(0.98);
	}, 20_000);
});

describe('bootstrapCI(cohenKappa) with a rare category', () => {
	it('returns an interval and counts the resamples where κ is undefined (instead of throwing)', () => {
		// 100 items, 5 "fail" both raters agree on, 2 disagreements: a resample that misses
		// all seven has a single category and κ is undefined there (p ≈ 0.93^100 ≈ 0.07%… per item set).
		const a: string[] = [];
		const b: string[] = [];
		for (let i = 0; i < 100; i++) {
			a.push(i < 5 || i === 5 ? 'fail' : 'pass');
			b.push(i < 5 || i === 6 ? 'fail' : 'pass');
		}
		const pairs = a.map((x, i) => [x, b[i]] as const);
		const stat = (s: (readonly [string, string])[]) =>
			cohenKappa(
				s.map((p) => p[0]),
				s.map((p) => p[1])
			);
		const res = bootstrapCI(stat, pairs, { seed: 1, resamples: 2000 });
		expect(res.estimate).toBeCloseTo(cohenKappa(a, b), 14);
		expect(res.undefinedResamples).toBeGreaterThan(0);
		expect(res.ci[0]).toBeLessThan(res.estimate);
		expect(res.ci[1]).toBeLessThanOrEqual(1);
		expect(res.warnings).toEqual([]); // under the 5% threshold
		const strict = bootstrapCI(stat, pairs, { seed: 1, resamples: 2000, warnUndefinedShare: 0 });
		expect(strict.warnings[0]).toMatch(new RegExp(`undefined on ${res.undefinedResamples} of 2000`));
	});
});
