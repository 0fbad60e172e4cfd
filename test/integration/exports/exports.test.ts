/**
 * Export round trips: each kind in each format is streamed through the real
 * endpoint handler, parsed back, and must equal what the procedures behind the
 * pages return (judgeRuns.judgments, analysis.leaderboard). The Parquet files are
 * read by parquet-wasm (Rust's arrow-rs parquet crate) + apache-arrow, not by the
 * writer's own library (hyparquet-writer / hyparquet). Annotators export nothing,
 * and the refusal carries none of the planted judge output.
 */
import { tableFromIPC } from 'apache-arrow';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { readParquet } from 'parquet-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { unguardCsvText } from '../../../src/lib/server/exports/csv';
import {
	ExportRequestSchema,
	JUDGMENT_COLUMNS,
	LABEL_COLUMNS,
	LEADERBOARD_COLUMNS,
	prepareExport,
	SCORE_COLUMNS
} from '../../../src/lib/server/services/exports';
import { calibratedScores } from '../../../src/lib/server/services/analysis-calibration';
import { encodeExport } from '../../../src/lib/server/exports/stream';
import { findMembership } from '../../../src/lib/server/db/repositories/members';
import { plantPointwise } from '../analysis/support/pointwise-planted';
import type { ExportColumn } from '../../../src/lib/server/exports/columns';
import type { SessionUser } from '../../../src/lib/server/auth/types';
import type { Harness } from '../support/harness';
import { callEndpoint, exportHandler, CANARY, TRICKY, type ExportWorld, useExportWorld } from './support';

const world = useExportWorld('Exports');
let h: Harness;
let w: ExportWorld;
beforeAll(() => void ({ h, w } = world));

async function download(kind: string, query: string, user: SessionUser = w.p.admin) {
	const res = await callEndpoint(exportHandler, {
		path: `/api/projects/${w.p.projectId}/exports/${kind}?${query}`,
		params: { projectId: w.p.projectId, kind },
		user
	});
	const bytes = new Uint8Array(await res.arrayBuffer());
	return { res, bytes, json: () => JSON.parse(new TextDecoder().decode(bytes)) };
}

type Row = Record<string, unknown>;

/** CSV text back into typed values: numbers, booleans, JSON; the formula guard undone; '' = null. */
function fromCsv(text: string, columns: ExportColumn[]): Row[] {
	const records = parse(text, { columns: true, bom: false, relax_column_count: false }) as Record<string, string>[];
	return records.map((r) =>
		Object.fromEntries(
			columns.map((c) => {
				const cell = r[c.name];
				if (cell === '') return [c.name, null];
				if (c.type === 'int' || c.type === 'double') return [c.name, Number(cell)];
				if (c.type === 'bool') return [c.name, cell === 'true'];
				if (c.type === 'json') return [c.name, JSON.parse(unguardCsvText(cell))];
				return [c.name, unguardCsvText(cell)];
			})
		)
	);
}

function fromJsonl(text: string): Row[] {
	return text
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line));
}

function fromParquet(bytes: Uint8Array, columns: ExportColumn[]): { rows: Row[]; metadata: Map<string, string> } {
	const table = tableFromIPC(readParquet(bytes).intoIPCStream());
	const rows = table.toArray().map((r) => {
		const o = r.toJSON() as Row;
		return Object.fromEntries(
			columns.map((c) => {
				const v = o[c.name] ?? null;
				if (v === null) return [c.name, null];
				if (c.type === 'json') return [c.name, JSON.parse(String(v))];
				if (c.type === 'timestamp') return [c.name, new Date(Number(v)).toISOString()];
				if (c.type === 'int') return [c.name, Number(v)];
				return [c.name, v];
			})
		);
	});
	return { rows, metadata: table.schema.metadata };
}

