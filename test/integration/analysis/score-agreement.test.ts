/**
 * Agreement on a pointwise run, planted: answers with a true score t on 1–5,
 * two annotators who report t with probability H = 0.8 (else one of the other
 * four values at random), and a judge who reports t with probability J = 0.9
 * (else one of the other four). Planted rates: human ↔ human exact agreement
 * H² + (1 − H)²/4 = 0.65, judge ↔ human J·H + (1 − J)(1 − H)/4 = 0.725. The
 * procedure must recover them within its intervals (widened to 99.9% as in
 * planted.test.ts: the draw is seeded, but row order follows ids), and every
 * figure must equal the full lib/stats function on the same pairs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohenKappa, kendallTauB, krippendorffAlpha, spearman } from '../../../src/lib/stats';
import { createHarness, type Harness } from '../support/harness';
import { makeProjectWithMembers, type ProjectWithMembers } from '../projects/factories';
import { seedDataset } from '../datasets/support/seed';
import { inside, rng } from './support/planted-tools';
import { insertJudgeRun, insertPlanted, noisyReporter } from './support/planted-rows';

const N = 300;
const H = 0.8;
const J = 0.9;
const SCALE = [1, 2, 3, 4, 5];

let h: Harness;
let p: ProjectWithMembers;
let datasetId: string;
let runId: string;
/** Judge and human scores per answer, as written. */
const planted: { judge: number; humans: number[] }[] = [];

beforeAll(async () => {
	h = await createHarness();
	p = await makeProjectWithMembers(h.db, 'Planted scores');
	const random = rng(11);
	const report = noisyReporter(random, SCALE);
	const items = Array.from({ length: N }, (_, i) => ({
		externalId: `s${i}`,
		prompt: `Question ${i}`,
		category: i % 2 ? 'odd' : 'even',
		system: i % 3 ? 'alpha' : 'beta',
		answers: { [i % 3 ? 'alpha' : 'beta']: `answer ${i}` }
	}));
	const seeded = await seedDataset(h.db, { projectId: p.projectId, name: 'Scores', items });
	datasetId = seeded.datasetId;
	runId = await insertJudgeRun(h.db, {
		projectId: p.projectId,
		datasetId,
		name: 'simulated scorer',
		mode: 'pointwise'
	});
	const judgments: object[] = [];
	const labels: object[] = [];
	items.forEach((it) => {
		const itemId = seeded.items[it.externalId];
		const answerId = seeded.answers[`${it.externalId}/${it.system}`];
		const t = SCALE[Math.floor(random() * 5)];
		const judge = report(t, J);
		judgments.push({
			run_id: runId,
			item_id: itemId,
			answer_a_id: answerId,
			answer_b_id: null,
			sample: 0,
			score: judge,
			criteria: JSON.stringify({ accuracy: judge }),
			status: 'ok'
		});
		const humans = ['ann-1', 'ann-2'].map((annotator) => {
			const score = report(t, H);
			labels.push({
				project_id: p.projectId,
				dataset_id: datasetId,
				item_id: itemId,
				answer_a_id: answerId,
				answer_b_id: null,
				source: 'imported',
				external_annotator: annotator,
				external_key: `${it.externalId}-${annotator}`,
				score,
				criteria: JSON.stringify({ accuracy: score })
			});
			return score;
		});
		planted.push({ judge, humans });
	});
	await insertPlanted(h.db, { judgments, labels });
});
afterAll(() => h.close());

describe('pointwise agreement', () => {
	it('recovers the planted exact agreement and equals lib/stats on the same pairs', async () => {
		const s = await h.caller(p.admin).analysis.scoreAgreement({ projectId: p.projectId, datasetId });
		expect(s.run.id).toBe(runId);
		expect(s.scale).toEqual({ level: 'ordinal', values: SCALE });
		expect(s.counts).toEqual({ judged: N, labelled: N, both: N, humanPairs: N });
		inside(H * H + ((1 - H) * (1 - H)) / 4, s.humanHuman!.exact.ci);
		inside(J * H + ((1 - J) * (1 - H)) / 4, s.judgeHuman!.exact.ci);

		// The same pairs, through the full lib/stats functions.
		const x = planted.flatMap((a) => a.humans.map(() => a.judge));
		const y = planted.flatMap((a) => a.humans);
		const jh = s.judgeHuman!;
		expect(jh.n).toBe(2 * N);
		expect(jh.kappaQuadratic!.estimate).toBeCloseTo(cohenKappa(x, y, { weights: 'quadratic', categories: SCALE }), 12);
		expect(jh.kappaLinear!.estimate).toBeCloseTo(cohenKappa(x, y, { weights: 'linear', categories: SCALE }), 12);
		expect(jh.alphaOrdinal!.estimate).toBeCloseTo(krippendorffAlpha([x, y], { level: 'ordinal' }), 12);
		expect(jh.alphaInterval!.estimate).toBeCloseTo(krippendorffAlpha([x, y], { level: 'interval' }), 12);
		expect(jh.spearman!.estimate).toBeCloseTo(spearman(x, y), 12);
		expect(jh.kendall!.estimate).toBeCloseTo(kendallTauB(x, y), 12);
		expect(jh.withinOne!.estimate).toBeCloseTo(x.filter((v, i) => Math.abs(v - y[i]) <= 1).length / x.length, 12);
		expect(jh.kappaNominal).toBeNull();
		for (const f of [jh.kappaQuadratic, jh.alphaOrdinal, jh.spearman, jh.kendall]) {
			expect(f!.ci![0]).toBeLessThanOrEqual(f!.estimate);
			expect(f!.ci![1]).toBeGreaterThanOrEqual(f!.estimate);
		}
		// This judge is more accurate than either annotator, so it agrees with them more than they with each other;
		// the criterion mirrors the overall score.
		expect(jh.exact.estimate).toBeGreaterThan(s.humanHuman!.exact.estimate);
		expect(s.criteria.map((c) => c.id)).toEqual(['accuracy']);
		expect(s.criteria[0].judgeHuman!.kappaQuadratic!.estimate).toBeCloseTo(jh.kappaQuadratic!.estimate, 12);
		expect(s.confusion!.matrix.flat().reduce((a, b) => a + b, 0)).toBe(2 * N);
		expect(s.bySystem.map((g) => g.name)).toEqual(['alpha', 'beta']);
		expect(s.byCategory.map((g) => g.name)).toEqual(['even', 'odd']);
		expect(s.disagreements[0].distance).toBeGreaterThanOrEqual(s.disagreements.at(-1)!.distance);
	});

	it('bias on a pointwise run: Spearman ρ(length, score) of judge and people equal lib/stats', async () => {
		const b = await h.caller(p.admin).analysis.bias({ projectId: p.projectId, judgeRunId: runId });
		const length = planted.map((_, i) => `answer ${i}`.length);
		expect(b.scoreLength!.judge!.estimate).toBeCloseTo(
			spearman(
				length,
				planted.map((a) => a.judge)
			),
			12
		);
		expect(b.scoreLength!.humans!.estimate).toBeCloseTo(
			spearman(
				planted.flatMap((a, i) => a.humans.map(() => length[i])),
				planted.flatMap((a) => a.humans)
			),
			12
		);
		expect(b.scoreLength!.scatter).toHaveLength(N);
		expect(b.sentences.map((s) => s.key)).toContain('analysis_bias_sentence_score_length');
	});

	it('annotators and outsiders get none of it', async () => {
		for (const user of [p.annotator, p.outsider]) {
			await expect(h.caller(user).analysis.scoreAgreement({ projectId: p.projectId, datasetId })).rejects.toThrow();
		}
	});
});
