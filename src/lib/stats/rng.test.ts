import { describe, it, expect } from 'vitest';
import { Xoshiro128, createRng, randomInt, randomNormal } from './rng';

describe('createRng (xoshiro128**)', () => {
	it('is reproducible, seed-sensitive and stays in [0, 1)', () => {
		const a = createRng(42);
		const b = createRng(42);
		const c = createRng(43);
		const xs = Array.from({ length: 1000 }, () => a());
		expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
		expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
		expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
		// Seeds that differ only above bit 32 still give different streams.
		expect(createRng(2 ** 40)()).not.toBe(createRng(0)());
	});

	it('is uniform enough: χ² over 20 bins of 100,000 draws below the 0.999 quantile (43.8, 19 df)', () => {
		const rng = createRng(7);
		const bins = new Array<number>(20).fill(0);
		const draws = 100_000;
		for (let i = 0; i < draws; i++) bins[Math.floor(rng() * 20)]++;
		const expected = draws / 20;
		const chi2 = bins.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
		expect(chi2).toBeLessThan(43.82);
	});

	it('rejects non-integer seeds', () => {
		expect(() => createRng(1.5)).toThrow(TypeError);
		expect(() => createRng(Number.NaN)).toThrow(TypeError);
	});
});

describe('randomInt, fillBelow and randomNormal', () => {
	it('fillBelow draws exactly the stream randomInt draws', () => {
		for (const n of [1, 2, 7, 1000, 2 ** 31 - 1]) {
			const rng = createRng(99);
			const viaRng = Array.from({ length: 500 }, () => randomInt(rng, n));
			const out = new Int32Array(500);
			const generator = new Xoshiro128(99);
			generator.fillBelow(out, 0, 200, n);
			generator.fillBelow(out, 200, 300, n);
			expect(Array.from(out)).toEqual(viaRng);
			expect(viaRng.every((v) => v >= 0 && v < n)).toBe(true);
		}
	});

	it('randomInt validates n', () => {
		const rng = createRng(1);
		expect(() => randomInt(rng, 0)).toThrow(RangeError);
		expect(() => randomInt(rng, 2.5)).toThrow(RangeError);
	});

	it('randomNormal has the requested mean and sd (within 4 standard errors)', () => {
		const rng = createRng(3);
		const n = 50_000;
		const xs = Array.from({ length: n }, () => randomNormal(rng, 5, 2));
		const mean = xs.reduce((s, x) => s + x, 0) / n;
		const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
		expect(Math.abs(mean - 5)).toBeLessThan((4 * 2) / Math.sqrt(n));
		expect(Math.abs(sd - 2)).toBeLessThan((4 * 2) / Math.sqrt(2 * n));
	});
});
