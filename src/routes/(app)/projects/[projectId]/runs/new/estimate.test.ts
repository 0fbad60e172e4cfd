import { describe, expect, it } from 'vitest';
import { estimateUnits } from './estimate';

const base = { items: 40, systems: 3, pairing: 'all-pairs', bothOrders: true, samples: 1, sampleItems: null } as const;

describe('estimated judge calls', () => {
	it('counts all pairs in both orders, or each system against the baseline', () => {
		expect(estimateUnits({ ...base, mode: 'pairwise' })).toBe(40 * 3 * 2);
		expect(estimateUnits({ ...base, mode: 'pairwise', pairing: 'baseline', bothOrders: false })).toBe(40 * 2);
	});

	it('counts answers for a pointwise rubric, times samples, on a sample of items', () => {
		expect(estimateUnits({ ...base, mode: 'pointwise', samples: 3, sampleItems: 10 })).toBe(10 * 3 * 3);
		expect(estimateUnits({ ...base, mode: 'pointwise', sampleItems: 400 })).toBe(40 * 3);
		expect(estimateUnits({ ...base, mode: null })).toBeNull();
	});
});
