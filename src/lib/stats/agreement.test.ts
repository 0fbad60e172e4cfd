import { describe, it, expect } from 'vitest';
import { confusionMatrix, percentAgreement } from './agreement';

describe('percentAgreement', () => {
	it('is the share of identical labels over items both raters labelled', () => {
		expect(percentAgreement([1, 2, 3, 4], [1, 2, 3, 1])).toBe(0.75);
		// Wikipedia "Cohen's kappa" example: 20 + 15 agreements of 50 → 0.7.
		const a = [...Array(25).fill('yes'), ...Array(25).fill('no')];
		const b = [...Array(20).fill('yes'), ...Array(5).fill('no'), ...Array(10).fill('yes'), ...Array(15).fill('no')];
		expect(percentAgreement(a, b)).toBeCloseTo(0.7, 14);
	});

	it('skips pairs with a null and compares with === (1 ≠ "1")', () => {
		expect(percentAgreement([1, null, 'x'], [1, 2, 'y'])).toBe(0.5);
		expect(percentAgreement([1], ['1'])).toBe(0);
	});

	it('throws on mismatched lengths, empty input or no complete pair', () => {
		expect(() => percentAgreement([1, 2], [1])).toThrow(RangeError);
		expect(() => percentAgreement([], [])).toThrow(RangeError);
		expect(() => percentAgreement([null], [1])).toThrow(/no item/);
		expect(() => percentAgreement([{}] as never, [1])).toThrow(TypeError);
	});
});

describe('confusionMatrix', () => {
	it('counts rows = a, columns = b over sorted labels', () => {
		const { categories, matrix } = confusionMatrix(['b', 'a', 'a', 'c', null], ['b', 'a', 'b', 'c', 'a']);
		expect(categories).toEqual(['a', 'b', 'c']);
		expect(matrix).toEqual([
			[1, 1, 0],
			[0, 1, 0],
			[0, 0, 1]
		]);
	});

	it('uses an explicit category order, keeps unused categories, rejects unknown labels', () => {
		const { categories, matrix } = confusionMatrix([3, 1], [3, 3], [3, 2, 1]);
		expect(categories).toEqual([3, 2, 1]);
		expect(matrix).toEqual([
			[1, 0, 0],
			[0, 0, 0],
			[1, 0, 0]
		]);
		expect(() => confusionMatrix([4], [1], [1, 2])).toThrow(/not one of the categories/);
		// Mixed labels: numbers first, then strings.
		expect(confusionMatrix(['a', 1], ['a', 1]).categories).toEqual([1, 'a']);
		expect(confusionMatrix([1, 'a'], [1, 'a'], ['a', 1]).matrix).toEqual([
			[1, 0],
			[0, 1]
		]);
	});
});
