import { describe, expect, it } from 'vitest';
import { ppiMean } from './ppi';
import { createRng, randomNormal } from './rng';

// A small binary-label example. Reference numbers: a line-by-line NumPy
// transcription of ppi_py (`ppi_mean_ci`, `ppi_mean_pointestimate`,
// `_calc_lam_glm`, `classical_mean_ci` at commit c43453a) run with NumPy 1.24 /
// SciPy 1.10 (`statsmodels._zconfint_generic` = estimate ∓ norm.ppf(1 − α/2)·se).
const y = [1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0];
const yhat = [0.9, 0.2, 0.7, 0.6, 0.4, 0.8, 0.95, 0.1, 0.3, 0.85, 0.5, 0.15];
const u = [0.8, 0.1, 0.65, 0.9, 0.3, 0.55, 0.2, 0.75, 0.6, 0.05, 0.45, 0.35, 0.9, 0.7, 0.25, 0.5, 0.85, 0.15, 0.4, 0.6];

function close(actual: number, expected: number, digits = 12): void {
	expect(actual).toBeCloseTo(expected, digits);
}

describe('ppiMean — ppi_py reference values', () => {
	it("PPI++ (lambda 'auto'), α = 0.05", () => {
		const r = ppiMean({ labeled: { y, yhat }, unlabeled: { yhat: u } });
		close(r.lambda, 0.8878859908347251);
		close(r.estimate, 0.552257323654118);
		close(r.ci[0], 0.3362399911565377);
		close(r.ci[1], 0.7682746561516982);
		expect([r.n, r.N]).toEqual([12, 20]);
		close(r.classical.estimate, 0.5833333333333334);
		close(r.classical.ci[0], 0.3043936881578343);
		close(r.classical.ci[1], 0.8622729785088324);
	});

	it('PPI++ and plain PPI (λ = 1), α = 0.1 (ppi_py default)', () => {
		const auto = ppiMean({ labeled: { y, yhat }, unlabeled: { yhat: u }, alpha: 0.1 });
		close(auto.ci[0], 0.3709698634529503);
		close(auto.ci[1], 0.7335447838552855);
		const plain = ppiMean({ labeled: { y, yhat }, unlabeled: { yhat: u }, alpha: 0.1, lambda: 1 });
		expect(plain.lambda).toBe(1);
		close(plain.estimate, 0.5483333333333335);
		close(plain.ci[0], 0.3657894349879107);
		close(plain.ci[1], 0.7308772316787562);
		close(plain.classical.ci[0], 0.34923980371414154);
		close(plain.classical.ci[1], 0.8174268629525252);
	});

	it('clips λ̂ to 0 for an anti-correlated judge (= classical) and to 1 when the optimum exceeds 1', () => {
		const anti = ppiMean({ labeled: { y, yhat: yhat.map((v) => 1 - v) }, unlabeled: { yhat: u } });
		expect(anti.lambda).toBe(0);
		close(anti.ci[0], 0.3043936881578343);
		close(anti.ci[1], 0.8622729785088324);
		const half = (a: number[]) => a.map((v) => v * 0.5);
		const strong = ppiMean({ labeled: { y, yhat: half(yhat) }, unlabeled: { yhat: half(u) } });
		expect(strong.lambda).toBe(1);
		// The optimum before clipping is reported, with a warning; clip: false uses it.
		expect(strong.lambdaUnclipped).toBeCloseTo(2 * 0.8878859908347251, 12);
		expect(strong.warnings.join(' ')).toMatch(/λ̂ = 1\.776 was clipped to 1/);
		const unclipped = ppiMean({ labeled: { y, yhat: half(yhat) }, unlabeled: { yhat: half(u) }, clip: false });
		expect(unclipped.lambda).toBeCloseTo(strong.lambdaUnclipped as number, 12);
		// Scaling ŷ by ½ and λ by 2 is the same estimator as the original PPI++ fit.
		close(unclipped.estimate, 0.552257323654118);
		close(unclipped.ci[0], 0.3362399911565377);
		expect(anti.lambdaUnclipped).toBeLessThan(0);
		expect(ppiMean({ labeled: { y, yhat }, unlabeled: { yhat: u }, lambda: 1 }).lambdaUnclipped).toBeNull();
		close(strong.estimate, 0.5658333333333334);
		close(strong.ci[0], 0.3370462658209174);
		close(strong.ci[1], 0.7946204008457494);
	});

	it('λ̂ minimises the estimated variance (independent check of the PPI++ formula)', () => {
		// V(λ) = [var(y) − 2λ·cov(y, ŷ) + λ²·var(ŷ)]/n + λ²·var(ŷ)/N with the same
		// plug-in moments; grid search must land on the closed form (unclipped here).
		const n = y.length;
		const N = u.length;
		const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
		const my = mean(y);
		const mf = mean(yhat);
		const cov = y.reduce((s, v, i) => s + (v - my) * (yhat[i] - mf), 0) / n;
		const all = [...yhat, ...u];
		const ma = mean(all);
		const varF = all.reduce((s, v) => s + (v - ma) ** 2, 0) / (all.length - 1);
		const varY = y.reduce((s, v) => s + (v - my) ** 2, 0) / n;
		let best = 0;
		let bestV = Infinity;
		for (let lam = 0; lam <= 1; lam += 1e-6) {
			const v = (varY - 2 * lam * cov + lam * lam * varF) / n + (lam * lam * varF) / N;
			if (v < bestV) [best, bestV] = [lam, v];
		}
		const r = ppiMean({ labeled: { y, yhat }, unlabeled: { yhat: u } });
		expect(Math.abs(r.lambda - best)).toBeLessThan(2e-6);
	});

	it('skips nulls and treats a constant judge as uninformative (λ̂ = 0)', () => {
		const r = ppiMean({
			labeled: { y: [...y, null, 1], yhat: [...yhat, 0.5, null] },
			unlabeled: { yhat: [...u, null] }
		});
		close(r.estimate, 0.552257323654118);
		const flat = ppiMean({ labeled: { y, yhat: y.map(() => 0.5) }, unlabeled: { yhat: u.map(() => 0.5) } });
		expect(flat.lambda).toBe(0);
		close(flat.estimate, flat.classical.estimate);
	});

	it('validates its input', () => {
		expect(() => ppiMean({ labeled: { y: [1], yhat: [1] }, unlabeled: { yhat: [1] } })).toThrow(/at least 2/);
		expect(() => ppiMean({ labeled: { y, yhat }, unlabeled: { yhat: [] } })).toThrow(RangeError);
		expect(() => ppiMean({ labeled: { y, yhat: yhat.slice(1) }, unlabeled: { yhat: u } })).toThrow(RangeError);
		expect(() => ppiMean({ labeled: { y, yhat }, unlabeled: { yhat: u }, alpha: 1 })).toThrow(RangeError);
		expect(() => ppiMean({ labeled: { y, yhat }, unlabeled: { yhat: u }, lambda: NaN })).toThrow(TypeError);
		expect(() => ppiMean({ labeled: { y: [1, NaN], yhat: [1, 1] }, unlabeled: { yhat: u } })).toThrow(RangeError);
		expect(() => ppiMean({ labeled: { y, yhat }, unlabeled: { yhat: u }, clip: 'no' as unknown as boolean })).toThrow(
			TypeError
		);
		const keys = { labeled: y.map((_, i) => i), unlabeled: u.map((_, i) => `u${i}`) };
		expect(() =>
			ppiMean({ labeled: { y, yhat }, unlabeled: { yhat: u }, clusters: { ...keys, labeled: [1] } })
		).toThrow(/clusters.labeled/);
		expect(() =>
			ppiMean({
				labeled: { y, yhat },
				unlabeled: { yhat: u },
				clusters: { ...keys, unlabeled: u.map(() => Number.NaN) }
			})
		).toThrow(/clusters.unlabeled\[0\]/);
	});
});

