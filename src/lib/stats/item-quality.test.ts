import { describe, expect, it } from 'vitest';
import { itemDiscrimination, subjectDisagreement } from './item-quality';

describe('subjectDisagreement', () => {
	// Fleiss (1971)'s worked example as tabulated in the Wikipedia article "Fleiss' kappa":
	// 14 raters, 5 categories; P_i of subjects 1–4 are 1.000, 0.253, 0.308, 0.440.
	it('is 1 − P_i of the published example', () => {
		expect(subjectDisagreement([0, 0, 0, 0, 14])).toBe(0);
		expect(subjectDisagreement([0, 2, 6, 4, 2])).toBeCloseTo(1 - 0.253, 3);
		expect(subjectDisagreement([0, 0, 3, 5, 6])).toBeCloseTo(1 - 0.308, 3);
		expect(subjectDisagreement([0, 3, 9, 2, 0])).toBeCloseTo(1 - 0.44, 3);
	});

	it('counts differing pairs among three ratings', () => {
		expect(subjectDisagreement([2, 1, 0])).toBeCloseTo(2 / 3, 12);
		expect(subjectDisagreement([1, 1, 1])).toBe(1);
	});

	it('is undefined below two ratings and refuses bad counts', () => {
		expect(subjectDisagreement([1, 0, 0])).toBeNull();
		expect(() => subjectDisagreement([1, -1])).toThrow(RangeError);
		expect(() => subjectDisagreement([1.5, 1])).toThrow(/integers/);
	});
});

describe('itemDiscrimination', () => {
	const outcomes = [
		[1, 0.5, 0],
		[1, 0, 0],
		[0, 0.5, 1]
	];

	it('gives the spread and the corrected item–rest correlation (checked with numpy.corrcoef)', () => {
		const [a, b, c] = itemDiscrimination(outcomes);
		expect(a.spread).toBeCloseTo(Math.sqrt(1 / 6), 12);
		expect(a.itemRest).toBeCloseTo(0, 12);
		expect(b.spread).toBeCloseTo(Math.sqrt(2 / 9), 12);
		// The rest of the set scores every system 0.5: r is undefined.
		expect(b.itemRest).toBeNull();
		// The reversed question ranks systems against the others.
		expect(c.itemRest).toBeCloseTo(-0.9607689228, 9);
		expect(c.systems).toBe(3);
	});

	it('gives zero spread and no correlation for a question every system ties on, and skips missing outcomes', () => {
		const [flat, partial] = itemDiscrimination([
			[0.5, 0.5, 0.5],
			[1, null, 0],
			[1, 0.5, 0]
		]);
		expect(flat).toEqual({ systems: 3, spread: 0, itemRest: null });
		expect(partial.systems).toBe(2);
		expect(partial.itemRest).toBeNull();
	});

	it('refuses ragged rows and values outside [0, 1]', () => {
		expect(() => itemDiscrimination([[1, 0], [1]])).toThrow(RangeError);
		expect(() => itemDiscrimination([[2, 0]])).toThrow(/\[0, 1\]/);
		expect(() => itemDiscrimination([])).toThrow(RangeError);
	});
});
