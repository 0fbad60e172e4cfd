import { describe, expect, it } from 'vitest';
import { bootstrapIndexCI } from './bootstrap';
import { createRng, xoshiroFillBelow } from './rng';
import {
	ClusterTablesBuilder,
	sharedClusterBootstrap,
	sharedClusterBootstrapAsync,
	sumResamples,
	type ResampleOffload,
	type TableStatistic
} from './shared-cluster-bootstrap';

/**
 * Data: items (clusters) with 1–6 labels each, a 0/1 "agrees" per label and a group per
 * item. The statistic is the share of agreeing labels: table = [agree, disagree].
 */
function data(items: number, seed: number) {
	const rng = createRng(seed);
	const rows: { item: number; agree: number; group: number }[] = [];
	for (let k = 0; k < items; k++) {
		const group = k % 3;
		// Items differ in their own agreement rate, so the clusters matter.
		const p = 0.4 + 0.4 * rng();
		const labels = 1 + Math.floor(6 * rng());
		for (let i = 0; i < labels; i++) rows.push({ item: k, agree: rng() < p ? 1 : 0, group });
	}
	return rows;
}

const share = (parts: number[], resamples: number): TableStatistic => ({
	parts,
	width: 2,
	dims: 1,
	resamples,
	evaluate: (t, out) => {
		out[0] = t[0] / (t[0] + t[1]);
	}
});

/** Two figures of a width × width table (flattened): its diagonal share and (first − last cell) / n. */
const stat = (parts: number[], width: number, resamples: number): TableStatistic => ({
	parts,
	width,
	dims: 2,
	resamples,
	evaluate: (t, out) => {
		let n = 0;
		let diagonal = 0;
		for (let c = 0; c < width; c++) n += t[c];
		for (let c = 0; c < width; c += 4) diagonal += t[c];
		out[0] = diagonal / n;
		out[1] = (t[0] - t[width - 1]) / n;
	}
});

/** The generic path: `bootstrapIndexCI` over the label rows with item clusters. */
function generic(rows: { item: number; agree: number }[], resamples: number) {
	const v = Float64Array.from(rows.map((r) => r.agree));
	return bootstrapIndexCI(
		(idx, len) => {
			let s = 0;
			for (let t = 0; t < len; t++) s += v[idx[t]];
			return s / len;
		},
		v.length,
		{ clusters: rows.map((r) => r.item), resamples, seed: 1 }
	);
}

