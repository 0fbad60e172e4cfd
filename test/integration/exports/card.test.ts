/**
 * The judge card export (issue 12, item 6) through the real endpoint handler: the JSON download
 * parses back to exactly what `analysis.judgeCard` (the card page's procedure) returns, with the
 * provenance manifest every export carries; the Markdown download escapes a hostile run name;
 * annotators are refused and the refusal carries none of the planted judge output; both formats
 * carry the gate's certification of the run's judge (not certified; certified on which version,
 * model and calibration set, with thresholds and lower bounds; re-certification needed).
 */
import MarkdownIt from 'markdown-it';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RubricContent } from '../../../src/lib/judging/types';
import type { SessionUser } from '../../../src/lib/server/auth/types';
import { addRubricVersion, completeRun } from '../analysis/support/gate-tools';
import type { Harness } from '../support/harness';
import { callEndpoint, exportHandler, CANARY, tokenFor, type ExportWorld, useExportWorld } from './support';

const world = useExportWorld('Card export');
let h: Harness;
let w: ExportWorld;
beforeAll(() => void ({ h, w } = world));

async function download(query: string, user: SessionUser | null = w.p.admin, apiToken?: never) {
	return callEndpoint(exportHandler, {
		path: `/api/projects/${w.p.projectId}/exports/card?${query}`,
		params: { projectId: w.p.projectId, kind: 'card' },
		user,
		apiToken
	});
}

/** generatedAt is the moment of the call: everything else must be equal. */
const timeless = <T extends { generatedAt: string }>(card: T) => ({ ...card, generatedAt: '' });

