/**
 * GET /api/projects/:projectId/exports/:kind?format=csv|jsonl|parquet&runId=…&datasetId=…&humanSource=…
 *   kind: judgments (runId), labels (datasetId, humanSource), leaderboard (datasetId, runId?, humanSource),
 *         scores (datasetId, runId, target)
 * GET …/exports/card?runId=…&format=json|md&humanSource=…&lang=en|zh-CN → the judge card of a run:
 *   JSON `{ manifest, card }` (card = analysis.judgeCard) or Markdown (untrusted text escaped).
 *   → the file, streamed (Content-Disposition: attachment), with
 *     `Link: <…&manifest=1>; rel="describedby"` naming its provenance manifest.
 * GET …&manifest=1 → the manifest alone (JSON: rubric version and hash, judge model and
 *   parameters, run ids, calibration, Concord version, time, row count, filters, columns).
 *   Parquet files also carry it in their footer (key-value metadata `concord.manifest`).
 *   CSV stays pure RFC 4180: no comment line, the manifest is this sidecar.
 * Readers of results only (admins, viewers; annotators get 403: blinding), by session or by
 * an API token of this project (`Authorization: Bearer concord_…`).
 */
import { json } from '@sveltejs/kit';
import type { RequestEvent } from './$types';
import { guardedEndpoint } from '$lib/server/http/guarded-endpoint';
import { AppError } from '$lib/server/errors';
import { CONTENT_TYPES } from '$lib/server/exports/columns';
import { encodeExport } from '$lib/server/exports/stream';
import { getRuntime } from '$lib/server/runtime';
import { ExportRequestSchema, exportManifest, prepareCardExport, prepareExport } from '$lib/server/services/exports';

export const GET = guardedEndpoint({
	policy: { kind: 'project', capability: 'readResults' },
	handler: async ({ params, url }: RequestEvent, { membership }) => {
		const parsed = ExportRequestSchema.safeParse({ kind: params.kind, ...Object.fromEntries(url.searchParams) });
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			const field = String(issue.path[0] ?? 'query');
			throw new AppError('BAD_REQUEST', `Invalid ${field}: ${issue.message}`, { field });
		}
		const request = parsed.data;
		const { db, pool } = await getRuntime();
		if (url.searchParams.get('manifest') === '1') {
			const manifest = await exportManifest(db, membership, request);
			return json(manifest, {
				headers: {
					'content-disposition': `attachment; filename="${request.kind}.${request.format}.manifest.json"`,
					'cache-control': 'no-store'
				}
			});
		}
		const manifestUrl = new URL(url);
		manifestUrl.searchParams.set('manifest', '1');
		const link = `<${manifestUrl.pathname}${manifestUrl.search}>; rel="describedby"; type="application/json"`;
		if (request.kind === 'card') {
			const card = await prepareCardExport(db, membership, request);
			return new Response(card.body, {
				headers: {
					'content-type': card.contentType,
					'content-disposition': `attachment; filename="${card.fileName}"`,
					link,
					'cache-control': 'no-store',
					'x-content-type-options': 'nosniff'
				}
			});
		}
		const prepared = await prepareExport(db, membership, request, pool);
		const body = encodeExport({
			format: prepared.format,
			columns: prepared.columns,
			batches: prepared.batches(),
			csvBytes: prepared.csvBytes?.(),
			footer: (rowCount) => ({ 'concord.manifest': JSON.stringify({ ...prepared.manifest, rowCount }) })
		});
		return new Response(body, {
			headers: {
				'content-type': CONTENT_TYPES[prepared.format],
				'content-disposition': `attachment; filename="${prepared.fileName}"`,
				link,
				'cache-control': 'no-store',
				'x-content-type-options': 'nosniff'
			}
		});
	}
});
