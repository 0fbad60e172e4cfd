import { describe, expect, it } from 'vitest';
import { roganGladen } from './rogan-gladen';

describe('roganGladen', () => {
	it('corrects a worked example: p = 0.30, Se = 0.90, Sp = 0.95 → π = 0.25 / 0.85', () => {
		// By hand: J = 0.85, π = (0.30 + 0.95 − 1) / 0.85 = 0.294118;
		// Var = (0.3·0.7/100 + π²·0.9·0.1/100 + (1 − π)²·0.95·0.05/100) / 0.85² = 0.0033419, sd = 0.057809.
		const r = roganGladen({
			apparent: { successes: 30, trials: 100 },
			sensitivity: { successes: 90, trials: 100 },
			specificity: { successes: 95, trials: 100 }
		});
		expect(r.estimate).toBeCloseTo(0.294118, 6);
		expect(r.se).toBeCloseTo(0.057809, 6);
		expect(r.ci![0]).toBeCloseTo(0.180814, 5);
		expect(r.ci![1]).toBeCloseTo(0.407422, 5);
		expect(r.warnings).toEqual([]);
	});

	it('is the apparent rate for a perfect judge and clips below zero', () => {
		const perfect = roganGladen({
			apparent: { successes: 40, trials: 200 },
			sensitivity: { successes: 50, trials: 50 },
			specificity: { successes: 50, trials: 50 }
		});
		expect(perfect.estimate).toBeCloseTo(0.2, 12);
		const low = roganGladen({
			apparent: { successes: 2, trials: 100 },
			sensitivity: { successes: 90, trials: 100 },
			specificity: { successes: 95, trials: 100 }
		});
		expect(low.unclipped).toBeCloseTo(-0.0352941, 6);
		expect(low.estimate).toBe(0);
		expect(low.ci![0]).toBe(0);
	});

	it('refuses a judge no better than chance and warns on small gold sets', () => {
		const chance = roganGladen({
			apparent: { successes: 5, trials: 10 },
			sensitivity: { successes: 5, trials: 10 },
			specificity: { successes: 4, trials: 10 }
		});
		expect(chance.estimate).toBeNull();
		expect(chance.warnings).toHaveLength(2);
		expect(() =>
			roganGladen({
				apparent: { successes: 11, trials: 10 },
				sensitivity: { successes: 1, trials: 1 },
				specificity: { successes: 1, trials: 1 }
			})
		).toThrow(RangeError);
	});
});
