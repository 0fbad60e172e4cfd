/**
 * The gate on a pairwise rubric, on planted data. Three systems answer every item (three pairs per
 * item); gold preferences A / B / tie exist on the first GOLD_ITEMS items, drawn with known shares.
 * A simulated judge with a KNOWN accuracy q gives the gold verdict with probability q and one of
 * the two others (uniformly) otherwise, so the planted figures are known in closed form:
 *
 *   agreement with ties     q
 *   agreement without ties  among pairs where truth and judge are both decisive:
 *                           q / (q + (1 − q)/2) = 2q / (1 + q)
 *   κ (linear, A < tie < B) κ of the expected table P(truth t, judge j) = p_t · (q if j = t else (1 − q)/2),
 *                           computed by lib/stats' own `cohenKappaFromTable`
 *
 * The test checks that the evaluation recovers each within its 95% cluster-bootstrap interval, that
 * a judge is certified exactly when the threshold is at or below the lower bound, that a blunt
 * few-shot version shows a negative change against the sharp one, and that a changed rubric,
 * model or calibration set asks for re-certification.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RubricContent } from '../../../src/lib/judging/types';
import { cohenKappaFromTable, kappaWeightMatrix } from '../../../src/lib/stats';
import type { ProjectWithMembers } from '../projects/factories';
import { codeOf } from '../support/app-error';
import { createHarness, type Harness } from '../support/harness';
import { addRubricVersion, completeRun, insertLabels, makeGateProject, type GateProject } from './support/gate-tools';
import { inside, rng } from './support/planted-tools';

const ITEMS = 160;
const GOLD_ITEMS = 130;
/** Shares of the gold verdicts (A, tie, B). */
const P = { A: 0.45, tie: 0.2, B: 0.35 } as const;
const SHARP = 0.85;
const BLUNT = 0.5;
const THRESHOLDS = { statistic: 'kappaPairwise' as const, minAgreement: 0.5, minTpr: 0.8, minTnr: 0.8 };

type Vote = 'A' | 'B' | 'tie';
const VOTES: Vote[] = ['A', 'tie', 'B'];

let h: Harness;
let p: ProjectWithMembers;
let datasetId: string;
let rubricId: string;
let v1: string;
let content: RubricContent;
let provider: string;
/** "answerA|answerB" (label orientation) → gold verdict. */
const gold = new Map<string, Vote>();

const planted = (q: number) => {
	const table = new Float64Array(9);
	VOTES.forEach((t, ti) => VOTES.forEach((j, ji) => (table[ji * 3 + ti] = P[t] * (j === t ? q : (1 - q) / 2))));
	return {
		withTies: q,
		withoutTies: (2 * q) / (1 + q),
		kappa: cohenKappaFromTable(table, kappaWeightMatrix('linear', [0, 1, 2]), 3)
	};
};

/** Writes the simulated judge's verdicts into every unit of a run and completes it. */
async function judge(runId: string, q: number, seed: number) {
	const random = rng(seed);
	const units = await h.db
		.selectFrom('judgment')
		.select(['id', 'answer_a_id', 'answer_b_id'])
		.where('run_id', '=', runId)
		.orderBy('id')
		.execute();
	for (const u of units) {
		const straight = gold.get(`${u.answer_a_id}|${u.answer_b_id}`);
		const truth = straight ?? swap(gold.get(`${u.answer_b_id}|${u.answer_a_id}`)!);
		const others = VOTES.filter((v) => v !== truth);
		const verdict = random() < q ? truth : others[random() < 0.5 ? 0 : 1];
		await h.db.updateTable('judgment').set({ status: 'ok', verdict }).where('id', '=', u.id).execute();
	}
	await completeRun(h.db, runId);
}
const swap = (v: Vote): Vote => (v === 'A' ? 'B' : v === 'B' ? 'A' : 'tie');