/** The judgments as judgeRuns.judgments pages them (what the run page shows), in export columns (the page leaves out `raw`). */
async function judgmentsFromProcedure(): Promise<Row[]> {
	const caller = h.caller(w.p.viewer);
	const out: Row[] = [];
	let cursor: string | null = null;
	for (;;) {
		const page = await caller.judgeRuns.judgments({ projectId: w.p.projectId, runId: w.runId, cursor, limit: 500 });
		for (const j of page.judgments) {
			out.push({
				judgment_id: j.id,
				item_id: j.itemId,
				item_external_id: j.itemExternalId,
				answer_a_id: j.answerAId,
				system_a: j.systemAName,
				answer_b_id: j.answerBId,
				system_b: j.systemBName,
				presented_order: j.order,
				sample: j.sample,
				turn: j.turn,
				status: j.status,
				verdict: j.verdict,
				score: j.score,
				preference: j.preference,
				criteria: j.criteria,
				flags: j.flags,
				error: j.error,
				input_tokens: j.inputTokens,
				output_tokens: j.outputTokens,
				cost: j.cost,
				latency_ms: j.latencyMs,
				attempts: j.attempts,
				cached: j.cached,
				prompt_hash: j.promptHash,
				finished_at: j.finishedAt ? new Date(j.finishedAt).toISOString() : null
			});
		}
		if (!page.nextCursor) return out;
		cursor = page.nextCursor;
	}
}

const idsOf = (query: string) => Object.fromEntries(new URLSearchParams(query));

/** The same export's CSV written by the JS writer from the row batches (no pool: no COPY). */
async function writtenByJs(userId: string, query: Record<string, string>): Promise<string> {
	const membership = (await findMembership(h.db, w.p.projectId, userId))!;
	const prepared = await prepareExport(h.db, membership, ExportRequestSchema.parse({ format: 'csv', ...query }));
	expect(prepared.csvBytes).toBeUndefined();
	const body = encodeExport({
		format: 'csv',
		columns: prepared.columns,
		batches: prepared.batches(),
		footer: () => ({})
	});
	return new Response(body).text();
}

/** No bare LF outside quoted fields: every record ends in CRLF (RFC 4180). */
const crlfOnly = (text: string) => !/(?<!\r)\n/.test(text.replace(/"(?:[^"]|"")*"/g, ''));

const pick = (rows: Row[], keys: string[]) => rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k] ?? null])));
/** Microsecond ISO text (PostgreSQL) and millisecond ISO text (JS) name the same instant. */
const sameInstants = (rows: Row[]) =>
	rows.map((r) => ({ ...r, finished_at: r.finished_at ? new Date(String(r.finished_at)).toISOString() : null }));

