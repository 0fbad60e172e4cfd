/**
 * Gate and certification on planted data. A pointwise dataset (criteria-1-5: a 1–5 score and the
 * red-line criterion `safety`, pass at ≥ 3) has two systems whose answers truly pass with
 * probability 0.8 ('good') and 0.35 ('bad'); gold labels (the true score and pass mark) exist on
 * the first GOLD_ITEMS items. A simulated judge with KNOWN error rates writes its verdicts into the
 * runs: it says "pass" with probability Se when the truth passes and 1 − Sp when it fails, and
 * reproduces the true score with a set accuracy. So:
 *
 * - a sharp judge (κ high, Se 0.95, Sp 0.9) clears the thresholds and is certified; a blunt one
 *   (scores mostly off, Se 0.6) is refused, and its "change" against the sharp one is negative;
 * - a new rubric version, another model or a newer calibration set turn the certification into
 *   "needs re-certification";
 * - the pinned snapshot ignores later label edits (rows and hash unchanged);
 * - on a production run over every answer, the Rogan–Gladen corrected pass rate per system
 *   recovers the planted true pass rate within its interval, where the raw rate does not.
 */
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RubricContent } from '../../../src/lib/judging/types';
import type { ProjectWithMembers } from '../projects/factories';
import { createHarness, type Harness } from '../support/harness';
import { addRubricVersion, completeRun, insertLabels, makeGateProject, type GateProject } from './support/gate-tools';
import { inside, rng } from './support/planted-tools';

const ITEMS = 300;
const GOLD_ITEMS = 110;
const TRUE_PASS = { good: 0.8, bad: 0.35 } as const;
const THRESHOLDS = { statistic: 'kappaQuadratic' as const, minAgreement: 0.5, minTpr: 0.8, minTnr: 0.7 };

let h: Harness;
let p: ProjectWithMembers;
let datasetId: string;
let rubricId: string;
let v1: string;
let content: RubricContent;
let provider: string;
/** answer id → the truth (score 1–5, passes safety). */
const truth = new Map<string, { score: number; pass: boolean; system: string; gold: boolean }>();

interface JudgeModel {
	se: number;
	sp: number;
	/** Probability the judge gives the true score; else ± 1 point, or (wild) any score. */
	exact: number;
	wild?: boolean;
	seed: number;
}

/** Writes the simulated judge's verdicts into every pending unit of a run and completes it. */
async function judge(runId: string, m: JudgeModel) {
	const random = rng(m.seed);
	const units = await h.db.selectFrom('judgment').select(['id', 'answer_a_id']).where('run_id', '=', runId).execute();
	for (const u of units) {
		const t = truth.get(u.answer_a_id)!;
		const says = t.pass ? random() < m.se : random() >= m.sp;
		const off = random() < 0.5 ? -1 : 1;
		const score =
			random() < m.exact ? t.score : m.wild ? 1 + Math.floor(random() * 5) : Math.min(5, Math.max(1, t.score + off));
		const safety = says ? 3 + Math.floor(random() * 3) : 1 + Math.floor(random() * 2);
		await h.db
			.updateTable('judgment')
			.set({
				status: 'ok',
				score,
				criteria: JSON.stringify({ correctness: score, helpfulness: score, safety })
			})
			.where('id', '=', u.id)
			.execute();
	}
	await completeRun(h.db, runId);
}

const addVersion = (version: number, examples: RubricContent['examples']) =>
	addRubricVersion(h.db, { projectId: p.projectId, rubricId, version, content: { ...content, examples } });

/** The tRPC error a call rejects with (code and message); any other outcome fails the test. */
async function appErrorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
	try {
		await promise;
	} catch (e) {
		if (e instanceof TRPCError) return { code: e.code, message: e.message };
		throw e;
	}
	throw new Error('expected the call to fail');
}

const overview = (extra: Record<string, unknown> = {}) =>
	h.caller(p.admin).gate.overview({ projectId: p.projectId, rubricId, thresholds: THRESHOLDS, ...extra });

beforeAll(async () => {
	h = await createHarness();
	let answers: GateProject['answers'];
	({ p, content, rubricId, v1, provider, datasetId, answers } = await makeGateProject(h.db, {
		name: 'Gate',
		judgeId: 'criteria-1-5',
		items: Array.from({ length: ITEMS }, (_, i) => ({
			externalId: `g${i}`,
			prompt: `Question ${i}`,
			answers: { good: `good answer ${i}`, bad: `bad answer ${i}` }
		}))
	}));
	const random = rng(11);
	const labels: object[] = [];
	for (const a of answers) {
		const system = a.name as keyof typeof TRUE_PASS;
		const pass = random() < TRUE_PASS[system];
		const score = pass ? 3 + Math.floor(random() * 3) : 1 + Math.floor(random() * 2);
		const gold = Number(a.external_id.slice(1)) < GOLD_ITEMS;
		truth.set(a.id, { score, pass, system, gold });
		if (gold)
			labels.push({
				project_id: p.projectId,
				dataset_id: datasetId,
				item_id: a.item_id,
				answer_a_id: a.id,
				source: 'gold',
				external_annotator: 'gold',
				score,
				criteria: JSON.stringify({ correctness: score, helpfulness: score, safety: score }),
				red_lines: JSON.stringify({ safety: pass })
			});
	}
	await insertLabels(h.db, labels);
}, 60_000);

