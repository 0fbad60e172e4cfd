import { describe, it, expect } from 'vitest';
import {
	bootstrapCI,
	bootstrapInterval,
	bootstrapIndexCI,
	bootstrapIndexCIs,
	bootstrapReplicates,
	percentileInterval,
	quantileSorted
} from './bootstrap';
import { createRng, randomNormal } from './rng';

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('bootstrapCI — basics', () => {
	const data = Array.from({ length: 60 }, (_, i) => (i * 37) % 11);

	it('is reproducible from its seed and reports its settings', () => {
		const a = bootstrapCI(mean, data, { seed: 3 });
		expect(bootstrapCI(mean, data, { seed: 3 })).toEqual(a);
		expect(bootstrapCI(mean, data, { seed: 4 }).ci).not.toEqual(a.ci);
		expect(a.estimate).toBe(mean(data));
		expect(a.resamples).toBe(1000);
		expect(a.level).toBe(0.95);
		expect(a.ci[0]).toBeLessThan(a.estimate);
		expect(a.ci[1]).toBeGreaterThan(a.estimate);
	});

	it('the generic and index-based paths draw the same resamples', () => {
		const viaIndices = bootstrapIndexCI(
			(idx, len) => {
				let s = 0;
				for (let i = 0; i < len; i++) s += data[idx[i]];
				return s / len;
			},
			data.length,
			{ seed: 9, resamples: 500, level: 0.9 }
		);
		const generic = bootstrapCI(mean, data, { seed: 9, resamples: 500, level: 0.9 });
		expect(viaIndices.ci[0]).toBeCloseTo(generic.ci[0], 12);
		expect(viaIndices.ci[1]).toBeCloseTo(generic.ci[1], 12);
	});

	it('bootstrapIndexCIs gives each output the interval a separate run with the same seed gives', () => {
		const sum = (idx: Int32Array, len: number, f: (x: number) => number) => {
			let s = 0;
			for (let i = 0; i < len; i++) s += f(data[idx[i]]);
			return s / len;
		};
		const [m, sq] = bootstrapIndexCIs(
			(idx, len, out) => {
				out[0] = sum(idx, len, (x) => x);
				out[1] = sum(idx, len, (x) => x * x);
			},
			2,
			data.length,
			{ seed: 5, clusters: data.map((_, i) => i % 13) }
		);
		const options = { seed: 5, clusters: data.map((_, i) => i % 13) };
		expect(m).toEqual(bootstrapIndexCI((idx, len) => sum(idx, len, (x) => x), data.length, options));
		expect(sq).toEqual(bootstrapIndexCI((idx, len) => sum(idx, len, (x) => x * x), data.length, options));
		expect(() => bootstrapIndexCIs(() => undefined, 1, 3)).toThrow(/output 0/);
	});

	it('a higher level gives a wider interval from the same replicates', () => {
		const r = bootstrapReplicates((idx, len) => idx.subarray(0, len).reduce((s, i) => s + data[i], 0) / len, 60, {
			seed: 1
		});
		const [lo90, hi90] = percentileInterval(r, 0.9);
		const [lo99, hi99] = percentileInterval(r, 0.99);
		expect(lo99).toBeLessThanOrEqual(lo90);
		expect(hi99).toBeGreaterThanOrEqual(hi90);
	});
});

