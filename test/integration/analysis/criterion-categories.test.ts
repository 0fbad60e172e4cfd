/**
 * A categorical criterion end to end, planted: a multi-criterion rubric (correctness, helpfulness,
 * safety on 1–5, and `tone` answered with one of formal / casual / rude), a LIVE judge run through
 * the worker against the fake server, and two annotators labelling every answer in the workspace
 * (annotation.next / submit). Each answer has a true tone t among K = 3 (uniform); the judge's
 * reply names t with probability J = 0.9 (as a JSON label, or a "Tone: …" line, sometimes in
 * another case or quoted), each annotator picks t with probability H = 0.8, else one of the other
 * two at random. One answer gets an off-list label: kept unparseable with its reply and reason.
 *
 * Planted rates for tone (uniform marginals, chance agreement 1/K):
 *   judge ↔ human  P = J·H + (1 − J)(1 − H)/(K − 1) = 0.73,  κ = (P − 1/K)/(1 − 1/K) = 0.595
 *   human ↔ human  P = H² + (1 − H)²/(K − 1)         = 0.66,  κ = 0.49
 * The per-criterion agreement must read tone on a nominal scale (κ, α nominal, exact agreement,
 * no ordinal figure) with cluster-bootstrap intervals that hold the planted values (widened to
 * 99.9% as in planted.test.ts), equal to lib/stats on the same pairs; the numeric criteria stay
 * ordinal, and the overall score is the numeric criteria's mean (tone's index takes no part).
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criteriaTone } from '../../../src/lib/judging/test-rubrics';
import { addMember } from '../../../src/lib/server/db/repositories/members';
import type { SessionUser } from '../../../src/lib/server/auth/types';
import { cohenKappa, krippendorffAlpha } from '../../../src/lib/stats';
import { createPool } from '../../../src/lib/server/db/client';
import { ExportRequestSchema, prepareExport } from '../../../src/lib/server/services/exports';
import type { FakeChatRequest, FakeOpenAiServer } from '../../support/fake-openai-server';
import { createJudgingEnv, until, type JudgingEnv } from '../judging/support/env';
import { makeProvider, makeRubricVersion, seedAnswers } from '../judging/support/factory';
import { startJudgeServer, userText } from '../judging/support/judge-server';
import { makeUser } from '../projects/factories';
import { key } from '../annotation/support';
import { inside, rng } from './support/planted-tools';

const N = 200;
const H = 0.8;
const J = 0.9;
const LABELS = ['formal', 'casual', 'rude'];
const K = LABELS.length;

let env: JudgingEnv;
let server: FakeOpenAiServer;
let datasetId: string;
let runId: string;
let annotators: SessionUser[];
/** Per item (by external id): the judge's code and each annotator's code, as planted. */
const judgeCode = new Map<string, number>();
const humanCode = new Map<string, number[]>();

/** The fake judge: reads the planted judge code from the answer and names its label, in one of three forms. */
function reply(req: FakeChatRequest): string {
	const text = userText(req);
	const m = /JUDGE=(\d) #(\d+)/.exec(text);
	if (!m) return 'no answer';
	const i = Number(m[2]);
	if (text.includes('OFFLIST'))
		return JSON.stringify({ scores: { correctness: 4, helpfulness: 4, safety: 5, tone: 'sarcastic' } });
	const label = LABELS[Number(m[1])];
	if (i % 5 === 1) return `Correctness: 4\nHelpfulness: 4\nSafety: 5\nTone: **${label}**`;
	const shown = i % 5 === 2 ? `"${label.toUpperCase()}".` : label;
	return `Fine.\n${JSON.stringify({ scores: { correctness: 4, helpfulness: 4, safety: 5, tone: shown } })}`;
}