describe('ppiMean — clusters (cluster-robust sandwich variance)', () => {
	it('one item per cluster: the CR1 factor times the ppi_py variance, with the same λ̂ up to the pooling convention', () => {
		const clusters = { labeled: y.map((_, i) => `l${i}`), unlabeled: u.map((_, i) => `u${i}`) };
		const plain = ppiMean({ labeled: { y, yhat }, unlabeled: { yhat: u }, lambda: 1 });
		const clustered = ppiMean({ labeled: { y, yhat }, unlabeled: { yhat: u }, lambda: 1, clusters });
		const g = y.length + u.length;
		close(clustered.estimate, plain.estimate);
		close(clustered.se, plain.se * Math.sqrt(g / (g - 1)));
		close(clustered.classical.se, plain.classical.se * Math.sqrt(y.length / (y.length - 1)));
		expect(clustered.clusters).toBe(g);
		// λ̂ = V_AB / V_BB = Cov(y, ŷ) / (Var(ŷ_l) + (n/N)·Var(ŷ_u)) with divisor-n moments.
		const auto = ppiMean({ labeled: { y, yhat }, unlabeled: { yhat: u }, clusters });
		const m = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
		const cov = m(y.map((v, i) => (v - m(y)) * (yhat[i] - m(yhat))));
		const v = (a: number[]) => m(a.map((x) => (x - m(a)) ** 2));
		close(auto.lambdaUnclipped as number, cov / (v(yhat) + (y.length / u.length) * v(u)));
	});

	it('duplicated labels in one cluster do not shrink the interval', () => {
		const clusters = { labeled: [...y, ...y].map((_, i) => i % y.length), unlabeled: u.map((_, i) => `u${i}`) };
		const twice = { y: [...y, ...y], yhat: [...yhat, ...yhat] };
		const naive = ppiMean({ labeled: twice, unlabeled: { yhat: u }, lambda: 0 });
		const robust = ppiMean({ labeled: twice, unlabeled: { yhat: u }, lambda: 0, clusters });
		const single = ppiMean({ labeled: { y, yhat }, unlabeled: { yhat: u }, lambda: 0 });
		close(naive.se, single.se / Math.SQRT2);
		// CR1 factors: G/(G − 1) over the 12 labelled clusters (classical) or all 32 (PPI at λ = 0).
		close(robust.classical.se, single.classical.se * Math.sqrt(12 / 11));
		close(robust.se, single.se * Math.sqrt(32 / 31));
	});

	it('5 answers per prompt, ICC 0.5: ignoring clusters covers 74–81%, the sandwich ≥ 92% (PPI++ and classical)', () => {
		// 40 labelled prompts × 5 answers, 200 unlabelled prompts × 5. y = b_p + e, Var(b) = Var(e) = 0.5
		// (ICC 0.5, true mean 0); judge ŷ = 0.8·y + 0.3 + N(0, 0.5²) (biased, informative).
		const rng = createRng(55);
		const studies = 800;
		const answer = (b: number) => {
			const yi = b + Math.sqrt(0.5) * randomNormal(rng);
			return [yi, 0.8 * yi + 0.3 + 0.5 * randomNormal(rng)] as const;
		};
		const cover = { naive: 0, naiveClassical: 0, robust: 0, robustClassical: 0 };
		let width = 0;
		for (let s = 0; s < studies; s++) {
			const ly: number[] = [];
			const lf: number[] = [];
			const lk: number[] = [];
			const uf: number[] = [];
			const uk: number[] = [];
			for (let p = 0; p < 240; p++) {
				const b = Math.sqrt(0.5) * randomNormal(rng);
				for (let r = 0; r < 5; r++) {
					const [yi, fi] = answer(b);
					if (p < 40) {
						ly.push(yi);
						lf.push(fi);
						lk.push(p);
					} else {
						uf.push(fi);
						uk.push(p);
					}
				}
			}
			const input = { labeled: { y: ly, yhat: lf }, unlabeled: { yhat: uf } };
			const naive = ppiMean(input);
			const robust = ppiMean({ ...input, clusters: { labeled: lk, unlabeled: uk } });
			const hit = (ci: [number, number]) => (ci[0] <= 0 && 0 <= ci[1] ? 1 : 0);
			cover.naive += hit(naive.ci) / studies;
			cover.naiveClassical += hit(naive.classical.ci) / studies;
			cover.robust += hit(robust.ci) / studies;
			cover.robustClassical += hit(robust.classical.ci) / studies;
			width += (robust.ci[1] - robust.ci[0]) / (robust.classical.ci[1] - robust.classical.ci[0]) / studies;
		}
		console.log('ppiMean, clustered labels:', cover, 'PPI++/classical width', width);
		// 800 studies: Monte Carlo SE ≈ 0.8 points at 95%.
		// Measured: naive PPI++ 81.1%, naive classical 73.9%, sandwich 94.9% / 94.7%.
		expect(cover.naive).toBeLessThan(0.85);
		expect(cover.naiveClassical).toBeLessThan(0.8);
		expect(cover.robust).toBeGreaterThanOrEqual(0.92);
		expect(cover.robustClassical).toBeGreaterThanOrEqual(0.92);
		expect(width).toBeLessThan(1);
	}, 20_000);
});