describe('quantileSorted (Hyndman & Fan type 7, R default)', () => {
	it('matches R quantile(c(1, 2, 3, 4), c(0, .25, .5, 1))', () => {
		expect(quantileSorted([1, 2, 3, 4], 0)).toBe(1);
		expect(quantileSorted([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 14);
		expect(quantileSorted([1, 2, 3, 4], 0.5)).toBeCloseTo(2.5, 14);
		expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
		expect(quantileSorted([7], 0.3)).toBe(7);
	});
});

describe('bootstrapCI — coverage simulation', () => {
	it('the 95% percentile interval of a normal mean (n = 100) covers the truth 94–96% of the time', () => {
		// 4,000 data sets × 1,000 resamples. The percentile interval of a mean is
		// slightly narrow at n = 100 (≈ z instead of t, and /n variance), so its
		// exact coverage is ≈ 94.6%; the Monte-Carlo SE over 4,000 sets is 0.35%.
		const rng = createRng(20240601);
		const n = 100;
		const trueMean = 5;
		const repetitions = 4000;
		const sample = new Float64Array(n);
		const statistic = (idx: Int32Array, len: number) => {
			let s = 0;
			for (let i = 0; i < len; i++) s += sample[idx[i]];
			return s / len;
		};
		let covered = 0;
		for (let r = 0; r < repetitions; r++) {
			for (let i = 0; i < n; i++) sample[i] = randomNormal(rng, trueMean, 2);
			const { ci } = bootstrapIndexCI(statistic, n, { seed: r + 1, resamples: 1000 });
			if (ci[0] <= trueMean && trueMean <= ci[1]) covered++;
		}
		const coverage = covered / repetitions;
		console.log('bootstrapCI coverage of a normal mean, n = 100:', coverage);
		expect(coverage).toBeGreaterThanOrEqual(0.94);
		expect(coverage).toBeLessThanOrEqual(0.96);
	}, 30_000);
});

describe('bootstrapCI — cluster resampling', () => {
	it('resamples whole clusters: every drawn cluster appears complete and in order', () => {
		// Unequal clusters, including a large one, so the index buffer must grow.
		const sizes = [1, 3, 40, 2, 5, 1, 7];
		const clusters: string[] = [];
		sizes.forEach((size, c) => {
			for (let i = 0; i < size; i++) clusters.push(`c${c}`);
		});
		// Interleave to prove grouping is by key, not by position.
		const order = clusters.map((_, i) => i).sort((a, b) => ((a * 7919) % 59) - ((b * 7919) % 59));
		const keys = order.map((i) => clusters[i]);
		const memberOf = new Map<string, number[]>();
		keys.forEach((k, i) => memberOf.set(k, [...(memberOf.get(k) ?? []), i]));
		let lengths = new Set<number>();
		bootstrapReplicates(
			(idx, len) => {
				lengths = lengths.add(len);
				let pos = 0;
				let drawn = 0;
				while (pos < len) {
					const members = memberOf.get(keys[idx[pos]]) as number[];
					expect(Array.from(idx.subarray(pos, pos + members.length))).toEqual(members);
					pos += members.length;
					drawn++;
				}
				expect(drawn).toBe(sizes.length);
				return len;
			},
			keys.length,
			{ clusters: keys, resamples: 200, seed: 4 }
		);
		expect(lengths.size).toBeGreaterThan(5);
	});

	it('with equal clusters it equals the item bootstrap of cluster means (same seed, same draws)', () => {
		const rng = createRng(12);
		const perCluster = 8;
		const clusterMeans: number[] = [];
		const values: number[] = [];
		const keys: number[] = [];
		for (let c = 0; c < 40; c++) {
			const centre = randomNormal(rng, 0, 3);
			const members = Array.from({ length: perCluster }, () => centre + randomNormal(rng, 0, 0.2));
			values.push(...members);
			keys.push(...members.map(() => c));
			clusterMeans.push(mean(members));
		}
		const clustered = bootstrapCI(mean, values, { clusters: keys, seed: 31 });
		const overMeans = bootstrapCI(mean, clusterMeans, { seed: 31 });
		expect(clustered.ci[0]).toBeCloseTo(overMeans.ci[0], 10);
		expect(clustered.ci[1]).toBeCloseTo(overMeans.ci[1], 10);
		// Ignoring the clusters pretends 320 independent values: far too narrow.
		const naive = bootstrapCI(mean, values, { seed: 31 });
		expect(naive.ci[1] - naive.ci[0]).toBeLessThan((clustered.ci[1] - clustered.ci[0]) / 2);
	});
});

describe('bootstrap edges: undefined resamples, zero width, NaN', () => {
	it('leaves out and counts resamples where the statistic is undefined (NaN, ±Infinity or a RangeError)', () => {
		const data = [1, 2, 3, 4, 5, 6];
		// Undefined when the resample contains the value 1 more than twice.
		const statistic = (s: number[]) => {
			const ones = s.filter((x) => x === 1).length;
			if (ones > 2) throw new RangeError('too many ones');
			return ones === 2 ? Number.POSITIVE_INFINITY : mean(s);
		};
		const res = bootstrapCI(statistic, data, { seed: 2 });
		const replicates = bootstrapReplicates(
			(idx, len) => statistic(Array.from(idx.subarray(0, len), (i) => data[i])),
			data.length,
			{ seed: 2 }
		);
		const undefinedCount = replicates.filter((r) => Number.isNaN(r)).length;
		// P(at least two 1s among 6 draws) = 1 − (5/6)⁶ − 6·(1/6)(5/6)⁵ ≈ 0.263.
		expect(undefinedCount / 1000).toBeGreaterThan(0.22);
		expect(undefinedCount / 1000).toBeLessThan(0.3);
		expect(res.undefinedResamples).toBe(undefinedCount);
		expect(res.ci).toEqual(percentileInterval(replicates.filter((r) => !Number.isNaN(r))));
		expect(res.warnings[0]).toMatch(/undefined on \d+ of 1000 resamples/);
		// A TypeError is a bug, not an undefined statistic: it propagates.
		expect(() =>
			bootstrapCI(
				(s) => {
					if (s.includes(6)) throw new TypeError('bug');
					return 1;
				},
				[1, 2, 6]
			)
		).toThrow(TypeError);
	});

	it('bootstrapInterval builds the interval from given replicates, NaN = undefined', () => {
		const res = bootstrapInterval([3, Number.NaN, 1, 2, 4, Number.NaN], 2.5, { level: 0.5 });
		expect(res.undefinedResamples).toBe(2);
		expect(res.resamples).toBe(6);
		expect(res.ci).toEqual(percentileInterval([1, 2, 3, 4], 0.5));
		expect(() => bootstrapInterval([1, 2], 1, { method: 'bca' })).toThrow(/jackknife/);
	});

	it('flags a zero-width interval', () => {
		const res = bootstrapCI(() => 1, [1, 2, 3]);
		expect(res.ci).toEqual([1, 1]);
		expect(res.zeroWidth).toBe(true);
		expect(res.warnings.join(' ')).toMatch(/zero width/);
		expect(bootstrapCI(mean, [1, 2, 3]).zeroWidth).toBe(false);
	});

	it('percentileInterval rejects NaN instead of returning [1.075, NaN]', () => {
		expect(() => percentileInterval([1, 1.1, Number.NaN, 1.05])).toThrow(/replicates\[2\] is NaN/);
		expect(() => percentileInterval([])).toThrow(RangeError);
	});
});

describe('BCa (Efron 1987)', () => {
	// Skewed data: exponential quantiles; statistic: the mean.
	const x = Array.from({ length: 25 }, (_, i) => -Math.log(1 - (i + 0.5) / 25));
	const meanOf = (idx: Int32Array, len: number) => {
		let s = 0;
		for (let i = 0; i < len; i++) s += x[idx[i]];
		return s / len;
	};

	it('matches scipy 1.17 `_bca_interval` on the same 2,000 replicates', () => {
		// Reference: scipy.stats._resampling._bca_interval((x,), np.mean, -1, 0.025, replicates, None, np)
		// with the replicates of bootstrapReplicates(meanOf, 25, { seed: 3, resamples: 2000 }), then
		// np.percentile at α₁ = 0.04462835769083116, α₂ = 0.9885708622355085.
		const res = bootstrapIndexCI(meanOf, 25, { seed: 3, resamples: 2000, method: 'bca' });
		expect(res.method).toBe('bca');
		expect(res.ci[0]).toBeCloseTo(0.6768269738815953, 12);
		expect(res.ci[1]).toBeCloseTo(1.4356325995390307, 12);
		// The mean of right-skewed data: BCa shifts the interval right of the percentile one.
		const percentile = bootstrapIndexCI(meanOf, 25, { seed: 3, resamples: 2000 });
		expect(res.ci[1]).toBeGreaterThan(percentile.ci[1]);
	});

	it('with clusters the jackknife leaves out whole clusters (equal clusters ≡ cluster means)', () => {
		const clusters = x.flatMap((_, i) => [i, i]);
		const doubled = x.flatMap((v) => [v, v]);
		const res = bootstrapIndexCI(
			(idx, len) => {
				let s = 0;
				for (let i = 0; i < len; i++) s += doubled[idx[i]];
				return s / len;
			},
			50,
			{ seed: 3, resamples: 2000, method: 'bca', clusters }
		);
		expect(res.ci[0]).toBeCloseTo(0.6768269738815953, 12);
		expect(res.ci[1]).toBeCloseTo(1.4356325995390307, 12);
	});

	it('falls back to the percentile interval, with a warning, when all resamples sit on one side', () => {
		// The first call is the full-data estimate (0); every resample lies above it: ẑ₀ = Φ⁻¹(0) = −∞.
		const data = [1, 2, 3, 4, 5, 6, 7, 8];
		let calls = 0;
		const shifted = bootstrapCI((s) => (calls++ === 0 ? 0 : 1 + mean(s)), data, { method: 'bca' });
		const res = bootstrapCI(mean, data, { method: 'bca' });
		expect(res.method).toBe('bca');
		expect(shifted.method).toBe('percentile');
		expect(shifted.warnings.join(' ')).toMatch(/BCa is undefined/);
	});
});

describe('bootstrapCI — validation', () => {
	it('throws on bad options, empty data and undefined statistics', () => {
		expect(() => bootstrapCI(mean, [])).toThrow(RangeError);
		expect(() => bootstrapCI(mean, [1, 2], { level: 1 })).toThrow(RangeError);
		expect(() => bootstrapCI(mean, [1, 2], { level: 0 })).toThrow(RangeError);
		expect(() => bootstrapCI(mean, [1, 2], { resamples: 1 })).toThrow(RangeError);
		expect(() => bootstrapCI(mean, [1, 2], { resamples: 10.5 })).toThrow(RangeError);
		expect(() => bootstrapCI(mean, [1, 2], { clusters: ['a'] })).toThrow(/one key per data element/);
		expect(() => bootstrapCI(mean, [1, 2], { seed: 0.5 })).toThrow(TypeError);
		expect(() => bootstrapCI(() => Number.NaN, [1, 2])).toThrow(/full data/);
		expect(() => bootstrapCI(mean, [1, 2], { method: 'basic' as 'bca' })).toThrow(/method/);
		expect(() => bootstrapCI(mean, [1, 2], { warnUndefinedShare: 2 })).toThrow(/warnUndefinedShare/);
		// Defined on the data, undefined on every resample: nothing to build an interval from.
		let calls = 0;
		expect(() => bootstrapCI(() => (calls++ === 0 ? 1 : Number.NaN), [1, 2], { seed: 1 })).toThrow(
			/undefined on 1000 of 1000 resamples/
		);
		expect(() => bootstrapCI(mean, 'abc' as unknown as number[])).toThrow(TypeError);
	});
});
