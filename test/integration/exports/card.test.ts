/**
 * The judge card export (issue 12, item 6) through the real endpoint handler: the JSON download
 * parses back to exactly what `analysis.judgeCard` (the card page's procedure) returns, with the
 * provenance manifest every export carries; the Markdown download escapes a hostile run name;
 * annotators are refused and the refusal carries none of the planted judge output.
 */
import type { RequestEvent } from '@sveltejs/kit';
import MarkdownIt from 'markdown-it';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET } from '../../../src/routes/api/projects/[projectId]/exports/[kind]/+server';
import type { SessionUser } from '../../../src/lib/server/auth/types';
import { createHarness, type Harness } from '../support/harness';
import { installRuntime } from '../support/runtime';
import { buildWorld, callEndpoint, CANARY, tokenFor, type ExportWorld } from './support';

let h: Harness;
let w: ExportWorld;
let removeRuntime: () => void;

beforeAll(async () => {
	h = await createHarness();
	removeRuntime = installRuntime({ db: h.db, queue: h.queue });
	w = await buildWorld(h, 'Card export');
});
afterAll(async () => {
	removeRuntime();
	await h.close();
});

const handler = GET as unknown as (e: RequestEvent) => Promise<Response>;

async function download(query: string, user: SessionUser | null = w.p.admin, apiToken?: never) {
	return callEndpoint(handler, {
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
		const byToken = await callEndpoint(handler, {
			path: `/api/projects/${w.p.projectId}/exports/card?runId=${w.runId}`,
			params: { projectId: w.p.projectId, kind: 'card' },
			user: w.p.annotator,
			apiToken: token.info
		});
		expect(byToken.status).toBe(403);

		expect((await download(`runId=${w.runId}&format=csv`)).status).toBe(400);
		expect((await download(`format=json`)).status).toBe(400);
		// A table kind asked for as a card format.
		const wrong = await callEndpoint(handler, {
			path: `/api/projects/${w.p.projectId}/exports/judgments?runId=${w.runId}&format=md`,
			params: { projectId: w.p.projectId, kind: 'judgments' },
			user: w.p.admin
		});
		expect(wrong.status).toBe(400);
	});
});
