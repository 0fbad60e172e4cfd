import { describe, expect, it } from 'vitest';
import { isotonicCalibrationMap, predictionErrorIntervals } from './calibration-map';
import { createRng, randomNormal } from './rng';

describe('isotonicCalibrationMap', () => {
	it('recovers a planted monotone distortion within its intervals', () => {
		// Judge levels 1…5; humans see h = 1 + (j − 1)² / 4 plus noise: a convex distortion.
		const rng = createRng(11);
		const judge: number[] = [];
		const human: number[] = [];
		const groups: string[] = [];
		for (let i = 0; i < 400; i++) {
			const j = 1 + (i % 5);
			for (let r = 0; r < 2; r++) {
				judge.push(j);
				human.push(1 + (j - 1) ** 2 / 4 + 0.5 * randomNormal(rng));
				groups.push(`item${i}`);
			}
		}
		const map = isotonicCalibrationMap(judge, human, { groups, resamples: 300, seed: 2 });
		expect(map.grid.map((g) => g.x)).toEqual([1, 2, 3, 4, 5]);
		expect(map.grid.map((g) => g.count)).toEqual([160, 160, 160, 160, 160]);
		for (const g of map.grid) {
			const truth = 1 + (g.x - 1) ** 2 / 4;
			expect(truth).toBeGreaterThanOrEqual(g.ci[0]);
			expect(truth).toBeLessThanOrEqual(g.ci[1]);
			expect(g.ci[1] - g.ci[0]).toBeLessThan(0.4);
		}
		// Between levels the bounds are interpolated; outside the range the ends apply.
		const [lo, hi] = map.interval(2.5);
		expect(lo).toBeCloseTo((map.grid[1].ci[0] + map.grid[2].ci[0]) / 2, 12);
		expect(hi).toBeCloseTo((map.grid[1].ci[1] + map.grid[2].ci[1]) / 2, 12);
		expect(map.interval(9)).toEqual(map.grid[4].ci);
		expect(map.predict(5)).toBeCloseTo(map.grid[4].y, 12);
	});

	it('refuses empty or mismatched input', () => {
		expect(() => isotonicCalibrationMap([], [])).toThrow();
		expect(() => isotonicCalibrationMap([1, 2], [1])).toThrow();
	});
});

describe('predictionErrorIntervals', () => {
	it('gives MAE and RMSE of both predictions and the change, by hand on a small set', () => {
		const human = [1, 2, 3, 4];
		const before = [2, 3, 4, 5];
		const after = [1, 2, 3, 6];
		const r = predictionErrorIntervals(human, before, after, { resamples: 200 });
		expect(r.maeBefore.estimate).toBe(1);
		expect(r.rmseBefore.estimate).toBe(1);
		expect(r.maeAfter.estimate).toBe(0.5);
		expect(r.rmseAfter.estimate).toBe(1);
		expect(r.maeChange.estimate).toBe(-0.5);
		expect(r.maeAfter.ci[0]).toBeLessThanOrEqual(0.5);
		expect(r.maeAfter.ci[1]).toBeGreaterThanOrEqual(0.5);
	});
});
