import { describe, it, expect } from 'vitest';
import {
	bootstrapCI,
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
		// Defined on the data, undefined on some resample: the error says so.
		expect(() => bootstrapCI((s) => (s.every((x) => x === s[0]) ? Number.NaN : 1), [1, 2], { seed: 1 })).toThrow(
			/resample/
		);
		expect(() => bootstrapCI(mean, 'abc' as unknown as number[])).toThrow(TypeError);
	});
});
