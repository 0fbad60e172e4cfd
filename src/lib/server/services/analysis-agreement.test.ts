import { describe, expect, it } from 'vitest';
import { createRng, type PairwiseVote } from '../../stats';
import { agreementBreakdowns, BREAKDOWN_RESAMPLES, judgeHumanRows } from './analysis-agreement';
import { agreementWithIntervals, type AgreementFigures } from './analysis-common';
import type { Comparison } from './analysis-data';

const VOTES: PairwiseVote[] = ['A', 'tie', 'B'];

/** Items × every pair of 3 systems, a judge verdict and 2–4 human labels (one gold now and then) near a hidden truth. */
function comparisons(items: number, categories: number, seed: number): Comparison[] {
	const rng = createRng(seed);
	const noisy = (truth: PairwiseVote, p: number) => (rng() < p ? VOTES[Math.floor(3 * rng())] : truth);
	const out: Comparison[] = [];
	const systems = ['s0', 's1', 's2'];
	for (let k = 0; k < items; k++) {
		for (let a = 0; a < 3; a++)
			for (let b = a + 1; b < 3; b++) {
				const truth = VOTES[Math.floor(3 * rng())];
				const labels = 2 + Math.floor(3 * rng());
				out.push({
					key: `i${k}|${a}|${b}`,
					itemId: `item-${k}`,
					externalId: `q${k}`,
					category: `c${k % categories}`,
					answerA: `${k}-${a}`,
					answerB: `${k}-${b}`,
					systemA: systems[a],
					systemB: systems[b],
					lengthA: 100,
					lengthB: 120,
					humans: Array.from({ length: labels }, (_, i) => ({
						verdict: noisy(truth, 0.3),
						annotator: `ann-${(k + i) % 7}`,
						kind: i === 0 && labels >= 3 && k % 5 === 0 ? ('gold' as const) : ('imported' as const),
						presentedOrder: null
					})),
					judge: { byOrder: {}, verdict: noisy(truth, 0.4), preference: null }
				});
			}
	}
	return out;
}

/** The previous path: each breakdown's own rows, resampled over its own items by agreementWithIntervals. */
function perGroup(list: Comparison[], resamples: number) {
	const jh = judgeHumanRows(list);
	const hx: PairwiseVote[] = [];
	const hy: PairwiseVote[] = [];
	const hc: string[] = [];
	for (const c of list) {
		const humans = c.humans.filter((h) => h.kind !== 'gold');
		for (let i = 0; i < humans.length; i++)
			for (let k = i + 1; k < humans.length; k++)
				if (humans[i].annotator !== humans[k].annotator) {
					hx.push(humans[i].verdict);
					hy.push(humans[k].verdict);
					hc.push(c.itemId);
				}
	}
	return {
		judgeHuman: agreementWithIntervals(jh.x, jh.y, jh.clusters, { resamples }),
		humanHuman: agreementWithIntervals(hx, hy, hc, { resamples })
	};
}

const KEYS = ['withTies', 'withoutTies', 'kappa', 'alpha', 'nominalKappa', 'nominalAlpha'] as const;

function expectSame(got: AgreementFigures | null, want: AgreementFigures | null) {
	expect(got).toEqual(want);
}

/** Equal estimates and counts; interval endpoints within `tolerance` × the reference width. */
function expectClose(got: AgreementFigures | null, want: AgreementFigures | null, tolerance: number) {
	expect(got?.n).toBe(want?.n);
	expect(got?.nWithoutTies).toBe(want?.nWithoutTies);
	for (const key of KEYS) {
		const g = got![key]!;
		const w = want![key]!;
		expect(g.estimate).toBe(w.estimate);
		const width = w.ci![1] - w.ci![0];
		expect(Math.abs(g.ci![0] - w.ci![0])).toBeLessThan(tolerance * width);
		expect(Math.abs(g.ci![1] - w.ci![1])).toBeLessThan(tolerance * width);
	}
}

describe('agreementBreakdowns (one shared cluster bootstrap for the whole page)', { timeout: 60_000 }, () => {
	it('gives the overall figures and intervals of agreementWithIntervals exactly (same draws)', () => {
		const list = comparisons(150, 2, 1);
		const shared = agreementBreakdowns(list, ['s0', 's1', 's2'], ['c0', 'c1']);
		const old = perGroup(list, 1000);
		expectSame(shared.judgeHuman, old.judgeHuman);
		expectSame(shared.humanHuman, old.humanHuman);
		// Every item has all three systems: a system's items are all items, so its draws are the same too.
		for (const row of shared.bySystem) {
			const own = perGroup(
				list.filter((c) => c.systemA === row.name || c.systemB === row.name),
				BREAKDOWN_RESAMPLES
			);
			expectSame(row.judgeHuman, own.judgeHuman);
			expectSame(row.humanHuman, own.humanHuman);
		}
	});

	it('per category (a domain of the shared draws): the same estimates, intervals within Monte-Carlo error of resampling the category alone', () => {
		const list = comparisons(400, 2, 2);
		const shared = agreementBreakdowns(list, ['s0', 's1', 's2'], ['c0', 'c1']);
		expect(shared.byCategory.map((r) => r.name)).toEqual(['c0', 'c1']);
		for (const row of shared.byCategory) {
			const own = perGroup(
				list.filter((c) => c.category === row.name),
				BREAKDOWN_RESAMPLES
			);
			// B = 500: an endpoint's Monte-Carlo SD is ≈ 0.03 of the width, a difference of two ≈ 0.045.
			expectClose(row.judgeHuman, own.judgeHuman, 0.2);
			expectClose(row.humanHuman, own.humanHuman, 0.2);
		}
	});

	it('with nearly one (category, pair) cell per comparison (the direct layout) gives the same overall figures', () => {
		const list = comparisons(120, 60, 3);
		const categories = [...new Set(list.map((c) => c.category!))].sort();
		const shared = agreementBreakdowns(list, ['s0', 's1', 's2'], categories);
		const old = perGroup(list, 1000);
		expectSame(shared.judgeHuman, old.judgeHuman);
		expectSame(shared.humanHuman, old.humanHuman);
		expect(shared.byCategory.length).toBe(60);
		for (const row of shared.byCategory) expect(row.judgeHuman!.withTies.ci).not.toBeNull();
	});

	it('without any pair (no labels of the chosen source) gives no figures', () => {
		const list = comparisons(5, 1, 4).map((c) => ({ ...c, humans: [] }));
		const shared = agreementBreakdowns(list, ['s0', 's1', 's2'], ['c0']);
		expect(shared).toEqual({ judgeHuman: null, humanHuman: null, humanPairs: 0, bySystem: [], byCategory: [] });
	});
});
