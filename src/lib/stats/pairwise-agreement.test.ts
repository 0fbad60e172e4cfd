import { describe, expect, it } from 'vitest';
import type { PairwiseVote } from './agreement';
import { cohenKappaDetails } from './cohen-kappa';
import { krippendorffAlpha } from './krippendorff-alpha';
import { mergeBothOrders, pairwiseAgreement, PAIRWISE_SCALE } from './pairwise-agreement';
import { positionBias, swapVerdict } from './position-bias';

/** Independent O(n²) weighted κ: expected disagreement as the mean weight over all cross pairs. */
function bruteKappa(a: PairwiseVote[], b: PairwiseVote[], weight: (x: PairwiseVote, y: PairwiseVote) => number) {
	const n = a.length;
	let observed = 0;
	let expected = 0;
	for (let i = 0; i < n; i++) {
		observed += weight(a[i], b[i]);
		for (let j = 0; j < n; j++) expected += weight(a[i], b[j]);
	}
	return 1 - observed / n / (expected / (n * n));
}
const position = (v: PairwiseVote) => (v === 'A' ? 0 : v === 'tie' ? 1 : 2);
const linear = (x: PairwiseVote, y: PairwiseVote) => Math.abs(position(x) - position(y));
const nominal = (x: PairwiseVote, y: PairwiseVote) => (x === y ? 0 : 1);

describe('pairwiseAgreement: ordinal scale A < tie < B by default', () => {
	const human: PairwiseVote[] = ['A', 'A', 'A', 'B', 'B', 'B', 'tie', 'tie'];
	// Two judges with the same number of misses: one says tie where the human committed,
	// the other names the opposite answer.
	const nearMiss: PairwiseVote[] = ['A', 'A', 'tie', 'B', 'B', 'tie', 'tie', 'tie'];
	const reversal: PairwiseVote[] = ['A', 'A', 'B', 'B', 'B', 'A', 'tie', 'tie'];

	it('nominal κ counts A-vs-tie as far as A-vs-B; the ordinal figures do not', () => {
		// The measured problem: nominal observed disagreement is identical for the two judges.
		const nomNear = cohenKappaDetails(nearMiss, human, { categories: PAIRWISE_SCALE });
		const nomRev = cohenKappaDetails(reversal, human, { categories: PAIRWISE_SCALE });
		expect(nomNear.observedDisagreement).toBe(nomRev.observedDisagreement);

		const near = pairwiseAgreement(nearMiss, human);
		const rev = pairwiseAgreement(reversal, human);
		expect(near.nominal).toBeUndefined();
		expect(near.withTies).toBe(rev.withTies);
		expect(near.ordinal.kappa).toBeCloseTo(bruteKappa(nearMiss, human, linear), 12);
		expect(rev.ordinal.kappa).toBeCloseTo(bruteKappa(reversal, human, linear), 12);
		expect(near.ordinal.alpha).toBeCloseTo(
			krippendorffAlpha([nearMiss, human], { level: 'ordinal', categories: ['A', 'tie', 'B'] }),
			14
		);
		// On the ordered scale the near miss is much better than the reversal …
		expect(near.ordinal.kappa! - rev.ordinal.kappa!).toBeGreaterThan(0.2);
		expect(near.ordinal.alpha! - rev.ordinal.alpha!).toBeGreaterThan(0.3);
		// … while nominal κ hardly tells them apart.
		const withNominal = [
			pairwiseAgreement(nearMiss, human, { scale: 'nominal' }),
			pairwiseAgreement(reversal, human, { scale: 'nominal' })
		];
		expect(withNominal[0].nominal!.kappa).toBeCloseTo(bruteKappa(nearMiss, human, nominal), 12);
		expect(withNominal[1].nominal!.kappa).toBeCloseTo(bruteKappa(reversal, human, nominal), 12);
		expect(Math.abs(withNominal[0].nominal!.kappa! - withNominal[1].nominal!.kappa!)).toBeLessThan(0.02);
		expect(withNominal[1].nominal!.alpha).toBeCloseTo(krippendorffAlpha([reversal, human], { level: 'nominal' }), 14);
		// The nominal figure is reported beside the ordinal one, never instead of it.
		expect(withNominal[0].ordinal).toEqual(near.ordinal);
	});

	it('raw MT-Bench shares with and without ties', () => {
		const judge: PairwiseVote[] = ['A', 'B', 'tie', 'tie', 'A', 'B', null as unknown as PairwiseVote];
		const hum: PairwiseVote[] = ['A', 'A', 'tie', 'B', 'A', 'B', 'A'];
		const r = pairwiseAgreement(judge, hum);
		expect(r.n).toBe(6);
		expect(r.withTies).toBeCloseTo(4 / 6, 14); // items 0, 2, 4, 5
		expect(r.nWithoutTies).toBe(4); // items 0, 1, 4, 5
		expect(r.withoutTies).toBe(0.75);
	});

	it('edges: undefined κ/α are null, no tie-free pair gives withoutTies null; validation', () => {
		const r = pairwiseAgreement(['A', 'A'], ['A', 'A'], { scale: 'nominal' });
		expect(r.withTies).toBe(1);
		expect(r.ordinal).toEqual({ kappa: null, alpha: null });
		expect(r.nominal).toEqual({ kappa: null, alpha: null });
		expect(pairwiseAgreement(['tie', 'A'], ['A', 'tie']).withoutTies).toBeNull();
		expect(() => pairwiseAgreement(['A'], ['C' as PairwiseVote])).toThrow(/human\[0\]/);
		expect(() => pairwiseAgreement([null], ['A'])).toThrow(/no pair/);
		expect(() => pairwiseAgreement(['A', 'B'], ['A'])).toThrow(RangeError);
		expect(() => pairwiseAgreement(['A'], ['A'], { scale: 'interval' as 'ordinal' })).toThrow(RangeError);
	});
});

