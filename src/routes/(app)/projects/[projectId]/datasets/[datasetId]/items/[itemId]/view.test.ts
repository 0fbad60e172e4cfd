import { describe, expect, it } from 'vitest';
import { splitTurns, turnBlocks } from './view';

describe('turn layout', () => {
	it('splits a conversation before each user message, keeping leading context with the first turn', () => {
		const turns = splitTurns([
			{ role: 'system', content: 's' },
			{ role: 'user', content: 'u1' },
			{ role: 'assistant', content: 'a1' },
			{ role: 'user', content: 'u2' }
		]);
		expect(turns.map((t) => t.map((m) => m.content))).toEqual([['s', 'u1', 'a1'], ['u2']]);
	});

	it('pairs each turn with its reference and every system response', () => {
		const blocks = turnBlocks(
			[
				{ role: 'user', content: 'u1' },
				{ role: 'user', content: 'u2' }
			],
			['r1', 'r2'],
			[
				{ id: 'a', systemName: 'A', available: true, content: null, turns: ['a1', 'a2'] },
				{ id: 'b', systemName: 'B', available: true, content: 'only-last', turns: null },
				{ id: 'c', systemName: 'C', available: false, content: null, turns: null }
			]
		);
		expect(blocks).toHaveLength(2);
		expect(blocks[0].reference).toBe('r1');
		expect(blocks[0].responses.map((r) => r.text)).toEqual(['a1', null, null]);
		expect(blocks[1].responses.map((r) => r.text)).toEqual(['a2', 'only-last', null]);
	});
});