describe('ppiMean — tiny labelled sets', () => {
	it('n = 10 binary labels at p = 0.85: ≈ 73% coverage and ≈ 19% zero width, every run warned, zero width flagged', () => {
		const rng = createRng(10);
		const studies = 3000;
		const truth = 0.85;
		let covered = 0;
		let zero = 0;
		let flagged = 0;
		let warned = 0;
		let coveredAt60 = 0;
		for (let s = 0; s < studies; s++) {
			const draw = () => {
				const yi = rng() < truth ? 1 : 0;
				return [yi, rng() < 0.8 ? yi : 1 - yi] as const;
			};
			const sample = (n: number) => {
				const ly: number[] = [];
				const lf: number[] = [];
				for (let i = 0; i < n; i++) {
					const [a, b] = draw();
					ly.push(a);
					lf.push(b);
				}
				const uf = Array.from({ length: 500 }, () => draw()[1]);
				return ppiMean({ labeled: { y: ly, yhat: lf }, unlabeled: { yhat: uf } });
			};
			const r = sample(10);
			if (r.ci[0] <= truth && truth <= r.ci[1]) covered++;
			if (r.ci[0] === r.ci[1]) zero++;
			if (r.zeroWidth && r.warnings.some((w) => /standard error is 0/.test(w))) flagged++;
			if (r.warnings.some((w) => /Only 10 labeled items/.test(w))) warned++;
			const r60 = sample(60);
			if (r60.ci[0] <= truth && truth <= r60.ci[1]) coveredAt60++;
			expect(r60.warnings.some((w) => /Only/.test(w))).toBe(false);
		}
		const summary = { coverage: covered / studies, zeroWidth: zero / studies, coverageAt60: coveredAt60 / studies };
		console.log('ppiMean, tiny labelled sets:', summary);
		// P(all ten labels are 1) = 0.85¹⁰ = 0.197; Monte Carlo SE ≈ 0.7 points.
		// Measured: coverage 72.8% at n = 10 (20.1% zero width), 91.9% at n = 60.
		expect(summary.zeroWidth).toBeGreaterThan(0.17);
		expect(summary.zeroWidth).toBeLessThan(0.23);
		expect(flagged).toBe(zero);
		expect(warned).toBe(studies);
		expect(summary.coverage).toBeLessThan(0.8);
		expect(summary.coverageAt60).toBeGreaterThanOrEqual(0.9);
	}, 20_000);
});

