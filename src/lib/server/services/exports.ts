/**
 * Exports (issue 12, item 8): a run's raw judgments, a dataset's human labels and
 * the leaderboard, as CSV, JSONL or Parquet, streamed at any size, each with a
 * provenance manifest; and the judge card of a run (item 6), a document rather than
 * rows, as JSON or Markdown with the same manifest inside.
 *
 * Access: results only (`readResults`; the endpoint's policy and this service both
 * ask), so annotators export nothing: judgments, others' labels and statistics
 * would all break blinding. Annotators' identities: everyone who reads results gets
 * a per-project pseudonym (`annotator-…`, stable, so agreement per annotator works);
 * names and e-mail addresses only admins, who manage the members anyway.
 *
 * Big kinds (judgments, labels, calibrated scores) as CSV are one `COPY (select …) TO STDOUT
 * (FORMAT csv, HEADER)` on a dedicated connection (bulk/copy-to.ts `copyOutCsv`), whose bytes
 * go to the response as they come (values prepared by the rules of exports/csv.ts in the
 * select, repositories/exports.ts): PostgreSQL joins once and writes the file, the server only
 * passes bytes on. Calibrated scores get the map fitted on the labelled answers (the page's
 * fit) and applied in that select. As JSONL and Parquet they read keyset batches, one read
 * ahead (calibrated scores: the calibration service's stream). The
 * leaderboard is small and comes from the same service the page uses, so the export
 * and the page can never disagree.
 */
import type pg from 'pg';
import { z } from 'zod';
import { can } from '../auth/policy';
import { copyOutCsv } from '../db/bulk/copy-to';
import type { Db } from '../db/client';
import * as repo from '../db/repositories/exports';
import type { Membership } from '../db/repositories/members';
import { AppError } from '../errors';
import { EXPORT_FORMATS, type ExportColumn, type ExportFormat, type RowBatches } from '../exports/columns';
import { cardMarkdown } from '../exports/card-markdown';
import { CSV_FORMULA_GUARD } from '../exports/csv';
import { concordVersion } from '../version';
import { calibratedScores, calibrationMapFor } from './analysis-calibration';
import { getLeaderboard, type LeaderboardResult } from './analysis-leaderboard';
import { CALIBRATION_METHOD, judgeCard } from './judge-card';
import { getRun } from './judge-runs';