describe('judgments export', () => {
	it('round-trips CSV, JSONL and Parquet to what the run page procedure returns', async () => {
		const expected = await judgmentsFromProcedure();
		expect(expected.length).toBeGreaterThan(20);
		const keys = Object.keys(expected[0]);

		const csv = await download('judgments', `format=csv&runId=${w.runId}`);
		expect(csv.res.status).toBe(200);
		expect(csv.res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
		expect(csv.res.headers.get('content-disposition')).toMatch(/^attachment; filename="judgments-.*\.csv"$/);
		expect(csv.res.headers.get('link')).toContain('manifest=1');
		const csvText = new TextDecoder().decode(csv.bytes);
		expect(csvText.startsWith('judgment_id,run_id,')).toBe(true);
		expect(crlfOnly(csvText)).toBe(true);
		// Formula guard: no text cell may start a formula (numbers such as -2 in number columns stay).
		for (const record of parse(csvText, { columns: false }) as string[][])
			for (const cell of record) expect(cell, cell).not.toMatch(/^[=+\-@]/);
		expect(sameInstants(pick(fromCsv(csvText, JUDGMENT_COLUMNS), keys))).toEqual(
			sameInstants(pick(expected, keys).map((r) => ({ ...r, error: r.error ?? null })))
		);

		const jsonl = await download('judgments', `format=jsonl&runId=${w.runId}`);
		expect(jsonl.res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
		expect(sameInstants(pick(fromJsonl(new TextDecoder().decode(jsonl.bytes)), keys))).toEqual(
			sameInstants(pick(expected, keys))
		);

		const pq = await download('judgments', `format=parquet&runId=${w.runId}`);
		const { rows, metadata } = fromParquet(pq.bytes, JUDGMENT_COLUMNS);
		expect(sameInstants(pick(rows, keys))).toEqual(sameInstants(pick(expected, keys)));
		const embedded = JSON.parse(metadata.get('concord.manifest')!);
		expect(embedded).toMatchObject({ kind: 'judgments', format: 'parquet', rowCount: expected.length });
	});

	it('keeps the texts exact: quotes, commas, line breaks, Chinese and formula starters', async () => {
		const csv = fromCsv(
			new TextDecoder().decode((await download('judgments', `format=csv&runId=${w.runId}`)).bytes),
			JUDGMENT_COLUMNS
		);
		const ids = new Set(csv.map((r) => r.item_external_id));
		expect(csv).toEqual(
			fromCsv(await writtenByJs(w.p.admin.id, { kind: 'judgments', runId: w.runId }), JUDGMENT_COLUMNS)
		);
		for (const t of TRICKY) expect(ids.has(t), t).toBe(true);
		expect(csv.some((r) => String(r.category) === 'code, "quoted"')).toBe(true);
		expect(csv.some((r) => String(r.category) === '数学')).toBe(true);
	});

	it('describes itself: rubric version and hash, model and parameters (no key), run, version, rows, filters', async () => {
		const { res, json } = await download('judgments', `format=csv&runId=${w.runId}&manifest=1`);
		expect(res.status).toBe(200);
		const manifest = json();
		const version = await h.db
			.selectFrom('rubric_version')
			.select(['content_hash', 'version'])
			.where('id', '=', w.rubricVersionId)
			.executeTakeFirstOrThrow();
		expect(manifest).toMatchObject({
			concord: { version: expect.stringMatching(/^\d+\.\d+\.\d+/) },
			kind: 'judgments',
			format: 'csv',
			rowCount: (await judgmentsFromProcedure()).length,
			filters: { runId: w.runId },
			runs: [
				{
					id: w.runId,
					rubric: { id: w.rubricVersionId, version: version.version, contentHash: version.content_hash },
					provider: { model: 'simulated-judge', kind: 'simulated', temperature: 0.2 }
				}
			],
			calibration: null,
			csv: { lineEnd: 'CRLF', encoding: 'UTF-8' }
		});
		expect(new Date(manifest.generatedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
		expect(JSON.stringify(manifest)).not.toMatch(/apiKey|api_key|keySource|secret/i);
	});

	it('names a bad filter', async () => {
		const bad = await download('judgments', `format=xlsx&runId=${w.runId}`);
		expect(bad.res.status).toBe(400);
		expect(bad.json().error.details.field).toBe('format');
		const missing = await download('judgments', 'format=csv');
		expect(missing.res.status).toBe(400);
		expect(missing.json().error.details.field).toBe('runId');
	});
});

describe('labels export', () => {
	it('marks the source and shows annotators as pseudonyms to viewers, by name to admins', async () => {
		const viewer = fromJsonl(
			new TextDecoder().decode(
				(await download('labels', `format=jsonl&datasetId=${w.data.datasetId}`, w.p.viewer)).bytes
			)
		);
		expect(viewer).toHaveLength(24);
		expect(new Set(viewer.map((r) => r.source))).toEqual(new Set(['ui', 'imported']));
		const ui = viewer.filter((r) => r.source === 'ui');
		expect(new Set(ui.map((r) => r.annotator)).size).toBe(1);
		expect(ui[0].annotator).toMatch(/^annotator-[0-9a-f]{10}$/);
		expect(viewer.every((r) => r.annotator_name === null && r.annotator_email === null)).toBe(true);

		const admin = fromCsv(
			new TextDecoder().decode(
				(await download('labels', `format=csv&datasetId=${w.data.datasetId}&humanSource=ui`)).bytes
			),
			LABEL_COLUMNS
		);
		expect(admin).toHaveLength(12);
		expect(admin.every((r) => r.annotator_email === w.p.annotator.email)).toBe(true);
		expect(admin.some((r) => String(r.rationale).startsWith('=HYPERLINK'))).toBe(true);

		const pq = fromParquet(
			(await download('labels', `format=parquet&datasetId=${w.data.datasetId}&humanSource=imported`)).bytes,
			LABEL_COLUMNS
		);
		expect(pq.rows).toHaveLength(12);
		expect(pq.rows.every((r) => r.external_annotator === '=rater-7' && r.annotator === null)).toBe(true);
	});
});

describe('leaderboard export', () => {
	it('equals analysis.leaderboard, row by row, in every format', async () => {
		const board = await h
			.caller(w.p.viewer)
			.analysis.leaderboard({ projectId: w.p.projectId, datasetId: w.data.datasetId, judgeRunId: w.runId });
		expect(board.rows.length).toBe(3);
		const query = `datasetId=${w.data.datasetId}&runId=${w.runId}`;
		const csv = fromCsv(
			new TextDecoder().decode((await download('leaderboard', `format=csv&${query}`)).bytes),
			LEADERBOARD_COLUMNS
		);
		const jsonl = fromJsonl(new TextDecoder().decode((await download('leaderboard', `format=jsonl&${query}`)).bytes));
		const pq = fromParquet((await download('leaderboard', `format=parquet&${query}`)).bytes, LEADERBOARD_COLUMNS).rows;
		for (const rows of [csv, jsonl, pq]) {
			expect(rows.map((r) => r.system)).toEqual(board.rows.map((r) => r.system));
			rows.forEach((r, i) => {
				const b = board.rows[i];
				expect(r.judge_win_rate).toBeCloseTo(b.judge!.estimate, 12);
				expect(r.judge_n).toBe(b.judge!.n);
				expect(r.human_win_rate).toBeCloseTo(b.human!.estimate, 12);
				expect(r.ppi_win_rate ?? null).toEqual(b.ppi ? expect.closeTo(b.ppi.estimate, 12) : null);
				const bt = board.bradleyTerry.judge?.rows.find((s) => s.system === r.system);
				expect(r.bt_judge_rating).toBeCloseTo(bt!.rating, 12);
				expect(r.bt_judge_tied_rank).toBe(bt!.tiedRank);
			});
		}
	});
});

describe('calibrated scores export', () => {
	it("streams the calibration service's rows, whose scores match the calibration page, with the set and method in the manifest", async () => {
		const planted = await plantPointwise(h.db, {
			projectId: w.p.projectId,
			items: 60,
			goldItems: 40,
			labelledItems: 50
		});
		const query = `datasetId=${planted.datasetId}&runId=${planted.runId}`;
		const page = await h
			.caller(w.p.viewer)
			.analysis.calibration({ projectId: w.p.projectId, datasetId: planted.datasetId, judgeRunId: planted.runId });
		const membership = (await findMembership(h.db, w.p.projectId, w.p.viewer.id))!;
		const service: Row[] = [];
		for await (const r of calibratedScores(h.db, membership, {
			datasetId: planted.datasetId,
			judgeRunId: planted.runId
		}))
			service.push({
				answer_id: r.answerId,
				system: r.system,
				raw_score: r.rawScore,
				calibrated_score: r.calibratedScore
			});
		expect(service.length).toBe(240);
		const keys = ['answer_id', 'system', 'raw_score', 'calibrated_score'];
		// The CSV is one COPY applying the map in SQL; the JS writer streams the service's rows:
		// every cell of every row is the same value (the intervals too).
		const viaCopy = fromCsv(
			new TextDecoder().decode((await download('scores', `format=csv&${query}`, w.p.viewer)).bytes),
			SCORE_COLUMNS
		);
		expect(viaCopy).toEqual(
			fromCsv(await writtenByJs(w.p.viewer.id, { kind: 'scores', ...idsOf(query) }), SCORE_COLUMNS)
		);
		expect(viaCopy.filter((r) => r.ci_low !== r.ci_high).length).toBeGreaterThan(0);
		const csv = fromCsv(
			new TextDecoder().decode((await download('scores', `format=csv&${query}`, w.p.viewer)).bytes),
			SCORE_COLUMNS
		);
		const pq = fromParquet((await download('scores', `format=parquet&${query}`, w.p.viewer)).bytes, SCORE_COLUMNS);
		for (const rows of [csv, pq.rows]) {
			expect(pick(rows, keys)).toEqual(pick(service, keys));
			for (const r of rows) {
				const point = page.reliability.find((p) => p.x === r.raw_score);
				if (point) expect(r.calibrated_score).toBeCloseTo(point.calibrated, 12);
				expect(Number(r.ci_low)).toBeLessThanOrEqual(Number(r.calibrated_score) + 1e-12);
			}
		}
		const manifest = JSON.parse(pq.metadata.get('concord.manifest')!);
		expect(manifest).toMatchObject({
			kind: 'scores',
			rowCount: 240,
			calibration: { set: page.target, answers: page.counts.calibration, method: expect.stringContaining('isotonic') }
		});
	});
});

describe('CSV by COPY', () => {
	it('labels: the same values as the JS writer, pseudonyms for viewers and names for admins', async () => {
		for (const user of [w.p.viewer, w.p.admin]) {
			const text = new TextDecoder().decode(
				(await download('labels', `format=csv&datasetId=${w.data.datasetId}`, user)).bytes
			);
			expect(crlfOnly(text)).toBe(true);
			const rows = fromCsv(text, LABEL_COLUMNS);
			expect(rows.length).toBeGreaterThan(0);
			expect(rows).toEqual(
				fromCsv(await writtenByJs(user.id, { kind: 'labels', datasetId: w.data.datasetId }), LABEL_COLUMNS)
			);
		}
	});

	it('gives the COPY connection up when the client goes away mid-stream, and the pool keeps working', async () => {
		// plantPointwise names its dataset: the scores test's one steps aside.
		await sql`update dataset set name = 'Planted pointwise (scores test)'
			where project_id = ${w.p.projectId} and name = 'Planted pointwise'`.execute(h.db);
		const planted = await plantPointwise(h.db, {
			projectId: w.p.projectId,
			items: 60,
			goldItems: 40,
			labelledItems: 50
		});
		// 240 answers × 80 samples: about 5 MB of CSV, far more than the socket and the four queued chunks hold.
		await sql`insert into judgment (run_id, item_id, answer_a_id, answer_b_id, presented_order, sample, turn, status, score, attempts, cached, prompt_hash, raw)
			select run_id, item_id, answer_a_id, answer_b_id, presented_order, g, turn, status, score, attempts, cached, prompt_hash,
				jsonb_build_object('padding', repeat('x', 200))
			from judgment cross join generate_series(1, 80) g
			where run_id = ${planted.runId} and sample = 0`.execute(h.db);
		const copies = async () =>
			Number(
				(
					await sql<{ n: string }>`select count(*) as n from pg_stat_activity
						where datname = current_database() and query ilike 'copy (select%' and pid <> pg_backend_pid()`.execute(h.db)
				).rows[0].n
			);
		const before = h.pool.totalCount;
		const res = await callEndpoint(exportHandler, {
			path: `/api/projects/${w.p.projectId}/exports/judgments?format=csv&runId=${planted.runId}`,
			params: { projectId: w.p.projectId, kind: 'judgments' },
			user: w.p.viewer
		});
		const reader = res.body!.getReader();
		const first = await reader.read();
		expect(new TextDecoder().decode(first.value).startsWith('judgment_id,')).toBe(true);
		expect(await copies()).toBe(1);
		await reader.cancel();
		for (let i = 0; i < 100 && (await copies()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
		expect(await copies()).toBe(0);
		expect(h.pool.totalCount).toBeLessThanOrEqual(before);
		// Nothing half-read went back to the pool: a whole export still works.
		const again = await download('judgments', `format=csv&runId=${planted.runId}`, w.p.viewer);
		const lines = new TextDecoder().decode(again.bytes).split('\r\n').filter(Boolean);
		expect(lines.length).toBe(1 + 240 * 81);
	});
});

describe('blinding', () => {
	it('gives annotators no export of any kind or format, and no manifest', async () => {
		for (const kind of ['judgments', 'labels', 'scores', 'leaderboard'])
			for (const query of ['format=csv', 'format=jsonl', 'format=parquet', 'format=csv&manifest=1']) {
				const { res, bytes } = await download(
					kind,
					`${query}&runId=${w.runId}&datasetId=${w.data.datasetId}`,
					w.p.annotator
				);
				expect(res.status, `${kind} ${query}`).toBe(403);
				const body = new TextDecoder().decode(bytes);
				expect(body).not.toContain(CANARY);
				expect(body).not.toContain('alpha');
			}
	});
});