beforeAll(async () => {
	env = await createJudgingEnv('critcat');
	server = await startJudgeServer({ reply, latencyMs: 1 });
	const random = rng(41);
	const report = (t: number, accuracy: number) => {
		if (random() < accuracy) return t;
		const others = [0, 1, 2].filter((v) => v !== t);
		return others[Math.floor(random() * others.length)];
	};
	const items = Array.from({ length: N + 1 }, (_, i) => {
		const externalId = `t${i}`;
		if (i === N) return { externalId, prompt: 'Off-list', answers: { alpha: `OFFLIST JUDGE=0 #${i}` } };
		const t = Math.floor(random() * K);
		const judge = report(t, J);
		judgeCode.set(externalId, judge);
		humanCode.set(externalId, [report(t, H), report(t, H)]);
		return {
			externalId,
			prompt: `Reply to message ${i}.`,
			answers: { [i % 3 ? 'alpha' : 'beta']: `JUDGE=${judge} #${i}` }
		};
	});
	datasetId = (await seedAnswers(env.db, { projectId: env.project.projectId, name: 'Tone', items })).datasetId;
	const second = await makeUser(env.db, { name: 'second annotator' });
	await addMember(env.db, { projectId: env.project.projectId, userId: second.id, role: 'annotator' });
	annotators = [env.project.annotator, second];
	await env.startWorker();
}, 60_000);

afterAll(async () => {
	await env?.close();
	await server?.close();
});

const projectId = () => env.project.projectId;

