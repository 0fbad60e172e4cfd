import { describe, expect, it } from 'vitest';
import { optionsFromForm } from './run-form';

function form(entries: [string, string][]) {
	const f = new FormData();
	for (const [k, v] of entries) f.append(k, v);
	return f;
}

describe('new run form → options', () => {
	it('reads a both-order pairwise run against a baseline on two systems and a sample', () => {
		expect(
			optionsFromForm(
				form([
					['bothOrders', 'on'],
					['samples', '3'],
					['pairing', 'baseline'],
					['baselineSystemId', 'b'],
					['systemIds', 'a'],
					['systemIds', 'b'],
					['categories', 'cloud'],
					['sampleItems', '20'],
					['sampleSeed', '7']
				])
			)
		).toEqual({
			bothOrders: true,
			samples: 3,
			pairing: 'baseline',
			baselineSystemId: 'b',
			systemIds: ['a', 'b'],
			categories: ['cloud'],
			sampleItems: 20,
			sampleSeed: 7
		});
	});

	it('leaves empty fields unset: all systems, all categories, every item, one sample', () => {
		expect(
			optionsFromForm(
				form([
					['samples', ''],
					['pairing', 'all-pairs'],
					['baselineSystemId', 'b'],
					['sampleItems', ''],
					['sampleSeed', '7']
				])
			)
		).toEqual({
			bothOrders: false,
			samples: 1,
			pairing: 'all-pairs',
			baselineSystemId: undefined,
			systemIds: undefined,
			categories: undefined,
			sampleItems: undefined,
			sampleSeed: undefined
		});
	});
});