const addVersion = (version: number, examples: RubricContent['examples']) =>
	addRubricVersion(h.db, { projectId: p.projectId, rubricId, version, content: { ...content, examples } });

const overview = (extra: Record<string, unknown> = {}) =>
	h.caller(p.admin).gate.overview({ projectId: p.projectId, rubricId, thresholds: THRESHOLDS, ...extra });

beforeAll(async () => {
	h = await createHarness();
	let answers: GateProject['answers'];
	({ p, content, rubricId, v1, provider, datasetId, answers } = await makeGateProject(h.db, {
		name: 'Gate pairwise',
		judgeId: 'pairwise',
		items: Array.from({ length: ITEMS }, (_, i) => ({
			externalId: `q${i}`,
			prompt: `Question ${i}`,
			answers: { alpha: `alpha ${i}`, beta: `beta answer ${i}`, gamma: `gamma says ${i}` }
		}))
	}));
	const random = rng(5);
	const labels: object[] = [];
	for (let k = 0; k < answers.length; k += 3) {
		const [x, y, z] = answers.slice(k, k + 3);
		if (Number(x.external_id.slice(1)) >= GOLD_ITEMS) continue;
		for (const [a, b] of [
			[x, y],
			[x, z],
			[y, z]
		]) {
			const r = random();
			const verdict: Vote = r < P.A ? 'A' : r < P.A + P.tie ? 'tie' : 'B';
			gold.set(`${a.id}|${b.id}`, verdict);
			labels.push({
				project_id: p.projectId,
				dataset_id: datasetId,
				item_id: a.item_id,
				answer_a_id: a.id,
				answer_b_id: b.id,
				source: 'gold',
				external_annotator: 'gold',
				verdict
			});
		}
	}
	await insertLabels(h.db, labels);
}, 60_000);

afterAll(async () => {
	await h.close();
});