describe('ppiMean — coverage simulation (fixed seed)', () => {
	const REPS = 10_000;
	const n = 400;
	const N = 2_000;

	/** One synthetic study: binary human label, judge score with the given quality. */
	function study(rng: () => number, informative: boolean) {
		const truth = 0.4;
		const draw = () => {
			const yi = rng() < truth ? 1 : 0;
			// Informative: a binary judge verdict that copies y 70% of the time and is
			// otherwise a coin biased toward 1 (so the judge alone is biased);
			// uninformative: a score independent of y.
			const f = informative ? (rng() < 0.7 ? yi : rng() < 0.7 ? 1 : 0) : rng();
			return [yi, f] as const;
		};
		const ly: number[] = [];
		const lf: number[] = [];
		for (let i = 0; i < n; i++) {
			const [a, b] = draw();
			ly.push(a);
			lf.push(b);
		}
		const uf: number[] = [];
		for (let i = 0; i < N; i++) uf.push(draw()[1]);
		return { truth, labeled: { y: ly, yhat: lf }, unlabeled: { yhat: uf } };
	}

	it('95% PPI++, PPI and classical intervals cover the true mean 94–96% of the time; PPI++ is narrower with a good judge', () => {
		const rng = createRng(2024);
		let coverAuto = 0;
		let coverPlain = 0;
		let coverClassical = 0;
		let widthRatio = 0;
		for (let r = 0; r < REPS; r++) {
			const s = study(rng, true);
			const auto = ppiMean(s);
			const plain = ppiMean({ ...s, lambda: 1 });
			if (auto.ci[0] <= s.truth && s.truth <= auto.ci[1]) coverAuto++;
			if (plain.ci[0] <= s.truth && s.truth <= plain.ci[1]) coverPlain++;
			if (auto.classical.ci[0] <= s.truth && s.truth <= auto.classical.ci[1]) coverClassical++;
			widthRatio += (auto.ci[1] - auto.ci[0]) / (auto.classical.ci[1] - auto.classical.ci[0]);
		}
		const summary = {
			auto: coverAuto / REPS,
			plain: coverPlain / REPS,
			classical: coverClassical / REPS,
			meanWidthRatio: widthRatio / REPS
		};
		console.log('ppiMean coverage (informative judge)', summary);
		for (const c of [summary.auto, summary.plain, summary.classical]) {
			expect(c).toBeGreaterThanOrEqual(0.94);
			expect(c).toBeLessThanOrEqual(0.96);
		}
		expect(summary.meanWidthRatio).toBeLessThan(0.8);
	}, 60_000);

	it('with an uninformative judge PPI++ keeps coverage and is never wider than classical beyond noise', () => {
		const rng = createRng(7);
		let cover = 0;
		let maxRatio = 0;
		let sumRatio = 0;
		for (let r = 0; r < REPS; r++) {
			const s = study(rng, false);
			const res = ppiMean(s);
			if (res.ci[0] <= s.truth && s.truth <= res.ci[1]) cover++;
			const ratio = (res.ci[1] - res.ci[0]) / (res.classical.ci[1] - res.classical.ci[0]);
			maxRatio = Math.max(maxRatio, ratio);
			sumRatio += ratio;
		}
		console.log('ppiMean, uninformative judge', {
			coverage: cover / REPS,
			meanWidthRatio: sumRatio / REPS,
			maxWidthRatio: maxRatio
		});
		expect(cover / REPS).toBeGreaterThanOrEqual(0.94);
		expect(cover / REPS).toBeLessThanOrEqual(0.96);
		expect(sumRatio / REPS).toBeLessThan(1.005);
		expect(maxRatio).toBeLessThan(1.03);
	}, 60_000);
});