describe('mergeBothOrders (MT-Bench conservative merge)', () => {
	it('a win only when both orders agree; any inconsistency is a tie; null stays null', () => {
		expect(mergeBothOrders('A', 'A')).toBe('A');
		expect(mergeBothOrders('B', 'B')).toBe('B');
		expect(mergeBothOrders('tie', 'tie')).toBe('tie');
		expect(mergeBothOrders('A', 'B')).toBe('tie');
		expect(mergeBothOrders('B', 'A')).toBe('tie');
		expect(mergeBothOrders('A', 'tie')).toBe('tie');
		expect(mergeBothOrders('tie', 'B')).toBe('tie');
		expect(mergeBothOrders(null, 'A')).toBeNull();
		expect(() => mergeBothOrders('a' as PairwiseVote, 'A')).toThrow(/forward/);
	});

	it('a position-following judge paired with humans: merged verdicts commit only where both orders agree', () => {
		const human: PairwiseVote[] = ['A', 'B', 'A', 'B', 'tie', 'A', 'B', 'A'];
		// Forward run: the judge picks the first-shown answer (A) unless B is clearly better.
		const forward: PairwiseVote[] = ['A', 'A', 'A', 'B', 'A', 'A', 'A', 'A'];
		// Swapped run stated in shown positions ('A' = first shown = original B), converted to original labels.
		const reversedShown: PairwiseVote[] = ['B', 'A', 'B', 'A', 'A', 'B', 'A', 'A'];
		const reversed = reversedShown.map((v) => swapVerdict(v) as PairwiseVote);
		expect(reversed).toEqual(['A', 'B', 'A', 'B', 'B', 'A', 'B', 'B']);
		const merged = forward.map((f, i) => mergeBothOrders(f, reversed[i]));
		expect(merged).toEqual(['A', 'tie', 'A', 'B', 'tie', 'A', 'tie', 'tie']);
		const single = pairwiseAgreement(forward, human);
		const both = pairwiseAgreement(merged, human);
		// Where the merged judge commits, it matches the human every time.
		expect(both.withoutTies).toBe(1);
		expect(single.withoutTies).toBeLessThan(1);
		expect(both.ordinal.kappa!).toBeGreaterThan(single.ordinal.kappa!);
		// The position analysis of the same rows counts the same items as consistent.
		const pb = positionBias(
			forward.map((f, i) => ({ forward: f, reversed: reversed[i] })),
			{ resamples: 20 }
		);
		expect(pb.breakdown.consistent.count).toBe(merged.filter((v) => v !== 'tie').length);
	});
});
