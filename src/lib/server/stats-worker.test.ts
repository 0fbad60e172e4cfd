import { afterAll, describe, expect, it } from 'vitest';
import {
	ClusterTablesBuilder,
	createRng,
	sharedClusterBootstrap,
	sharedClusterBootstrapAsync,
	type TableStatistic
} from '../stats';
import { offloadResamples, startStatsWorker, stopStatsWorker } from './stats-worker';

afterAll(() => stopStatsWorker());

function problem(seed: number) {
	const rng = createRng(seed);
	const K = 2000;
	const b = new ClusterTablesBuilder(3 * 9);
	for (let k = 0; k < K; k++)
		for (let block = 0; block < 3; block++) b.add(k, block * 9 + Math.floor(9 * rng()), 1 + Math.floor(3 * rng()));
	// The diagonal of a 3 × 3 table summed from `parts`.
	const diagonal = (parts: number[], resamples: number): TableStatistic => ({
		parts,
		width: 9,
		dims: 1,
		resamples,
		evaluate: (t, out) => void (out[0] = t[0] + t[4] + t[8])
	});
	return { tables: b.build(K), statistics: [diagonal([0, 9, 18], 1000), diagonal([9], 500)] };
}

describe('the stats worker thread', () => {
	it('sums its share of the resamples from the library source: results equal the one-thread bootstrap', async () => {
		startStatsWorker();
		for (const seed of [1, 2]) {
			const { tables, statistics } = problem(seed);
			const here = sharedClusterBootstrap(tables, statistics, { seed });
			// The worker's sums themselves, not a fallback: they equal what this thread sums.
			let usedWorker = false;
			const offload: typeof offloadResamples = (...args) =>
				offloadResamples(...args).then((sums) => {
					usedWorker = true;
					return sums;
				});
			expect(await sharedClusterBootstrapAsync(tables, statistics, { seed }, offload)).toEqual(here);
			expect(usedWorker).toBe(true);
		}
	});

	it('rejects the calls of a worker that stops, and starts a new one for the next call', async () => {
		const { tables, statistics } = problem(3);
		const here = sharedClusterBootstrap(tables, statistics, { seed: 3 });
		const stopped = offloadResamples(
			{
				clusters: 1,
				columns: 1,
				levels: 1,
				level: new Int32Array(2_000_000),
				factored: false,
				rowStart: new Int32Array(2),
				ends: new Int32Array(1),
				pattern: new Int32Array(0),
				patternEnd: new Int32Array(0),
				patternStart: new Int32Array(0),
				cols: new Int32Array(0),
				vals: new Float64Array(0)
			},
			new Int32Array([1, 2, 3, 4]),
			0,
			0,
			2_000_000
		);
		await stopStatsWorker();
		await expect(stopped).rejects.toThrow(/exited/);
		let usedWorker = false;
		const offload: typeof offloadResamples = (...args) =>
			offloadResamples(...args).then((sums) => {
				usedWorker = true;
				return sums;
			});
		expect(await sharedClusterBootstrapAsync(tables, statistics, { seed: 3 }, offload)).toEqual(here);
		expect(usedWorker).toBe(true);
	});
});
