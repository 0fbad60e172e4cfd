import { describe, expect, it } from 'vitest';
import { createRng, type PairwiseVote } from '../../stats';
import { parseIntegerList } from '../db/repositories/analysis';
import {
	agreementBreakdowns,
	breakdownInput,
	denseAgreementBreakdowns,
	denseLargestDisagreements,
	largestDisagreements
} from './analysis-agreement';
import type { Comparison } from './analysis-data';

const VOTES: PairwiseVote[] = ['A', 'tie', 'B'];

/** Items × pairs of 3 systems with 0–4 labels (some gold, some by the same annotator) and sometimes no judge verdict. */
function comparisons(items: number, seed: number): Comparison[] {
	const rng = createRng(seed);
	const out: Comparison[] = [];
	const systems = ['s0', 's1', 's2'];
	for (let k = 0; k < items; k++)
		for (let a = 0; a < 3; a++)
			for (let b = a + 1; b < 3; b++) {
				const labels = Math.floor(5 * rng());
				out.push({
					key: `i${k}|${a}|${b}`,
					itemId: `item-${k}`,
					externalId: `q${k % 17}`,
					category: k % 4 === 3 ? null : `c${k % 3}`,
					answerA: `${k}-${a}`,
					answerB: `${k}-${b}`,
					systemA: systems[a],
					systemB: systems[b],
					lengthA: 100,
					lengthB: 120,
					humans: Array.from({ length: labels }, () => ({
						verdict: VOTES[Math.floor(3 * rng())],
						annotator: `ann-${Math.floor(4 * rng())}`,
						kind: rng() < 0.1 ? ('gold' as const) : ('imported' as const),
						presentedOrder: null
					})),
					judge: rng() < 0.1 ? null : { byOrder: {}, verdict: VOTES[Math.floor(3 * rng())], preference: null }
				});
			}
	return out;
}

const namesOf = (list: Comparison[]) => ({
	itemId: (n: number) => list[n].itemId,
	externalId: (n: number) => list[n].externalId,
	systemA: (n: number) => list[n].systemA,
	systemB: (n: number) => list[n].systemB
});

describe('the agreement page on dense comparisons', () => {
	it('lists the same largest disagreements as largestDisagreements, in the same order (ties included)', () => {
		for (const seed of [1, 2, 3]) {
			const list = comparisons(120, seed);
			const input = breakdownInput(list, ['s0', 's1', 's2'], ['c0', 'c1', 'c2']);
			for (const limit of [1, 5, 20, 1000])
				expect(denseLargestDisagreements(input, namesOf(list), limit)).toEqual(largestDisagreements(list, limit));
		}
	});

	it('counts the judge ↔ human pairs of the overall figures as the confusion table', () => {
		const list = comparisons(60, 4);
		const dense = denseAgreementBreakdowns(
			breakdownInput(list, ['s0', 's1', 's2'], ['c0', 'c1', 'c2']),
			['s0', 's1', 's2'],
			['c0', 'c1', 'c2']
		);
		const table = new Float64Array(9);
		for (const c of list) {
			if (!c.judge?.verdict) continue;
			for (const h of c.humans) table[VOTES.indexOf(c.judge.verdict) * 3 + VOTES.indexOf(h.verdict)]++;
		}
		expect([...dense.confusion]).toEqual([...table]);
		expect(dense.judgeHuman).toEqual(agreementBreakdowns(list, ['s0', 's1', 's2'], ['c0', 'c1', 'c2']).judgeHuman);
	});

	it('parses packed integer lists', () => {
		expect([...parseIntegerList('0,12,345,6789012')]).toEqual([0, 12, 345, 6789012]);
		expect([...parseIntegerList('')]).toEqual([]);
		expect([...parseIntegerList(null)]).toEqual([]);
	});
});