describe('sharedClusterBootstrap', { timeout: 60_000 }, () => {
	it('merges entries of the same cluster and column', () => {
		const b = new ClusterTablesBuilder(4);
		b.add(1, 3, 2);
		b.add(0, 1);
		b.add(1, 3);
		b.add(1, 0);
		const t = b.build(3);
		expect([...t.start]).toEqual([0, 1, 3, 3]);
		expect([...t.column]).toEqual([1, 0, 3]);
		expect([...t.value]).toEqual([1, 1, 3]);
		expect(() => b.add(0, 4)).toThrow(RangeError);
	});

	it('gives exactly the intervals of bootstrapIndexCI with clusters (same draws) for a statistic over all items', () => {
		const rows = data(300, 11);
		const b = new ClusterTablesBuilder(2);
		for (const r of rows) b.add(r.item, r.agree ? 0 : 1);
		const [r] = sharedClusterBootstrap(b.build(300), [share([0], 1000)], { seed: 1 });
		const expected = generic(rows, 1000);
		expect(r.estimates[0]).toBe(expected.estimate);
		expect(r.intervals[0]!.ci).toEqual(expected.ci);
		expect(r.intervals[0]!.resamples).toBe(1000);
		expect([...r.table]).toEqual([rows.filter((x) => x.agree).length, rows.filter((x) => !x.agree).length]);
	});

	it('uses the first B resamples of the shared stream for a statistic asking fewer, and is deterministic', () => {
		const rows = data(200, 5);
		const b = new ClusterTablesBuilder(4);
		// Columns 0–1: all items; columns 2–3: the same table again, read by a 500-resample statistic.
		for (const r of rows) {
			b.add(r.item, r.agree ? 0 : 1);
			b.add(r.item, r.agree ? 2 : 3);
		}
		const tables = b.build(200);
		const both = sharedClusterBootstrap(tables, [share([0], 1000), share([2], 500)]);
		const alone = sharedClusterBootstrap(tables, [share([2], 500)]);
		expect(both[1].intervals[0]!.ci).toEqual(alone[0].intervals[0]!.ci);
		expect(both[1].intervals[0]!.ci).toEqual(generic(rows, 500).ci);
		expect(sharedClusterBootstrap(tables, [share([0], 1000), share([2], 500)])).toEqual(both);
	});

	it('gives identical tables, estimates and intervals through block patterns as entry by entry, on random data', () => {
		// Several statistics: single and multi-part, different resamples, a part shared by two of
		// them, columns no statistic reads; integer counts (the pattern path) and fractional ones
		// (the entry path either way).
		for (const [seed, fractional] of [
			[1, false],
			[2, false],
			[3, true]
		] as const) {
			const rng = createRng(seed);
			const K = 600 + Math.floor(400 * rng());
			const b = new ClusterTablesBuilder(7 * 9 + 3);
			for (let k = 0; k < K; k++)
				for (let block = 0; block < 7; block++) {
					if (rng() < 0.3) continue;
					const labels = 1 + Math.floor(3 * rng());
					for (let i = 0; i < labels; i++) b.add(k, block * 9 + Math.floor(9 * rng()), fractional ? 0.1 + rng() : 1);
				}
			for (let k = 0; k < K; k += 7) b.add(k, 7 * 9 + Math.floor(3 * rng()), 2);
			const tables = b.build(K);
			const statistics = [
				stat([0, 9, 18, 27, 36, 45, 54], 9, 1000),
				stat([0], 9, 500),
				stat([9, 27], 9, 300),
				stat([36], 9, 1000),
				stat([45], 9, 200)
			];
			const entryByEntry = sharedClusterBootstrap(tables, statistics, { seed: 7, patterns: false });
			expect(sharedClusterBootstrap(tables, statistics, { seed: 7, patterns: true })).toEqual(entryByEntry);
			// Blocks of a given width (across part boundaries and levels): the same tables.
			for (const blockWidth of [18, 5])
				expect(sharedClusterBootstrap(tables, statistics, { seed: 7, patterns: true, blockWidth })).toEqual(
					entryByEntry
				);
		}
	});

	it('sums a table from several parts', () => {
		const rows = data(240, 9);
		const b = new ClusterTablesBuilder(6);
		for (const r of rows) b.add(r.item, r.group * 2 + (r.agree ? 0 : 1));
		const [summed] = sharedClusterBootstrap(b.build(240), [share([0, 2, 4], 1000)]);
		expect(summed.intervals[0]!.ci).toEqual(generic(rows, 1000).ci);
	});

	it('a subgroup on the shared draws (domain bootstrap) matches resampling inside the subgroup within Monte-Carlo error', () => {
		// 600 items, 200 per group; each group's interval from the shared draws of all 600 items
		// against the cluster bootstrap of that group's items alone (the per-breakdown path).
		const rows = data(600, 3);
		const b = new ClusterTablesBuilder(6);
		for (const r of rows) b.add(r.item, r.group * 2 + (r.agree ? 0 : 1));
		const results = sharedClusterBootstrap(
			b.build(600),
			[0, 1, 2].map((g) => share([g * 2], 500))
		);
		for (const g of [0, 1, 2]) {
			const own = rows.filter((r) => r.group === g);
			const ref = generic(own, 500);
			const got = results[g];
			expect(got.estimates[0]).toBeCloseTo(ref.estimate, 12);
			const width = ref.ci[1] - ref.ci[0];
			// With B = 500, a 95% endpoint has a Monte-Carlo SD of about 0.12 σ̂ ≈ 0.03 of the
			// interval's width; two independent runs differ by ≈ 0.045 width (SD). Allow 4 SD.
			expect(Math.abs(got.intervals[0]!.ci[0] - ref.ci[0])).toBeLessThan(0.18 * width);
			expect(Math.abs(got.intervals[0]!.ci[1] - ref.ci[1])).toBeLessThan(0.18 * width);
			expect(got.intervals[0]!.undefinedResamples).toBe(0);
		}
	});

	it('marks resamples without any of a subgroup’s clusters undefined and counts them', () => {
		// Group 1 has 2 of 40 items: about (38/40)^40 ≈ 13% of resamples draw neither.
		const b = new ClusterTablesBuilder(4);
		for (let k = 0; k < 40; k++) {
			const g = k < 2 ? 2 : 0;
			b.add(k, g + (k % 2), 1 + (k % 3));
		}
		const [r] = sharedClusterBootstrap(b.build(40), [share([2], 1000)]);
		expect(r.intervals[0]!.undefinedResamples).toBeGreaterThan(60);
		expect(r.intervals[0]!.undefinedResamples).toBeLessThan(220);
		expect(r.intervals[0]!.warnings.length).toBeGreaterThan(0);
	});

	it('gives an undefined estimate no interval', () => {
		const b = new ClusterTablesBuilder(2);
		b.add(0, 0);
		b.add(1, 0);
		const [r] = sharedClusterBootstrap(b.build(2), [
			{ parts: [0], width: 2, dims: 2, resamples: 100, evaluate: (t, o) => ((o[0] = t[0]), (o[1] = t[1] / t[1])) }
		]);
		expect(r.intervals[0]).not.toBeNull();
		expect(Number.isNaN(r.estimates[1])).toBe(true);
		expect(r.intervals[1]).toBeNull();
	});

	it('gives the same results with part of the resamples summed elsewhere, and sums them itself when that fails', async () => {
		const rng = createRng(5);
		const K = 700;
		const b = new ClusterTablesBuilder(4 * 9);
		for (let k = 0; k < K; k++)
			for (let block = 0; block < 4; block++)
				if (rng() < 0.7) b.add(k, block * 9 + Math.floor(9 * rng()), 1 + Math.floor(2 * rng()));
		const tables = b.build(K);
		// Four levels of resamples, so each half holds resamples of different levels.
		const statistics = [stat([0, 9, 18, 27], 9, 1000), stat([0], 9, 700), stat([9, 18], 9, 300), stat([27], 9, 40)];
		// Elsewhere: a structured clone of the job and state, as a worker thread receives them.
		let calls = 0;
		const elsewhere: ResampleOffload = async (job, state, at, b0, b1) => {
			calls++;
			const copy = structuredClone({ job, state });
			const out = new Float64Array((b1 - b0) * job.columns);
			sumResamples(copy.job, copy.state, at, b0, b1, out, xoshiroFillBelow);
			return out;
		};
		const failing: ResampleOffload = async () => {
			throw new Error('worker gone');
		};
		for (const patterns of [true, false]) {
			const here = sharedClusterBootstrap(tables, statistics, { seed: 3, patterns });
			expect(await sharedClusterBootstrapAsync(tables, statistics, { seed: 3, patterns }, elsewhere)).toEqual(here);
			expect(await sharedClusterBootstrapAsync(tables, statistics, { seed: 3, patterns }, failing)).toEqual(here);
		}
		expect(calls).toBe(2);
	});
});