describe('a categorical criterion, judged live and labelled in the workspace', () => {
	let versionId: string;

	it('judges it: labels parsed into their index beside the numeric scores, an off-list label kept raw with its reason', async () => {
		({ versionId } = await makeRubricVersion(env.db, projectId(), criteriaTone));
		const providerId = await makeProvider(env.db, projectId(), { baseUrl: server.baseUrl, concurrency: 8 });
		({ runId } = await env.admin().judgeRuns.start({
			projectId: projectId(),
			datasetId,
			rubricVersionId: versionId,
			providerId,
			options: { bothOrders: false, samples: 1, pairing: 'all-pairs' }
		}));
		const progress = await until(async () => {
			const p = await env.admin().judgeRuns.progress({ projectId: projectId(), runId });
			return p.status === 'completed' && p.running === 0 ? p : undefined;
		}, 'the run to finish');
		expect(progress).toMatchObject({ total: N + 1, ok: N, unparseable: 1, failed: 0 });
		const rows = await env.db
			.selectFrom('judgment as j')
			.innerJoin('dataset_item as i', 'i.id', 'j.item_id')
			.select(['i.external_id', 'j.criteria', 'j.score', 'j.status', 'j.error', 'j.raw'])
			.where('j.run_id', '=', runId)
			.execute();
		for (const r of rows) {
			if (r.external_id === `t${N}`) {
				expect(r).toMatchObject({ status: 'unparseable', score: null, criteria: null });
				expect(r.error).toMatch(/criterion "tone" "sarcastic" is not one of its labels formal, casual, rude/);
				expect((r.raw as { reply: string }).reply).toContain('"sarcastic"');
				continue;
			}
			expect(r.criteria).toEqual({ correctness: 4, helpfulness: 4, safety: 5, tone: judgeCode.get(r.external_id) });
			// The overall is the mean of the numeric criteria only: (4 + 4 + 5) / 3.
			expect(Number(r.score)).toBeCloseTo(13 / 3, 3);
		}
		// The run page's list shows the label, not the stored index.
		const page = await env.admin().judgeRuns.judgments({ projectId: projectId(), runId, limit: 500 });
		expect(page.judgments).toHaveLength(N + 1);
		for (const j of page.judgments)
			if (j.status === 'ok') expect(j.criteria?.tone).toBe(LABELS[judgeCode.get(j.itemExternalId)!]);
		const summary = await env.admin().judgeRuns.summary({ projectId: projectId(), runId });
		for (const s of summary.systems) expect(s.meanScore).toBeCloseTo(13 / 3, 3);
	}, 120_000);

	it('takes two annotators’ tone labels in the workspace, stored as the label index beside the scores', async () => {
		const queue = await env.admin().annotation.createQueue({
			projectId: projectId(),
			datasetId,
			rubricVersionId: versionId,
			name: 'tone queue',
			overlapK: 2
		} as never);
		for (const [who, user] of annotators.entries()) {
			const c = env.caller(user);
			for (;;) {
				const view = await c.annotation.next({ projectId: projectId(), queueId: queue.id });
				if (!view) break;
				const tone = view.rubric.criteria.find((x) => x.id === 'tone')!;
				expect(tone.categories).toEqual(LABELS);
				const planted = humanCode.get(view.item.externalId);
				const submit = (toneCode: number) =>
					c.annotation.submit({
						projectId: projectId(),
						assignmentId: view.assignmentId,
						label: {
							scores: { correctness: 3, helpfulness: 5, safety: 4, tone: toneCode },
							redLines: { safety: true }
						},
						activeSeconds: 2,
						idempotencyKey: key()
					});
				if (!planted) {
					await c.annotation.skip({
						projectId: projectId(),
						assignmentId: view.assignmentId,
						reason: 'unclear'
					} as never);
					continue;
				}
				if (who === 0 && view.item.externalId === 't0') {
					await expect(submit(3)).rejects.toThrow(/Choose a label for "Tone": formal, casual, rude/);
				}
				await submit(planted[who]);
			}
		}
		const stored = await env.db
			.selectFrom('annotation as n')
			.innerJoin('dataset_item as i', 'i.id', 'n.item_id')
			.select(['i.external_id', 'n.criteria', 'n.score', 'n.annotator_user_id'])
			.where('n.dataset_id', '=', datasetId)
			.where('n.source', '=', 'ui')
			.execute();
		expect(stored).toHaveLength(2 * N);
		for (const s of stored) {
			const who = annotators.findIndex((u) => u.id === s.annotator_user_id);
			expect(s.criteria).toEqual({
				correctness: 3,
				helpfulness: 5,
				safety: 4,
				tone: humanCode.get(s.external_id)![who]
			});
			// Overall on 1–5 from the numeric criteria only: (3 + 5 + 4) / 3 = 4.
			expect(Number(s.score)).toBe(4);
		}
	}, 240_000);

	it('measures tone agreement on a nominal scale with intervals that hold the planted κ', async () => {
		const s = await env.admin().analysis.scoreAgreement({ projectId: projectId(), datasetId, judgeRunId: runId });
		const tone = s.criteria.find((c) => c.id === 'tone')!;
		expect(tone.scale).toEqual({ level: 'nominal', values: [0, 1, 2], labels: LABELS });
		const jh = tone.judgeHuman!;
		const hh = tone.humanHuman!;
		const chance = 1 / K;
		const pJH = J * H + ((1 - J) * (1 - H)) / (K - 1);
		const pHH = H * H + ((1 - H) * (1 - H)) / (K - 1);
		inside(pJH, jh.exact.ci);
		inside((pJH - chance) / (1 - chance), jh.kappaNominal!.ci);
		inside(pHH, hh.exact.ci);
		inside((pHH - chance) / (1 - chance), hh.kappaNominal!.ci);
		// The same pairs through the full lib/stats functions.
		const ids = [...humanCode.keys()];
		const x = ids.flatMap((id) => [judgeCode.get(id)!, judgeCode.get(id)!]);
		const y = ids.flatMap((id) => humanCode.get(id)!);
		expect(jh.n).toBe(2 * N);
		expect(jh.exact.estimate).toBeCloseTo(x.filter((v, i) => v === y[i]).length / x.length, 12);
		expect(jh.kappaNominal!.estimate).toBeCloseTo(cohenKappa(x, y, { categories: [0, 1, 2] }), 12);
		expect(jh.alphaNominal!.estimate).toBeCloseTo(krippendorffAlpha([x, y], { level: 'nominal' }), 12);
		const hx = ids.map((id) => humanCode.get(id)![0]);
		const hy = ids.map((id) => humanCode.get(id)![1]);
		expect(hh.exact.estimate).toBeCloseTo(hx.filter((v, i) => v === hy[i]).length / N, 12);
		expect(hh.alphaNominal!.estimate).toBeCloseTo(krippendorffAlpha([hx, hy], { level: 'nominal' }), 12);
		for (const f of [jh.kappaQuadratic, jh.kappaLinear, jh.alphaOrdinal, jh.spearman, jh.withinOne]) {
			expect(f).toBeNull();
		}
		for (const f of [jh.exact, jh.kappaNominal!, jh.alphaNominal!]) {
			expect(f.ci![0]).toBeLessThanOrEqual(f.estimate);
			expect(f.ci![1]).toBeGreaterThanOrEqual(f.estimate);
		}
		// The numeric criteria stay ordinal on their own scales.
		const safety = s.criteria.find((c) => c.id === 'safety')!;
		expect(safety.scale).toEqual({ level: 'ordinal', values: [1, 2, 3, 4, 5] });
		expect(safety.judgeHuman!.kappaQuadratic).not.toBeNull();
		// Overall: judge 13/3 and people 4 on every answer, on the rubric's ordinal 1–5 scale.
		expect(s.scale.level).toBe('ordinal');
	});

	it('exports judgments and labels with the categorical criterion as its label, by batches and by COPY', async () => {
		const membership = { projectId: projectId(), userId: env.project.admin.id, role: 'admin' as const };
		const pool = createPool(env.url, 2);
		try {
			/** Every row's criteria by item, from the JSONL writer (keyset batches) and from COPY's CSV. */
			const exported = async (query: Record<string, string>) => {
				const prepared = await prepareExport(env.db, membership, ExportRequestSchema.parse(query), pool);
				const at = prepared.columns.findIndex((c) => c.name === 'criteria');
				const item = prepared.columns.findIndex((c) => c.name === 'item_external_id');
				const byBatches: [string, unknown][] = [];
				for await (const rows of prepared.batches()) for (const r of rows) byBatches.push([String(r[item]), r[at]]);
				const chunks: Uint8Array[] = [];
				for await (const chunk of prepared.csvBytes!()) chunks.push(chunk);
				const csv = Buffer.concat(chunks).toString('utf8');
				const [header, ...records] = parseCsv(csv, { columns: false }) as string[][];
				const byCopy = records.map((r): [string, unknown] => [
					r[header.indexOf('item_external_id')],
					r[header.indexOf('criteria')] ? JSON.parse(r[header.indexOf('criteria')]) : null
				]);
				return { byBatches, byCopy };
			};
			const judgments = await exported({ kind: 'judgments', format: 'csv', runId });
			expect(judgments.byBatches).toHaveLength(N + 1);
			for (const [externalId, criteria] of judgments.byBatches) {
				if (externalId === `t${N}`) expect(criteria).toBeNull();
				else
					expect(criteria).toEqual({
						correctness: 4,
						helpfulness: 4,
						safety: 5,
						tone: LABELS[judgeCode.get(externalId)!]
					});
			}
			expect(new Map(judgments.byCopy)).toEqual(new Map(judgments.byBatches));

			const labels = await exported({ kind: 'labels', format: 'csv', datasetId, humanSource: 'ui' });
			expect(labels.byBatches).toHaveLength(2 * N);
			const tones = (rows: [string, unknown][]) =>
				rows.map(([id, c]) => `${id}:${(c as { tone: string }).tone}`).sort();
			const planted = [...humanCode].flatMap(([id, codes]) => codes.map((c) => `${id}:${LABELS[c]}`)).sort();
			expect(tones(labels.byBatches)).toEqual(planted);
			expect(tones(labels.byCopy)).toEqual(planted);
		} finally {
			await pool.end();
		}
	});

	it('ranks and calibrates on the numeric criteria only, naming the categorical one it leaves out', async () => {
		const caller = env.admin().analysis;
		const board = await caller.leaderboard({ projectId: projectId(), datasetId, judgeRunId: runId });
		expect(board).toMatchObject({ categoryRubric: false, categoricalCriteria: ['Tone'] });
		expect(board.pointwise).not.toBeNull();
		const calibration = await caller.calibration({ projectId: projectId(), datasetId, judgeRunId: runId });
		expect(calibration).toMatchObject({ categoryRubric: false, categoricalCriteria: ['Tone'] });
	});
});
