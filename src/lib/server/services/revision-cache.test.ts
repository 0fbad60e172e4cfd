import { describe, expect, it } from 'vitest';
import { RevisionCache } from './revision-cache';

describe('RevisionCache', () => {
	it('computes once per (dataset, revision) and again for a new revision', async () => {
		const cache = new RevisionCache<number>(10);
		let calls = 0;
		const compute = async () => ++calls;
		expect(await Promise.all([cache.get('d', 1, compute), cache.get('d', 1, compute)])).toEqual([1, 1]);
		expect(await cache.get('d', 2, compute)).toBe(2);
		expect(calls).toBe(2);
	});

	it('evicts the least recently used entry and forgets failures', async () => {
		const cache = new RevisionCache<string>(2);
		await cache.get('a', 1, async () => 'a');
		await cache.get('b', 1, async () => 'b');
		await cache.get('a', 1, async () => 'a again'); // touch a
		await cache.get('c', 1, async () => 'c'); // evicts b
		expect(await cache.get('a', 1, async () => 'recomputed')).toBe('a');
		expect(await cache.get('b', 1, async () => 'recomputed')).toBe('recomputed');
		await expect(cache.get('x', 1, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		expect(await cache.get('x', 1, async () => 'ok')).toBe('ok');
	});
});