afterAll(async () => {
	await h.close();
});

describe('gate and certification', () => {
	let setId: string;
	let sharp: string;
	let blunt: string;

	it('pins a frozen set of the gold-labelled answers; later label edits do not reach it', async () => {
		const c = h.caller(p.admin);
		const pinned = await c.gate.pinSet({
			projectId: p.projectId,
			rubricId,
			datasetId,
			name: 'Gold v1',
			reference: 'gold'
		});
		setId = pinned.setId;
		expect(pinned.answers).toBe(GOLD_ITEMS * 2);
		const before = await h.db
			.selectFrom('calibration_set_item')
			.selectAll()
			.where('set_id', '=', setId)
			.orderBy('answer_id')
			.execute();
		// Flip every gold label afterwards: the snapshot and its hash stay as pinned.
		await h.db
			.updateTable('annotation')
			.set({ score: 1, red_lines: JSON.stringify({ safety: false }) })
			.where('dataset_id', '=', datasetId)
			.execute();
		const after = await h.db
			.selectFrom('calibration_set_item')
			.selectAll()
			.where('set_id', '=', setId)
			.orderBy('answer_id')
			.execute();
		expect(after).toEqual(before);
		for (const r of after) expect(r.passes).toEqual({ safety: truth.get(r.answer_id)!.pass });
		const o = await overview();
		expect(o.set?.contentHash).toBe(pinned.contentHash);
		// The rows cannot be edited in place either.
		await expect(
			h.db.updateTable('calibration_set_item').set({ score: 5 }).where('set_id', '=', setId).execute()
		).rejects.toThrow(/frozen/);
		// Restore the labels for the later pins.
		for (const [answerId, t] of truth)
			if (t.gold)
				await h.db
					.updateTable('annotation')
					.set({ score: t.score, red_lines: JSON.stringify({ safety: t.pass }) })
					.where('answer_a_id', '=', answerId)
					.execute();
	});

	it('judges only the set, certifies a judge whose lower bounds clear and refuses one whose do not', async () => {
		const c = h.caller(p.admin);
		const a = await c.gate.evaluate({ projectId: p.projectId, setId, rubricVersionId: v1, providerId: provider });
		expect(a.total).toBe(GOLD_ITEMS * 2);
		sharp = a.runId;
		await judge(sharp, { se: 0.95, sp: 0.9, exact: 0.85, seed: 3 });
		const v2 = await addVersion(2, [
			{
				id: 'ex1',
				question: 'Q',
				answer: 'A',
				score: 4,
				scores: { correctness: 4, helpfulness: 4, safety: 4 },
				explanation: 'ok'
			}
		]);
		blunt = (await c.gate.evaluate({ projectId: p.projectId, setId, rubricVersionId: v2, providerId: provider })).runId;
		await judge(blunt, { se: 0.6, sp: 0.9, exact: 0.2, wild: true, seed: 4 });

		const o = await overview();
		const [s, b] = o.evaluations;
		expect(s.runId).toBe(sharp);
		expect(s.examples).toBe(0);
		expect(b.examples).toBe(1);
		expect(s.certifiable).toBe(true);
		expect(b.certifiable).toBe(false);
		const safety = s.figures.passFail.find((x) => x.criterion === 'safety')!;
		inside(0.95, safety.tpr!.ci);
		inside(0.9, safety.tnr!.ci);
		expect(b.checks.find((x) => x.key === 'tpr')!.ok).toBe(false);
		expect(b.checks.find((x) => x.key === 'agreement')!.ok).toBe(false);
		// The blunt version's change against the sharp one: clearly down, interval below 0.
		expect(b.change!.fromRunId).toBe(sharp);
		expect(b.change!.estimate!.ci![1]).toBeLessThan(0);

		const refused = await appErrorOf(
			c.gate.certify({ projectId: p.projectId, setId, runId: blunt, use: 'release gate', thresholds: THRESHOLDS })
		);
		expect(refused.code).toBe('BAD_REQUEST');
		expect(refused.message).toMatch(/lower bound/);
		// The sharp one is refused too under a threshold above its lower bound.
		const tooHigh = { ...THRESHOLDS, minAgreement: s.agreement!.ci![0] + 0.01 };
		expect(
			(await appErrorOf(c.gate.certify({ projectId: p.projectId, setId, runId: sharp, use: 'x', thresholds: tooHigh })))
				.code
		).toBe('BAD_REQUEST');
		// A viewer may read, not certify.
		expect(
			(
				await appErrorOf(
					h
						.caller(p.viewer)
						.gate.certify({ projectId: p.projectId, setId, runId: sharp, use: 'x', thresholds: THRESHOLDS })
				)
			).code
		).toBe('FORBIDDEN');
		await c.gate.certify({ projectId: p.projectId, setId, runId: sharp, use: 'release gate', thresholds: THRESHOLDS });
	});

	it('says which version, model and set a certification is on, and asks for re-certification when one changes', async () => {
		const c = h.caller(p.admin);
		// v2 exists (the blunt few-shot version), so the rubric already changed since v1.
		let cert = (await overview()).certifications[0];
		expect(cert.version).toBe(1);
		expect(cert.model.model).toBe('simulated-judge');
		expect(cert.setName).toBe('Gold v1');
		expect(cert.status).toBe('needs-recertification');
		expect(cert.reasons).toEqual(['rubric-changed']);
		// A v3 identical to v1 brings the hash back: certified again.
		await addVersion(3, []);
		cert = (await overview()).certifications[0];
		expect(cert.reasons).toEqual([]);
		expect(cert.status).toBe('certified');
		expect((await c.gate.runCertification({ projectId: p.projectId, runId: sharp })).status).toBe('certified');

		// The provider's model changes: re-certification.
		await h.db.updateTable('llm_provider').set({ temperature: 0.7 }).where('id', '=', provider).execute();
		cert = (await overview()).certifications[0];
		expect(cert.reasons).toEqual(['model-changed']);
		await h.db.updateTable('llm_provider').set({ temperature: null }).where('id', '=', provider).execute();
		expect((await overview()).certifications[0].status).toBe('certified');

		// A newer set is pinned: re-certification, and certifying on the old set is refused.
		await c.gate.pinSet({ projectId: p.projectId, rubricId, datasetId, name: 'Gold v2', reference: 'gold' });
		cert = (await overview({ setId })).certifications[0];
		expect(cert.reasons).toEqual(['set-changed']);
		expect(cert.status).toBe('needs-recertification');
		expect(
			(
				await appErrorOf(
					c.gate.certify({ projectId: p.projectId, setId, runId: sharp, use: 'x', thresholds: THRESHOLDS })
				)
			).message
		).toMatch(/newer calibration set/);
		expect((await c.gate.runCertification({ projectId: p.projectId, runId: sharp })).status).toBe(
			'needs-recertification'
		);
	});

	it('corrects a production run’s pass rates for the judge’s measured error rates (Rogan–Gladen)', async () => {
		const c = h.caller(p.admin);
		// The current set is "Gold v2" (same answers): evaluate the sharp judge on it again.
		const current = (await overview()).set!;
		const v3 = (
			await h.db
				.selectFrom('rubric_version')
				.select('id')
				.where('rubric_id', '=', rubricId)
				.where('version', '=', 3)
				.executeTakeFirstOrThrow()
		).id;
		const again = await c.gate.evaluate({
			projectId: p.projectId,
			setId: current.id,
			rubricVersionId: v3,
			providerId: provider
		});
		const model: JudgeModel = { se: 0.9, sp: 0.8, exact: 0.85, seed: 7 };
		await judge(again.runId, model);
		const production = await c.judgeRuns.start({
			projectId: p.projectId,
			datasetId,
			rubricVersionId: v3,
			providerId: provider,
			options: { bothOrders: false, samples: 1, pairing: 'all-pairs' }
		});
		expect(production.total).toBe(ITEMS * 2);
		await judge(production.runId, { ...model, seed: 8 });
		const o = await overview({ runId: production.runId });
		expect(o.production.run?.id).toBe(production.runId);
		expect(o.production.evaluationRunId).toBe(again.runId);
		expect(o.production.criterion).toBe('safety');
		for (const row of o.production.systems) {
			const answers = [...truth.values()].filter((t) => t.system === row.system);
			const trueRate = answers.filter((t) => t.pass).length / answers.length;
			expect(row.answers).toBe(answers.length);
			inside(trueRate, row.corrected!.ci);
			// The raw judge rate is biased by the error rates: for 'bad' (true 0.35) it reads ≈ 0.45.
			if (row.system === 'bad') expect(row.apparent.estimate).toBeGreaterThan(trueRate);
		}
	});

	it('gives annotators nothing', async () => {
		const e = await appErrorOf(h.caller(p.annotator).gate.overview({ projectId: p.projectId, rubricId }));
		expect(e.code).toBe('FORBIDDEN');
	});
});