describe('judge card export', () => {
	it('JSON: parses back to analysis.judgeCard, with the provenance manifest', async () => {
		const res = await download(`runId=${w.runId}`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="judge-card-[0-9a-f]{8}-.*\.json"/);
		expect(res.headers.get('link')).toContain('manifest=1');
		const body = (await res.json()) as { manifest: Record<string, unknown>; card: { generatedAt: string } };

		for (const user of [w.p.admin, w.p.viewer]) {
			const card = await h.caller(user).analysis.judgeCard({ projectId: w.p.projectId, judgeRunId: w.runId });
			expect(timeless(body.card)).toEqual(timeless(card));
		}
		expect(body.manifest).toMatchObject({
			kind: 'card',
			format: 'json',
			rowCount: null,
			projectId: w.p.projectId,
			filters: { runId: w.runId, humanSource: 'all' },
			dataset: { id: w.data.datasetId },
			runs: [
				{
					id: w.runId,
					judgeModel: expect.stringContaining('simulated'),
					rubric: { id: w.rubricVersionId, contentHash: expect.stringMatching(/^sha256:/) },
					provider: { model: 'simulated-judge', temperature: 0.2 }
				}
			],
			concord: { version: expect.any(String) }
		});
		expect(body.manifest.generatedAt).toBe(body.card.generatedAt);

		// The sidecar manifest of the same request says the same (bar the time).
		const side = await download(`runId=${w.runId}&manifest=1`);
		expect(side.status).toBe(200);
		const manifest = await side.json();
		expect({ ...manifest, generatedAt: '' }).toEqual({ ...body.manifest, generatedAt: '' });
	});

	it('Markdown: the page sections in the asked language, a hostile run name escaped, the manifest last', async () => {
		const hostile = '<img src=x onerror=alert(1)> # [x](javascript:alert(2)) | cell';
		await h.db.updateTable('judge_run').set({ name: hostile }).where('id', '=', w.runId).execute();
		try {
			for (const [lang, heading] of [
				['en', '## Agreement with people'],
				['zh-CN', '## 与人工的一致性']
			] as const) {
				const res = await download(`runId=${w.runId}&format=md&lang=${lang}`);
				expect(res.status).toBe(200);
				expect(res.headers.get('content-type')).toMatch(/^text\/markdown/);
				const text = await res.text();
				expect(text).toContain(heading);
				const html = new MarkdownIt({ html: true }).render(text);
				expect(html).not.toMatch(/<img|<a\b|href=/i);
				expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
				expect(html.match(/<h1>/g)).toHaveLength(1);
				// The manifest is the last block, and parses.
				const last = [...text.matchAll(/```json\n([\s\S]*?)\n```/g)].at(-1)![1];
				expect(JSON.parse(last)).toMatchObject({ kind: 'card', format: 'md', filters: { lang } });
			}
		} finally {
			await h.db.updateTable('judge_run').set({ name: 'Card export run' }).where('id', '=', w.runId).execute();
		}
	});

	it('refuses annotators (session and token), a wrong format, and a missing run', async () => {
		for (const res of [
			await download(`runId=${w.runId}`, w.p.annotator),
			await download(`runId=${w.runId}&format=md`, w.p.annotator),
			await download(`runId=${w.runId}&manifest=1`, w.p.annotator)
		]) {
			expect(res.status).toBe(403);
			expect(await res.text()).not.toContain(CANARY);
		}
		const token = await tokenFor(h, w.p.annotator, w.p.projectId, 'annotator');
		const byToken = await callEndpoint(exportHandler, {
			path: `/api/projects/${w.p.projectId}/exports/card?runId=${w.runId}`,
			params: { projectId: w.p.projectId, kind: 'card' },
			user: w.p.annotator,
			apiToken: token.info
		});
		expect(byToken.status).toBe(403);

		expect((await download(`runId=${w.runId}&format=csv`)).status).toBe(400);
		expect((await download(`format=json`)).status).toBe(400);
		// A table kind asked for as a card format.
		const wrong = await callEndpoint(exportHandler, {
			path: `/api/projects/${w.p.projectId}/exports/judgments?runId=${w.runId}&format=md`,
			params: { projectId: w.p.projectId, kind: 'judgments' },
			user: w.p.admin
		});
		expect(wrong.status).toBe(400);
	});

	it('carries the certification: not certified, then certified on which version, model and set, then re-certification needed', async () => {
		type Card = { certification: { status: string; certifications: Record<string, unknown>[] } };
		const json = async () =>
			(await (await download(`runId=${w.runId}`)).json()) as {
				card: Card;
				manifest: { runs: { rubric: { contentHash: string } }[] };
			};
		const md = async (lang: string) => (await download(`runId=${w.runId}&format=md&lang=${lang}`)).text();

		expect((await json()).card.certification).toEqual({ status: 'not-certified', certifications: [] });
		expect(await md('en')).toMatch(
			/## Certification\n\nNot certified: this rubric version and model have not passed the gate\./
		);

		// Pin the world's labels as a pairwise set, run the world's judge on it (agreeing on every
		// pair) and certify it on agreement with ties.
		const admin = h.caller(w.p.admin);
		const { rubric_id: rubricId } = await h.db
			.selectFrom('rubric_version')
			.select('rubric_id')
			.where('id', '=', w.rubricVersionId)
			.executeTakeFirstOrThrow();
		const pinned = await admin.gate.pinSet({
			projectId: w.p.projectId,
			rubricId,
			datasetId: w.data.datasetId,
			name: 'Card set <b>',
			reference: 'consensus',
			minLabels: 1
		});
		const evaluation = await admin.gate.evaluate({
			projectId: w.p.projectId,
			setId: pinned.setId,
			rubricVersionId: w.rubricVersionId,
			providerId: w.providerId
		});
		const pairs = await h.db
			.selectFrom('calibration_set_pair')
			.selectAll()
			.where('set_id', '=', pinned.setId)
			.execute();
		for (const pair of pairs)
			await h.db
				.updateTable('judgment')
				.set({ status: 'ok', verdict: pair.verdict })
				.where('run_id', '=', evaluation.runId)
				.where('answer_a_id', '=', pair.answer_a_id)
				.where('answer_b_id', '=', pair.answer_b_id)
				.execute();
		await completeRun(h.db, evaluation.runId);
		const thresholds = { statistic: 'agreementWithTies' as const, minAgreement: 0.5, minTpr: null, minTnr: null };
		await admin.gate.certify({
			projectId: w.p.projectId,
			setId: pinned.setId,
			runId: evaluation.runId,
			use: 'release',
			thresholds
		});

		const body = await json();
		const rubricHash = body.manifest.runs[0].rubric.contentHash;
		expect(body.card.certification.status).toBe('certified');
		expect(body.card.certification.certifications[0]).toMatchObject({
			use: 'release',
			status: 'certified',
			version: 1,
			rubricHash,
			setId: pinned.setId,
			setName: 'Card set <b>',
			setHash: pinned.contentHash,
			runId: evaluation.runId,
			model: { model: 'simulated-judge', temperature: 0.2 },
			modelHash: expect.stringMatching(/^sha256:/),
			thresholds,
			results: {
				mode: 'pairwise',
				n: pairs.length,
				checks: [
					{ key: 'coverage', lower: 1, ok: true },
					{ key: 'agreement', lower: 1, threshold: 0.5, ok: true }
				]
			}
		});
		const en = await md('en');
		expect(en).toContain('### Certification for “release”');
		for (const text of [
			`v1 · ${rubricHash}`,
			`simulated-judge · T=0.2 · ${body.card.certification.certifications[0].modelHash}`,
			`Card set \\<b\\> · ${pinned.contentHash}`,
			'agreement with ties ≥ 0.5',
			'clears: agreement 1.000 ≥ 0.5',
			evaluation.runId
		])
			expect(en).toContain(text);
		const zh = await md('zh-CN');
		expect(zh).toContain('## 认证');
		expect(zh).toContain('含平局一致率 ≥ 0.5');

		// A newer rubric version: the card says the judge needs re-certification, and why.
		const v1 = await h.db
			.selectFrom('rubric_version')
			.select('content')
			.where('id', '=', w.rubricVersionId)
			.executeTakeFirstOrThrow();
		const content = { ...(v1.content as unknown as RubricContent), rubricText: 'changed' };
		await addRubricVersion(h.db, { projectId: w.p.projectId, rubricId, version: 2, content });
		expect((await json()).card.certification.status).toBe('needs-recertification');
		expect(await md('en')).toContain('Needs re-certification: the rubric has a newer version.');
	});
});