describe('gate on a pairwise rubric', () => {
	let setId: string;
	let sharp: string;

	it('pins the gold preferences as a frozen set of pairs', async () => {
		const pinned = await h.caller(p.admin).gate.pinSet({
			projectId: p.projectId,
			rubricId,
			datasetId,
			name: 'Gold pairs',
			reference: 'gold'
		});
		setId = pinned.setId;
		expect(pinned.answers).toBe(GOLD_ITEMS * 3);
		const rows = await h.db.selectFrom('calibration_set_pair').selectAll().where('set_id', '=', setId).execute();
		for (const r of rows) expect(r.verdict).toBe(gold.get(`${r.answer_a_id}|${r.answer_b_id}`));
		const o = await overview();
		expect(o.set).toMatchObject({ mode: 'pairwise', answerCount: GOLD_ITEMS * 3, goldCount: GOLD_ITEMS * 3 });
		expect(o.set?.contentHash).toBe(pinned.contentHash);
		expect(o.thresholds.statistic).toBe('kappaPairwise');
		// A pointwise statistic asked of a pairwise rubric falls back to κ: what is checked is shown.
		expect((await overview({ thresholds: { ...THRESHOLDS, statistic: 'kappaQuadratic' } })).thresholds.statistic).toBe(
			'kappaPairwise'
		);
		await expect(
			h.db.updateTable('calibration_set_pair').set({ verdict: 'tie' }).where('set_id', '=', setId).execute()
		).rejects.toThrow(/frozen/);
	});

	it('recovers the planted agreement within its intervals and certifies on the lower bound only', async () => {
		const c = h.caller(p.admin);
		const run = await c.gate.evaluate({ projectId: p.projectId, setId, rubricVersionId: v1, providerId: provider });
		// Only the set's pairs are judged, in the set's orientation.
		expect(run.total).toBe(GOLD_ITEMS * 3);
		sharp = run.runId;
		await judge(sharp, SHARP, 3);

		const o = await overview();
		const e = o.evaluations[0];
		expect(e.figures.n).toBe(GOLD_ITEMS * 3);
		expect(e.figures.coverage).toBe(1);
		const truth = planted(SHARP);
		inside(truth.withTies, e.figures.pairwise!.withTies.ci);
		inside(truth.withoutTies, e.figures.pairwise!.withoutTies!.ci);
		inside(truth.kappa, e.figures.pairwise!.kappa!.ci);
		expect(e.agreement).toEqual(e.figures.pairwise!.kappa);
		expect(e.checks.map((x) => x.key)).toEqual(['coverage', 'agreement']);

		// The threshold just above the lower bound refuses; at the lower bound it certifies.
		for (const statistic of ['kappaPairwise', 'agreementWithTies', 'agreementWithoutTies'] as const) {
			const view = (await overview({ thresholds: { ...THRESHOLDS, statistic } })).evaluations[0];
			const lower = view.agreement!.ci![0];
			const above = { ...THRESHOLDS, statistic, minAgreement: lower + 0.005 };
			expect(
				await codeOf(c.gate.certify({ projectId: p.projectId, setId, runId: sharp, use: 'x', thresholds: above }))
			).toBe('BAD_REQUEST');
		}
		const lower = e.agreement!.ci![0];
		await c.gate.certify({
			projectId: p.projectId,
			setId,
			runId: sharp,
			use: 'release gate',
			thresholds: { ...THRESHOLDS, minAgreement: Math.floor(lower * 1000) / 1000 }
		});
		const cert = (await overview()).certifications[0];
		expect(cert.status).toBe('certified');
		expect(cert.thresholds.statistic).toBe('kappaPairwise');
		expect((cert.results.pairwise as { kappa: { ci: number[] } }).kappa.ci[0]).toBeCloseTo(lower, 10);
	});

	it('shows a blunt few-shot version’s change against the sharp one', async () => {
		const c = h.caller(p.admin);
		const v2 = await addVersion(2, [
			{ id: 'ex1', question: 'Q', answerA: 'a', answerB: 'b', winner: 'A', explanation: 'ok' }
		]);
		const blunt = (await c.gate.evaluate({ projectId: p.projectId, setId, rubricVersionId: v2, providerId: provider }))
			.runId;
		await judge(blunt, BLUNT, 4);
		const [s, b] = (await overview({ thresholds: { ...THRESHOLDS, statistic: 'agreementWithTies' } })).evaluations;
		expect(s.runId).toBe(sharp);
		expect(b.examples).toBe(1);
		inside(BLUNT, b.figures.pairwise!.withTies.ci);
		expect(b.certifiable).toBe(false);
		expect(b.change!.fromRunId).toBe(sharp);
		inside(BLUNT - SHARP, b.change!.estimate!.ci);
		expect(b.change!.estimate!.ci![1]).toBeLessThan(0);
	});

	it('asks for re-certification when the rubric, the model or the calibration set changes', async () => {
		const c = h.caller(p.admin);
		// v2 (the few-shot version) is now the latest: the rubric changed since v1.
		let cert = (await overview()).certifications[0];
		expect(cert.reasons).toEqual(['rubric-changed']);
		await addVersion(3, []);
		cert = (await overview()).certifications[0];
		expect(cert.status).toBe('certified');
		expect((await c.gate.runCertification({ projectId: p.projectId, runId: sharp })).status).toBe('certified');

		await h.db.updateTable('llm_provider').set({ temperature: 0.7 }).where('id', '=', provider).execute();
		expect((await overview()).certifications[0].reasons).toEqual(['model-changed']);
		await h.db.updateTable('llm_provider').set({ temperature: null }).where('id', '=', provider).execute();

		await c.gate.pinSet({ projectId: p.projectId, rubricId, datasetId, name: 'Gold pairs 2', reference: 'gold' });
		cert = (await overview({ setId })).certifications[0];
		expect(cert.reasons).toEqual(['set-changed']);
		expect((await c.gate.runCertification({ projectId: p.projectId, runId: sharp })).status).toBe(
			'needs-recertification'
		);
	});
});
