import { expect, test } from 'vitest';
import { ResultCache } from './result-cache';

test('evicts the least recently used entries once the character budget is spent', () => {
	const cache = new ResultCache<string>();
	const big = 'x'.repeat(800_000);
	for (let i = 0; i < 9; i++) cache.set(`k${i}`, big, big.length);
	expect(cache.get('k0')).toBe(big); // refreshes k0
	cache.set('k9', big, big.length); // 10 × 800k > 8M: evicts k1, the oldest untouched
	expect(cache.get('k1')).toBeUndefined();
	expect(cache.get('k0')).toBe(big);
	expect(cache.get('k9')).toBe(big);
});

test('does not keep entries over the per-entry limit', () => {
	const cache = new ResultCache<string>();
	cache.set('huge', 'y', 1_500_000);
	expect(cache.get('huge')).toBeUndefined();
});