export const EXPORT_KINDS = ['judgments', 'labels', 'scores', 'leaderboard', 'card'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
/** The judge card is one document: JSON ({ manifest, card }) or Markdown. */
export const CARD_FORMATS = ['json', 'md'] as const;
export type CardFormat = (typeof CARD_FORMATS)[number];
const isCardFormat = (f: string): f is CardFormat => (CARD_FORMATS as readonly string[]).includes(f);

const BATCH = 5000;

export const ExportRequestSchema = z
	.object({
		kind: z.enum(EXPORT_KINDS),
		/** Default: csv for the tables, json for the card. */
		format: z.enum([...EXPORT_FORMATS, ...CARD_FORMATS]).optional(),
		/** The card's Markdown: the language of its headings and sentences. */
		lang: z.enum(['en', 'zh-CN']).default('en'),
		runId: z.string().uuid().optional(),
		datasetId: z.string().uuid().optional(),
		humanSource: z.enum(['all', 'imported', 'ui', 'gold']).default('all'),
		/** Calibrated scores: the labels the map is fitted on (auto: gold when there are enough, else consensus). */
		target: z.enum(['auto', 'gold', 'consensus']).default('auto')
	})
	.transform((r) => ({ ...r, format: r.format ?? (r.kind === 'card' ? 'json' : 'csv') }))
	.superRefine((r, ctx) => {
		if ((r.kind === 'card') !== isCardFormat(r.format))
			ctx.addIssue({
				code: 'custom',
				path: ['format'],
				message:
					r.kind === 'card' ? 'the card is exported as json or md' : 'tables are exported as csv, jsonl or parquet'
			});
	});
export type ExportRequest = z.infer<typeof ExportRequestSchema>;

const col = (name: string, type: ExportColumn['type'] = 'string'): ExportColumn => ({ name, type });

export const JUDGMENT_COLUMNS: ExportColumn[] = [
	col('judgment_id'),
	col('run_id'),
	col('item_id'),
	col('item_external_id'),
	col('category'),
	col('turn', 'int'),
	col('answer_a_id'),
	col('system_a'),
	col('answer_b_id'),
	col('system_b'),
	col('presented_order'),
	col('sample', 'int'),
	col('status'),
	col('verdict'),
	col('score', 'double'),
	col('preference', 'double'),
	col('criteria', 'json'),
	col('flags', 'json'),
	col('error'),
	col('input_tokens', 'int'),
	col('output_tokens', 'int'),
	col('cost', 'double'),
	col('latency_ms', 'int'),
	col('attempts', 'int'),
	col('cached', 'bool'),
	col('prompt_hash'),
	col('raw', 'json'),
	col('finished_at', 'timestamp')
];

export const LABEL_COLUMNS: ExportColumn[] = [
	col('label_id'),
	col('dataset_id'),
	col('item_id'),
	col('item_external_id'),
	col('category'),
	col('answer_a_id'),
	col('system_a'),
	col('answer_b_id'),
	col('system_b'),
	col('source'),
	col('annotator'),
	col('annotator_name'),
	col('annotator_email'),
	col('external_annotator'),
	col('queue_id'),
	col('presented_order'),
	col('verdict'),
	col('score', 'double'),
	col('criteria', 'json'),
	col('red_lines', 'json'),
	col('rationale'),
	col('version', 'int'),
	col('created_at', 'timestamp'),
	col('updated_at', 'timestamp')
];

/** Calibrated per-answer scores of a pointwise run (analysis-calibration.ts `calibratedScores`). */
export const SCORE_COLUMNS: ExportColumn[] = [
	col('answer_id'),
	col('item_id'),
	col('item_external_id'),
	col('system'),
	col('category'),
	col('raw_score', 'double'),
	col('calibrated_score', 'double'),
	col('ci_low', 'double'),
	col('ci_high', 'double'),
	col('samples', 'int'),
	col('sample_sd', 'double')
];

const estimateColumns = (prefix: string) => [
	col(`${prefix}_win_rate`, 'double'),
	col(`${prefix}_ci_low`, 'double'),
	col(`${prefix}_ci_high`, 'double'),
	col(`${prefix}_n`, 'int')
];
const strengthColumns = (prefix: string) => [
	col(`${prefix}_rank`, 'int'),
	col(`${prefix}_tied_rank`, 'int'),
	col(`${prefix}_rank_ci_low`, 'int'),
	col(`${prefix}_rank_ci_high`, 'int'),
	col(`${prefix}_rating`, 'double'),
	col(`${prefix}_rating_ci_low`, 'double'),
	col(`${prefix}_rating_ci_high`, 'double'),
	col(`${prefix}_battles`, 'int')
];

export const LEADERBOARD_COLUMNS: ExportColumn[] = [
	col('system'),
	...estimateColumns('human'),
	...estimateColumns('judge'),
	...estimateColumns('ppi'),
	col('ppi_lambda', 'double'),
	...strengthColumns('bt_human'),
	...strengthColumns('bt_judge')
];

/** Where the rows came from and how: written beside every export (and into Parquet's footer). */
export interface ExportManifest {
	concord: { version: string };
	kind: ExportKind;
	format: ExportFormat | CardFormat;
	generatedAt: string;
	/** Null for the card (a document, not rows). */
	rowCount: number | null;
	projectId: string;
	filters: Record<string, string | null>;
	dataset: { id: string; name: string; revision: number } | null;
	runs: RunProvenance[];
	calibration: {
		set: 'gold' | 'consensus' | 'none';
		method: string;
		answers: number;
		items: number;
		warnings: string[];
	} | null;
	access: { role: string; annotatorIdentities: 'pseudonyms' | 'names' | null };
	columns: ExportColumn[];
	csv?: { encoding: 'UTF-8'; lineEnd: 'CRLF'; header: true; formulaGuard: string };
}

export interface RunProvenance {
	id: string;
	name: string;
	source: string;
	mode: string;
	status: string;
	judgeModel: string | null;
	rubric: { id: string; name: string; version: number; contentHash: string } | null;
	/** Model and parameters from the run's provider snapshot; never a key (the snapshot never holds one). */
	provider: Record<string, unknown> | null;
	options: unknown;
	createdAt: string;
	finishedAt: string | null;
}

/** The provider snapshot's model and parameters, by allow-list. */
const PROVIDER_FIELDS = [
	'name',
	'kind',
	'baseUrl',
	'model',
	'temperature',
	'maxTokens',
	'seed',
	'supportsJsonSchema',
	'simulation'
];

async function runProvenance(db: Db, projectId: string, runId: string): Promise<RunProvenance> {
	const run = await getRun(db, projectId, runId);
	const snapshot = run.provider as Record<string, unknown> | null;
	return {
		id: run.id,
		name: run.name,
		source: run.source,
		mode: run.mode,
		status: run.status,
		judgeModel: run.judgeModel,
		rubric: run.rubricVersion
			? {
					id: run.rubricVersion.id,
					name: run.rubricVersion.rubricName,
					version: run.rubricVersion.version,
					contentHash: run.rubricVersion.contentHash
				}
			: null,
		provider: snapshot
			? Object.fromEntries(PROVIDER_FIELDS.filter((k) => k in snapshot).map((k) => [k, snapshot[k]]))
			: null,
		options: run.options,
		createdAt: run.createdAt.toISOString(),
		finishedAt: run.finishedAt?.toISOString() ?? null
	};
}

export interface PreparedExport {
	format: ExportFormat;
	manifest: ExportManifest;
	columns: ExportColumn[];
	fileName: string;
	batches: () => RowBatches;
	/** CSV only, for the big kinds: the whole file (header and CRLF lines) as PostgreSQL's COPY wrote it. */
	csvBytes?: () => AsyncIterable<Uint8Array>;
	countRows: () => Promise<number>;
}

/**
 * Keyset batches, one read ahead: the next batch is asked for as soon as this one is handed on,
 * so the database works while the response writes (memory: two batches). A consumer that stops
 * early leaves at most that one read, whose result is dropped.
 */
async function* keyset<B extends { rows: unknown; last: string | null }>(
	read: (after: string | null) => Promise<B>,
	size: (batch: B) => number
): AsyncGenerator<B> {
	let next: Promise<B> | null = read(null);
	try {
		while (next) {
			const batch: B = await next;
			const n = size(batch);
			next = n === BATCH && batch.last ? read(batch.last) : null;
			if (n > 0) yield batch;
		}
	} finally {
		next?.catch(() => undefined);
	}
}

async function* rowsOf(batches: AsyncIterable<repo.Batch>): RowBatches {
	for await (const b of batches) yield b.rows;
}

const need = <T>(value: T | undefined, field: string): T => {
	if (value === undefined) throw new AppError('BAD_REQUEST', `${field} is required for this export.`, { field });
	return value;
};

/**
 * Checks access and filters, and returns the export's columns, manifest (row count not yet known)
 * and row source. `pool`: where the CSV of the big kinds gets its dedicated COPY connection
 * (without one, CSV is written from the row batches, as JSONL is).
 */
export async function prepareExport(
	db: Db,
	membership: Membership,
	request: ExportRequest,
	pool?: pg.Pool
): Promise<PreparedExport> {
	if (!can(membership, 'readResults')) throw new AppError('FORBIDDEN', 'Exports need the admin or viewer role.');
	const format = request.format;
	if (isCardFormat(format) || request.kind === 'card')
		throw new AppError('BAD_REQUEST', 'The judge card is a document: see prepareCardExport.', { field: 'kind' });
	const projectId = membership.projectId;
	const base = {
		concord: { version: concordVersion },
		kind: request.kind,
		format,
		generatedAt: new Date().toISOString(),
		rowCount: null,
		projectId,
		calibration: null,
		...(format === 'csv'
			? {
					csv: {
						encoding: 'UTF-8' as const,
						lineEnd: 'CRLF' as const,
						header: true as const,
						formulaGuard: CSV_FORMULA_GUARD
					}
				}
			: {})
	};
	const stamp = base.generatedAt.slice(0, 19).replaceAll(':', '').replace('T', '-');

	if (request.kind === 'judgments') {
		const runId = need(request.runId, 'runId');
		const run = await runProvenance(db, projectId, runId);
		const dataset = await datasetOf(db, projectId, (await getRun(db, projectId, runId)).datasetId);
		return {
			format,
			manifest: {
				...base,
				filters: { runId },
				dataset,
				runs: [run],
				access: { role: membership.role, annotatorIdentities: null },
				columns: JUDGMENT_COLUMNS
			},
			columns: JUDGMENT_COLUMNS,
			fileName: `judgments-${runId.slice(0, 8)}-${stamp}.${format}`,
			batches: () =>
				rowsOf(
					keyset(
						(after) => repo.judgmentBatch(db, runId, after, BATCH),
						(b) => b.rows.length
					)
				),
			csvBytes: pool && (() => copyOutCsv(pool, repo.judgmentCsvCopySql(runId, JUDGMENT_COLUMNS))),
			countRows: () => repo.countJudgments(db, runId)
		};
	}

	if (request.kind === 'labels') {
		const dataset = await datasetOf(db, projectId, need(request.datasetId, 'datasetId'));
		const identities = can(membership, 'admin');
		const filter = { datasetId: dataset.id, source: request.humanSource, identities };
		return {
			format,
			manifest: {
				...base,
				filters: { datasetId: dataset.id, humanSource: request.humanSource },
				dataset,
				runs: [],
				access: { role: membership.role, annotatorIdentities: identities ? 'names' : 'pseudonyms' },
				columns: LABEL_COLUMNS
			},
			columns: LABEL_COLUMNS,
			fileName: `labels-${dataset.id.slice(0, 8)}-${stamp}.${format}`,
			batches: () =>
				rowsOf(
					keyset(
						(after) => repo.labelBatch(db, filter, after, BATCH),
						(b) => b.rows.length
					)
				),
			csvBytes: pool && (() => copyOutCsv(pool, repo.labelCsvCopySql(filter, LABEL_COLUMNS))),
			countRows: () => repo.countLabels(db, filter)
		};
	}

	if (request.kind === 'scores') {
		const dataset = await datasetOf(db, projectId, need(request.datasetId, 'datasetId'));
		const runId = need(request.runId, 'runId');
		const run = await runProvenance(db, projectId, runId);
		if (run.mode !== 'pointwise')
			throw new AppError('BAD_REQUEST', 'Calibrated scores need a pointwise run.', { field: 'runId' });
		// As the calibration page: the run must be the dataset's (else NOT_FOUND, as resolveDatasetRun).
		if ((await getRun(db, projectId, runId)).datasetId !== dataset.id)
			throw new AppError('NOT_FOUND', 'Judge run not found.');
		const input = { datasetId: dataset.id, judgeRunId: runId, target: request.target };
		// The fit the calibration page shows (the same cache entry): the manifest's set, and the map the CSV applies.
		const fit = await calibrationMapFor(db, dataset.id, runId, request.target);
		const map = fit.map;
		const scoreMap: repo.ScoreMap | null = map && {
			predict: { x: map.steps.map((k) => k.x), y: map.steps.map((k) => k.y) },
			interval: {
				x: map.grid.map((g) => g.x),
				low: map.grid.map((g) => g.ci[0]),
				high: map.grid.map((g) => g.ci[1])
			}
		};
		return {
			format,
			manifest: {
				...base,
				filters: { datasetId: dataset.id, runId, target: request.target },
				dataset,
				runs: [run],
				calibration: {
					set: fit.target,
					method: CALIBRATION_METHOD,
					answers: fit.n,
					items: fit.items,
					warnings: fit.warnings.map((w) => w.key)
				},
				access: { role: membership.role, annotatorIdentities: null },
				columns: SCORE_COLUMNS
			},
			columns: SCORE_COLUMNS,
			fileName: `scores-${runId.slice(0, 8)}-${stamp}.${format}`,
			batches: () => scoreBatches(db, membership, input),
			csvBytes: pool && (() => copyOutCsv(pool, repo.scoreCsvCopySql(runId, scoreMap, SCORE_COLUMNS))),
			countRows: async () => {
				let n = 0;
				for await (const batch of scoreBatches(db, membership, input)) n += batch.length;
				return n;
			}
		};
	}

	const datasetId = need(request.datasetId, 'datasetId');
	const board = await getLeaderboard(db, membership, {
		datasetId,
		judgeRunId: request.runId,
		humanSource: request.humanSource
	});
	const rows = leaderboardRows(board);
	return {
		format,
		manifest: {
			...base,
			filters: { datasetId, runId: board.run?.id ?? null, humanSource: board.humanSource },
			dataset: await datasetOf(db, projectId, datasetId),
			runs: board.run ? [await runProvenance(db, projectId, board.run.id)] : [],
			access: { role: membership.role, annotatorIdentities: null },
			columns: LEADERBOARD_COLUMNS
		},
		columns: LEADERBOARD_COLUMNS,
		fileName: `leaderboard-${datasetId.slice(0, 8)}-${stamp}.${format}`,
		batches: async function* () {
			yield rows;
		},
		countRows: async () => rows.length
	};
}

/** The calibration service's rows, in batches (it reads the judge's scores page by page itself). */
async function* scoreBatches(
	db: Db,
	membership: Membership,
	input: { datasetId: string; judgeRunId: string; target: 'auto' | 'gold' | 'consensus' }
): RowBatches {
	let batch: unknown[][] = [];
	for await (const r of calibratedScores(db, membership, input)) {
		batch.push([
			r.answerId,
			r.itemId,
			r.externalId,
			r.system,
			r.category,
			r.rawScore,
			r.calibratedScore,
			r.ci?.[0] ?? null,
			r.ci?.[1] ?? null,
			r.samples,
			r.sampleSd
		]);
		if (batch.length === BATCH) {
			yield batch;
			batch = [];
		}
	}
	if (batch.length) yield batch;
}

async function datasetOf(db: Db, projectId: string, datasetId: string) {
	const dataset = await repo.findProjectDataset(db, projectId, datasetId);
	if (!dataset) throw new AppError('NOT_FOUND', 'Dataset not found.');
	return dataset;
}

/** The leaderboard page's rows, flattened: one row per system, columns as LEADERBOARD_COLUMNS. */
export function leaderboardRows(board: LeaderboardResult): unknown[][] {
	const strength = (side: 'human' | 'judge', system: string) => {
		const s = board.bradleyTerry[side]?.rows.find((r) => r.system === system);
		return s
			? [
					s.rank,
					s.tiedRank,
					s.rankCi?.[0] ?? null,
					s.rankCi?.[1] ?? null,
					s.rating,
					s.ratingCi?.[0] ?? null,
					s.ratingCi?.[1] ?? null,
					s.battles
				]
			: Array(8).fill(null);
	};
	const estimate = (e: { estimate: number; ci: [number, number] | null; n: number } | null) =>
		e ? [e.estimate, e.ci?.[0] ?? null, e.ci?.[1] ?? null, e.n] : [null, null, null, null];
	return board.rows.map((r) => [
		r.system,
		...estimate(r.human),
		...estimate(r.judge),
		...estimate(r.ppi),
		r.ppi?.lambda ?? null,
		...strength('human', r.system),
		...strength('judge', r.system)
	]);
}

/** The manifest alone, with the number of rows the export would have now (`?manifest=1`). */
export async function exportManifest(db: Db, membership: Membership, request: ExportRequest): Promise<ExportManifest> {
	if (request.kind === 'card') return (await prepareCardExport(db, membership, request)).manifest;
	const prepared = await prepareExport(db, membership, request);
	return { ...prepared.manifest, rowCount: await prepared.countRows() };
}

export interface CardExport {
	manifest: ExportManifest;
	fileName: string;
	contentType: string;
	body: string;
}

/**
 * The judge card of a run (`analysis.judgeCard`, the page's own service) with the manifest every
 * export carries: JSON `{ manifest, card }`, or Markdown with the manifest as its last section.
 */
export async function prepareCardExport(db: Db, membership: Membership, request: ExportRequest): Promise<CardExport> {
	if (!can(membership, 'readResults')) throw new AppError('FORBIDDEN', 'Exports need the admin or viewer role.');
	const format = request.format;
	if (!isCardFormat(format))
		throw new AppError('BAD_REQUEST', 'The card is exported as json or md.', { field: 'format' });
	const runId = need(request.runId, 'runId');
	const card = await judgeCard(db, membership, { judgeRunId: runId, humanSource: request.humanSource });
	const cal = card.calibration;
	const manifest: ExportManifest = {
		concord: { version: concordVersion },
		kind: 'card',
		format,
		generatedAt: card.generatedAt,
		rowCount: null,
		projectId: membership.projectId,
		filters: { runId, humanSource: request.humanSource, ...(format === 'md' ? { lang: request.lang } : {}) },
		dataset: await datasetOf(db, membership.projectId, card.data.dataset.id),
		runs: [await runProvenance(db, membership.projectId, runId)],
		calibration: cal.available
			? {
					set: cal.target ?? 'none',
					method: cal.method,
					answers: cal.counts.calibration,
					items: cal.counts.items,
					warnings: cal.warnings.map((w) => w.key)
				}
			: null,
		access: { role: membership.role, annotatorIdentities: null },
		columns: []
	};
	const stamp = card.generatedAt.slice(0, 19).replaceAll(':', '').replace('T', '-');
	const fileName = `judge-card-${runId.slice(0, 8)}-${stamp}.${format}`;
	return format === 'json'
		? {
				manifest,
				fileName,
				contentType: 'application/json; charset=utf-8',
				body: JSON.stringify({ manifest, card }, null, 2)
			}
		: {
				manifest,
				fileName,
				contentType: 'text/markdown; charset=utf-8',
				body: cardMarkdown(card, manifest, request.lang)
			};
}
