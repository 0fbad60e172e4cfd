/**
 * Agreement on a category rubric, planted: answers with a true category t among K = 3
 * (ok / partial / wrong, uniform), two annotators (workspace labels, stored as the category's
 * index) who report t with probability H = 0.8, else one of the other two at random, and a live
 * judge whose majority over 3 samples reports t with probability J = 0.9 (its samples: the verdict
 * twice and one category at random, as the executor writes them: `judgment.category`, score null).
 *
 * Planted rates (uniform marginals, so chance agreement is 1/K):
 *   human ↔ human  P = H² + (1 − H)²/(K − 1)            = 0.66,  κ = (P − 1/K)/(1 − 1/K) = 0.49
 *   judge ↔ human  P = J·H + (1 − J)(1 − H)/(K − 1)      = 0.73,  κ = 0.595
 * The procedure must recover them within its intervals (widened to 99.9% as in planted.test.ts),
 * every figure must equal the full lib/stats function on the same pairs, and a 1-1-1 split of the
 * samples goes to the category listed first, as the run summary breaks it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { score10 } from '../../../src/lib/judging/test-rubrics';
import type { RubricContent } from '../../../src/lib/judging/types';
import { cohenKappa, krippendorffAlpha } from '../../../src/lib/stats';
import { makeRubricVersion } from '../judging/support/factory';
import { createHarness, type Harness } from '../support/harness';
import { makeProjectWithMembers, type ProjectWithMembers } from '../projects/factories';
import { seedDataset } from '../datasets/support/seed';
import { inside, rng } from './support/planted-tools';
import { insertJudgeRun, insertPlanted, noisyReporter } from './support/planted-rows';

const N = 400;
const H = 0.8;
const J = 0.9;
const CATEGORIES = ['ok', 'partial', 'wrong'];
const K = CATEGORIES.length;
const rubric: RubricContent = {
	...score10,
	name: 'Three categories',
	output: { kind: 'categories', categories: CATEGORIES },
	templates: { system: '', user: '{{rubric}} {{question}} {{answer}} one of {{categories}}' }
};

let h: Harness;
let p: ProjectWithMembers;
let datasetId: string;
let runId: string;
/** Judge majority and human codes per answer, as planted. */
const planted: { judge: number; humans: number[] }[] = [];
let splitAnswer: string;

beforeAll(async () => {
	h = await createHarness();
	p = await makeProjectWithMembers(h.db, 'Planted categories');
	const random = rng(29);
	const report = noisyReporter(random, [0, 1, 2]);
	const items = Array.from({ length: N + 1 }, (_, i) => ({
		externalId: `c${i}`,
		prompt: `Question ${i}`,
		category: i % 2 ? 'odd' : 'even',
		system: i % 3 ? 'alpha' : 'beta',
		answers: { [i % 3 ? 'alpha' : 'beta']: `answer ${i}` }
	}));
	const seeded = await seedDataset(h.db, { projectId: p.projectId, name: 'Categories', items });
	datasetId = seeded.datasetId;
	const { versionId } = await makeRubricVersion(h.db, p.projectId, rubric);
	runId = await insertJudgeRun(h.db, {
		projectId: p.projectId,
		datasetId,
		name: 'categorical judge',
		mode: 'pointwise',
		judgeModel: 'planted',
		live: { rubricVersionId: versionId, status: 'completed' }
	});
	const judgments: object[] = [];
	const labels: object[] = [];
	const judgmentRow = (itemId: string, answerId: string, sample: number, category: string) => ({
		run_id: runId,
		item_id: itemId,
		answer_a_id: answerId,
		answer_b_id: null,
		sample,
		status: 'ok',
		category,
		raw: JSON.stringify({ reply: `[[${category}]]`, method: 'marker', category })
	});
	items.forEach((it, i) => {
		const itemId = seeded.items[it.externalId];
		const answerId = seeded.answers[`${it.externalId}/${it.system}`];
		if (i === N) {
			// One answer whose samples split 1-1-1, with no human label: the first category wins.
			splitAnswer = answerId;
			[2, 1, 0].forEach((c, s) => judgments.push(judgmentRow(itemId, answerId, s, CATEGORIES[c])));
			return;
		}
		const t = Math.floor(random() * K);
		const judge = report(t, J);
		const noise = Math.floor(random() * K);
		[judge, noise, judge].forEach((c, s) => judgments.push(judgmentRow(itemId, answerId, s, CATEGORIES[c])));
		const humans = [p.admin, p.annotator].map((user) => {
			const code = report(t, H);
			labels.push({
				project_id: p.projectId,
				dataset_id: datasetId,
				item_id: itemId,
				answer_a_id: answerId,
				answer_b_id: null,
				source: 'ui',
				annotator_user_id: user.id,
				score: code
			});
			return code;
		});
		planted.push({ judge, humans });
	});
	await insertPlanted(h.db, { judgments, labels });
});
afterAll(() => h.close());

