import { describe, expect, it } from 'vitest';
import { readOptions, readProvider } from './run-settings';

describe('run settings', () => {
	it('reads stored options and fills what an older run lacks', () => {
		expect(readOptions({ bothOrders: true, samples: 3, pairing: 'baseline', baselineSystemId: 's1' })).toEqual({
			bothOrders: true,
			samples: 3,
			pairing: 'baseline',
			baselineSystemId: 's1',
			systemIds: [],
			categories: [],
			sampleItems: null,
			sampleSeed: null,
			structured: null
		});
		expect(readOptions(null)).toMatchObject({ bothOrders: false, samples: 1, pairing: 'all-pairs' });
	});

	it('reads the key-free provider snapshot, the simulated judge settings included', () => {
		const p = readProvider({
			name: 'Offline (simulated)',
			kind: 'simulated',
			model: 'simulated-judge',
			temperature: 0,
			simulation: { positionBias: 0.2, lengthBias: 0.1, noise: 0.1, seed: 1 }
		});
		expect(p).toMatchObject({ kind: 'simulated', temperature: 0, simulation: { positionBias: 0.2 } });
		expect(readProvider(null)).toBeNull();
	});
});
