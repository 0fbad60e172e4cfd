/**
 * Planted properties: a dataset written straight into the tables with a
 * simulated judge of known position bias and simulated annotators of known
 * accuracy; the analysis procedures must recover the planted values within
 * their intervals. The simulation is seeded, but which answer of a pair is A
 * follows row ids, so the draw differs between runs: a 95% interval misses the
 * truth one run in twenty by design, and a dozen of them would make the test
 * flaky. `inside` therefore widens each reported 95% interval about its centre
 * to 99.9% (× 3.29 / 1.96, the normal quantiles), so a miss means a biased
 * estimate rather than bad luck.
 *
 * The model, per item (one comparison of two of three systems, each shown in
 * both orders to the judge):
 * - truth: system i beats j with Bradley–Terry probability P[i][j];
 * - each of two annotators reports the truth with probability H = 0.85, else the
 *   other answer (no ties) → human ↔ human agreement H² + (1 − H)² = 0.745;
 * - the judge's opinion is the truth with probability J = 0.9, else the other
 *   answer; in each order, with probability Q = 0.3 it names the answer shown
 *   first instead → consistency 1 − Q = 0.7, first-position share
 *   Q + (1 − Q)/2 = 0.65, and after the conservative merge (inconsistent →
 *   tie) judge ↔ human agreement without ties J·H + (1 − J)(1 − H) = 0.78;
 * - humans label only the first half of the items (a random half: the order is
 *   random), so the leaderboard's PPI++ uses the judge on the rest; the human
 *   win rate of "strong" is the mean of P'(strong beats x) over its opponents,
 *   P' = H·P + (1 − H)(1 − P).
 * Failed judgments are written too and must be ignored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness';
import { makeProjectWithMembers, type ProjectWithMembers } from '../projects/factories';
import { seedDataset } from '../datasets/support/seed';
import { inside, rng } from './support/planted-tools';
import { insertJudgeRun, insertPlanted, pairJudgment } from './support/planted-rows';

const N = 900;
const H = 0.85;
const J = 0.9;
const Q = 0.3;
const SYSTEMS = ['strong', 'mid', 'weak'] as const;
const P: Record<string, Record<string, number>> = {
	strong: { mid: 0.65, weak: 0.8 },
	mid: { strong: 0.35, weak: 0.65 },
	weak: { strong: 0.2, mid: 0.35 }
};

let h: Harness;
let p: ProjectWithMembers;
let datasetId: string;
let runId: string;

beforeAll(async () => {
	h = await createHarness();
	p = await makeProjectWithMembers(h.db, 'Planted');
	const random = rng(7);
	const pairs = [
		['strong', 'mid'],
		['strong', 'weak'],
		['mid', 'weak']
	] as const;
	const items = Array.from({ length: N }, (_, i) => {
		const [x, y] = pairs[i % 3];
		const swap = random() < 0.5;
		const [a, b] = swap ? [y, x] : [x, y];
		// Random lengths, unrelated to quality: P(prefers longer) ≈ 0.5 for everyone.
		return {
			externalId: `q${i}`,
			prompt: `Question ${i}`,
			category: i % 2 ? 'odd' : 'even',
			answers: {
				// Every fourth A answer opens with a list, unrelated to quality: nobody should prefer it.
				[a]: (i % 4 === 0 ? '- x\n' : '') + 'a'.repeat(20 + Math.floor(random() * 200)),
				[b]: 'b'.repeat(20 + Math.floor(random() * 200))
			},
			a,
			b
		};
	});
	const seeded = await seedDataset(h.db, { projectId: p.projectId, name: 'Planted', items });
	datasetId = seeded.datasetId;
	runId = await insertJudgeRun(h.db, { projectId: p.projectId, datasetId, name: 'simulated judge', mode: 'pairwise' });
	const judgments: object[] = [];
	const labels: object[] = [];
	items.forEach((it, i) => {
		const itemId = seeded.items[it.externalId];
		const aId = seeded.answers[`${it.externalId}/${it.a}`];
		const bId = seeded.answers[`${it.externalId}/${it.b}`];
		const truth = random() < P[it.a][it.b] ? 'A' : 'B';
		const other = (v: 'A' | 'B') => (v === 'A' ? 'B' : 'A');
		const opinion = random() < J ? truth : other(truth);
		for (const order of ['ab', 'ba'] as const) {
			const biased = random() < Q;
			const verdict = biased ? (order === 'ab' ? 'A' : 'B') : opinion;
			const pair = { runId, itemId, aId, bId };
			judgments.push({
				...pairJudgment(pair, order, 0, verdict),
				// Every 30th item: the judge flagged answer A (text aimed at the judge).
				flags: i % 30 === 1 ? JSON.stringify([[{ kind: 'injection' }], []]) : null
			});
			// A failed retry beside it, saying the opposite: never counted.
			if (i % 10 === 0) judgments.push(pairJudgment(pair, order, 1, other(verdict), 'failed'));
		}
		if (i < N / 2) {
			for (const annotator of ['ann-1', 'ann-2']) {
				const verdict = random() < H ? truth : other(truth);
				labels.push({
					project_id: p.projectId,
					dataset_id: datasetId,
					item_id: itemId,
					answer_a_id: aId,
					answer_b_id: bId,
					presented_order: random() < 0.5 ? 'ab' : 'ba',
					source: 'imported',
					external_annotator: annotator,
					external_key: `k${i}`,
					verdict
				});
			}
		}
	});
	await insertPlanted(h.db, { judgments, labels });
});
afterAll(() => h.close());

describe('planted judge and annotators', () => {
	it('agreement: human ↔ human and judge ↔ human recover the planted rates', async () => {
		const a = await h.caller(p.admin).analysis.agreement({ projectId: p.projectId, datasetId });
		expect(a.run?.id).toBe(runId);
		expect(a.counts).toMatchObject({ judged: N, labelled: N / 2, both: N / 2, humanPairs: N / 2 });
		inside(H * H + (1 - H) * (1 - H), a.humanHuman!.withTies.ci);
		inside(J * H + (1 - J) * (1 - H), a.judgeHuman!.withoutTies!.ci);
		// Human ↔ human is the ceiling here: the judge, with ties from its inconsistency, agrees less.
		expect(a.judgeHuman!.withTies.estimate).toBeLessThan(a.humanHuman!.withTies.estimate);
		expect(a.bySystem.map((s) => s.name)).toEqual(['mid', 'strong', 'weak']);
		expect(a.byCategory.map((s) => s.name)).toEqual(['even', 'odd']);
		expect(a.disagreements.length).toBeGreaterThan(0);
		expect(a.disagreements[0].distance).toBe(1);
	});

	it('bias: consistency and first-position preference recover the planted position bias', async () => {
		const b = await h.caller(p.admin).analysis.bias({ projectId: p.projectId, judgeRunId: runId });
		expect(b.position!.n).toBe(N);
		inside(1 - Q, b.position!.consistency.ci);
		inside(Q + (1 - Q) / 2, b.position!.firstPosition!.ci);
		// Every inconsistency of this judge leans to the answer shown first.
		expect(b.position!.firstWhenInconsistent!.estimate).toBe(1);
		expect(b.sentences[0]).toMatchObject({ key: 'analysis_bias_sentence_both', params: { share: '100%' } });
		// Humans were planted without a position preference.
		inside(0.5, b.firstShown.humans!.ci);
		inside(0.5, b.length.humansShared!.ci);
		expect(b.firstShown.judge).toBeNull();
		// People's own position bias sits beside the judge's in a both-order run.
		expect(b.sentences.map((s) => s.key)).toContain('analysis_bias_sentence_position_humans');
	});

	it('bias: style shares, style-controlled Bradley–Terry and flagged answers', async () => {
		const b = await h.caller(p.admin).analysis.bias({ projectId: p.projectId, judgeRunId: runId });
		const lists = b.style.shares.find((s) => s.feature === 'lists')!;
		inside(0.5, lists.humans!.ci);
		expect(b.style.shares.find((s) => s.feature === 'bold')!.judge).toBeNull();
		// No planted style effect; the style-controlled order is the planted one.
		const judge = b.style.judge!;
		expect(judge.battles).toBe(N);
		inside(0, judge.coefficients.find((c) => c.name === 'length')!.ci);
		expect(judge.players.map((r) => r.name)).toEqual([...SYSTEMS]);
		expect(b.style.humans!.battles).toBe(N);
		inside(0, b.style.humans!.coefficients.find((c) => c.name === 'lists')!.ci);
		expect(b.style.scatter.length).toBe(N);
		const f = b.style.flagged!;
		expect(f).toMatchObject({ answers: N / 30, comparisons: N / 30 });
		expect(f.agreement.without!.n).toBeLessThan(f.agreement.all!.n);
		expect(f.winRates.map((w) => w.system)).toEqual(['mid', 'strong', 'weak']);
		expect(b.sentences.map((s) => s.key)).toEqual(
			expect.arrayContaining([
				'analysis_bias_sentence_lists',
				'analysis_bias_sentence_style',
				'analysis_bias_sentence_flagged'
			])
		);
	});

	it('leaderboard: human, PPI++ and Bradley–Terry recover the planted order and win rate', async () => {
		const l = await h.caller(p.admin).analysis.leaderboard({ projectId: p.projectId, datasetId });
		const strong = l.rows.find((r) => r.system === 'strong')!;
		const flip = (x: number) => H * x + (1 - H) * (1 - x);
		const planted = (flip(P.strong.mid) + flip(P.strong.weak)) / 2;
		inside(planted, strong.human!.ci);
		inside(planted, strong.ppi!.ci);
		expect(strong.ppi!.N).toBeGreaterThan(0);
		expect(l.rows.map((r) => r.system)).toEqual([...SYSTEMS]);
		const bt = l.bradleyTerry.human!.rows;
		expect(bt.map((r) => r.system)).toEqual([...SYSTEMS]);
		expect(bt[0].rankCi![0]).toBe(1);
	});

	it('annotators and outsiders get none of it', async () => {
		for (const user of [p.annotator, p.outsider]) {
			await expect(h.caller(user).analysis.agreement({ projectId: p.projectId, datasetId })).rejects.toThrow();
			await expect(h.caller(user).analysis.bias({ projectId: p.projectId, judgeRunId: runId })).rejects.toThrow();
			await expect(h.caller(user).analysis.leaderboard({ projectId: p.projectId, datasetId })).rejects.toThrow();
		}
	});
});