describe('agreement on a category rubric', () => {
	it('reads the judge majority category and recovers the planted κ and agreement', async () => {
		const s = await h.caller(p.admin).analysis.scoreAgreement({ projectId: p.projectId, datasetId });
		expect(s.run.id).toBe(runId);
		expect(s.scale).toEqual({ level: 'nominal', values: [0, 1, 2], labels: CATEGORIES });
		expect(s.counts).toEqual({ judged: N + 1, labelled: N, both: N, humanPairs: N });

		const chance = 1 / K;
		const pHH = H * H + ((1 - H) * (1 - H)) / (K - 1);
		const pJH = J * H + ((1 - J) * (1 - H)) / (K - 1);
		inside(pHH, s.humanHuman!.exact.ci);
		inside(pJH, s.judgeHuman!.exact.ci);
		inside((pHH - chance) / (1 - chance), s.humanHuman!.kappaNominal!.ci);
		inside((pJH - chance) / (1 - chance), s.judgeHuman!.kappaNominal!.ci);

		// The same pairs through the full lib/stats functions.
		const x = planted.flatMap((a) => a.humans.map(() => a.judge));
		const y = planted.flatMap((a) => a.humans);
		const jh = s.judgeHuman!;
		expect(jh.n).toBe(2 * N);
		expect(jh.exact.estimate).toBeCloseTo(x.filter((v, i) => v === y[i]).length / x.length, 12);
		expect(jh.kappaNominal!.estimate).toBeCloseTo(cohenKappa(x, y, { categories: [0, 1, 2] }), 12);
		expect(jh.alphaNominal!.estimate).toBeCloseTo(krippendorffAlpha([x, y], { level: 'nominal' }), 12);
		const hx = planted.map((a) => a.humans[0]);
		const hy = planted.map((a) => a.humans[1]);
		// Which of two labels on an answer comes first follows row ids, so hold the figures that do not
		// depend on the orientation of a pair: exact agreement and α.
		expect(s.humanHuman!.exact.estimate).toBeCloseTo(hx.filter((v, i) => v === hy[i]).length / N, 12);
		expect(s.humanHuman!.alphaNominal!.estimate).toBeCloseTo(krippendorffAlpha([hx, hy], { level: 'nominal' }), 12);
		// Nominal scale: no ordinal statistics.
		for (const f of [jh.kappaQuadratic, jh.spearman, jh.withinOne]) expect(f).toBeNull();
		for (const f of [jh.exact, jh.kappaNominal!, jh.alphaNominal!]) {
			expect(f.ci![0]).toBeLessThanOrEqual(f.estimate);
			expect(f.ci![1]).toBeGreaterThanOrEqual(f.estimate);
		}
		// The more accurate judge agrees with people more than they do with each other.
		expect(jh.exact.ci![0]).toBeGreaterThan(s.humanHuman!.exact.estimate - 0.1);
		expect(s.confusion!.matrix.flat().reduce((a, b) => a + b, 0)).toBe(2 * N);
		expect(s.confusion!.matrix[1][1]).toBe(x.filter((v, i) => v === 1 && y[i] === 1).length);
		expect(s.bySystem.map((g) => g.name)).toEqual(['alpha', 'beta']);
		// Disagreements on a nominal scale: the share of labels unlike the judge's, all of them first.
		expect(s.disagreements[0].distance).toBe(1);
		expect(s.disagreements.every((d) => d.distance > 0 && d.distance <= 1)).toBe(true);
	});

	it('breaks a split majority by rubric order, as the run summary does', async () => {
		const { loadPointwiseScores } = await import('../../../src/lib/server/services/analysis-scores');
		const answers = await loadPointwiseScores(h.db, { datasetId, runId, humanSource: 'all', nominal: true });
		const split = answers.find((a) => a.answerId === splitAnswer)!;
		expect(split.judge).toMatchObject({ score: 0, samples: 3, sd: 0 });
		// Callers that read scores as numbers get no judge side on a category rubric.
		const plain = await loadPointwiseScores(h.db, { datasetId, runId, humanSource: 'all' });
		expect(plain.every((a) => a.judge === null)).toBe(true);
	});

	it('ranks and calibrates nothing: a mean of category positions would be a number without meaning', async () => {
		const caller = h.caller(p.admin).analysis;
		const board = await caller.leaderboard({ projectId: p.projectId, datasetId, judgeRunId: runId });
		expect(board.run?.id).toBe(runId);
		expect(board.categoryRubric).toBe(true);
		expect(board.pointwise).toBeNull();
		expect(board.rows).toEqual([]);
		const calibration = await caller.calibration({ projectId: p.projectId, datasetId, judgeRunId: runId });
		expect(calibration.categoryRubric).toBe(true);
		expect(calibration.reliability).toEqual([]);
		expect(calibration.errors).toBeNull();
		expect(calibration.warnings).toEqual([]);
	});

	it('annotators and outsiders get none of it', async () => {
		for (const user of [p.annotator, p.outsider]) {
			await expect(h.caller(user).analysis.scoreAgreement({ projectId: p.projectId, datasetId })).rejects.toThrow();
		}
	});
});
