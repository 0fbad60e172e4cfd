/**
 * Per-item signals for the question-quality view and the judge card that the comparisons do not
 * carry: annotation activity (assignments seen, skipped, flagged by annotators), the judge's
 * flagged answers, and the annotators' active seconds. Only services/analysis-*.ts call these,
 * behind the readResults policy.
 */
import { sql } from 'kysely';
import type { Db } from '../client';
import { labelKind, type LabelKind } from './analysis';

export interface ItemActivityRow {
	itemId: string;
	/** Assignments that ended in a label or a skip. */
	seen: number;
	skipped: number;
	/** Assignments an annotator flagged (e.g. "the question is unclear"). */
	flagged: number;
}

/** Annotation activity per item of a dataset, over all its queues. */
export async function listItemActivity(db: Db, datasetId: string): Promise<ItemActivityRow[]> {
	const rows = await db
		.selectFrom('annotation_assignment as a')
		.innerJoin('annotation_task as t', 't.id', 'a.task_id')
		.innerJoin('annotation_queue as q', 'q.id', 'a.queue_id')
		.select([
			't.item_id as itemId',
			sql<number>`count(*) filter (where a.status in ('submitted', 'skipped'))`.as('seen'),
			sql<number>`count(*) filter (where a.status = 'skipped')`.as('skipped'),
			sql<number>`count(*) filter (where a.flagged)`.as('flagged')
		])
		.where('q.dataset_id', '=', datasetId)
		.groupBy('t.item_id')
		.execute();
	return rows.map((r) => ({
		itemId: r.itemId,
		seen: Number(r.seen),
		skipped: Number(r.skipped),
		flagged: Number(r.flagged)
	}));
}

/** Judgments of a run whose answers were flagged (instructions aimed at the judge, fake verdicts), per item. */
export async function listItemJudgeFlags(db: Db, runId: string): Promise<{ itemId: string; flagged: number }[]> {
	const rows = await db
		.selectFrom('judgment')
		.select(['item_id as itemId', (e) => e.fn.countAll<number>().as('flagged')])
		.where('run_id', '=', runId)
		.where('flags', 'is not', null)
		.groupBy('item_id')
		.execute();
	return rows.map((r) => ({ itemId: r.itemId, flagged: Number(r.flagged) }));
}

export interface ActiveSecondsRow {
	/** Concord labels: the assignment's active seconds; imported labels: `metadata.activeSeconds` when the source gave it. */
	source: 'ui' | 'imported';
	seconds: number;
	annotator: string;
}

/** Every recorded active time of a label on a dataset (submitted assignments, and imported labels that carry one). */
export async function listActiveSeconds(db: Db, datasetId: string): Promise<ActiveSecondsRow[]> {
	const ui = await db
		.selectFrom('annotation_assignment as a')
		.innerJoin('annotation_queue as q', 'q.id', 'a.queue_id')
		.select([sql<'ui'>`'ui'`.as('source'), 'a.active_seconds as seconds', sql<string>`a.user_id::text`.as('annotator')])
		.where('q.dataset_id', '=', datasetId)
		.where('a.status', '=', 'submitted')
		.where('a.active_seconds', 'is not', null)
		.execute();
	const imported = await db
		.selectFrom('annotation')
		.select([
			sql<'imported'>`'imported'`.as('source'),
			sql<number>`(metadata->>'activeSeconds')::float8`.as('seconds'),
			sql<string>`coalesce(external_annotator, 'unknown')`.as('annotator')
		])
		.where('dataset_id', '=', datasetId)
		.where('source', '=', 'imported')
		.where(
			sql<boolean>`jsonb_typeof(metadata->'activeSeconds') = 'number' and (metadata->>'activeSeconds')::float8 > 0`
		)
		.execute();
	return [...ui, ...imported].map((r) => ({ ...r, seconds: Number(r.seconds) }));
}

export interface LabelSourceRow {
	kind: LabelKind;
	labels: number;
	annotators: number;
	/** Imported labels: the annotator names as the source gave them (at most 20). */
	names: string[];
}

/** Who labelled a dataset: per kind of label, how many labels and distinct annotators. */
export async function listLabelSources(db: Db, datasetId: string): Promise<LabelSourceRow[]> {
	const rows = await db
		.selectFrom('annotation as n')
		.select([
			labelKind.as('kind'),
			(e) => e.fn.countAll<number>().as('labels'),
			sql<number>`count(distinct coalesce(n.annotator_user_id::text, n.external_annotator))`.as('annotators'),
			sql<
				string[]
			>`(array_agg(distinct n.external_annotator) filter (where n.external_annotator is not null))[1:20]`.as('names')
		])
		.where('n.dataset_id', '=', datasetId)
		.groupBy(labelKind)
		.orderBy(labelKind)
		.execute();
	return rows.map((r) => ({
		kind: r.kind,
		labels: Number(r.labels),
		annotators: Number(r.annotators),
		names: r.names ?? []
	}));
}

/** Distinct items and answers a run judged, and its judgments by outcome. */
export async function runCoverage(db: Db, runId: string) {
	const row = await db
		.selectFrom('judgment')
		.select([
			sql<number>`count(distinct item_id)`.as('items'),
			(e) => e.fn.countAll<number>().as('judgments'),
			sql<number>`count(*) filter (where status = 'ok')`.as('ok'),
			// Call time actually spent: a cached reply cost no call.
			sql<number>`coalesce(sum(latency_ms) filter (where not coalesce(cached, false)), 0)::float8`.as('latencyMs'),
			sql<number>`count(latency_ms) filter (where not coalesce(cached, false))`.as('timed')
		])
		.where('run_id', '=', runId)
		.executeTakeFirstOrThrow();
	return {
		items: Number(row.items),
		judgments: Number(row.judgments),
		ok: Number(row.ok),
		latencyMs: Number(row.latencyMs),
		timed: Number(row.timed)
	};
}

/** For each of the given items of a dataset, the newest annotation queue with a task on it (adjudication links). */
export async function listItemQueues(
	db: Db,
	datasetId: string,
	itemIds: readonly string[]
): Promise<{ itemId: string; queueId: string }[]> {
	if (itemIds.length === 0) return [];
	return db
		.selectFrom('annotation_task as t')
		.innerJoin('annotation_queue as q', 'q.id', 't.queue_id')
		.select(['t.item_id as itemId', 'q.id as queueId'])
		.distinctOn('t.item_id')
		.where('q.dataset_id', '=', datasetId)
		.where('t.item_id', 'in', [...itemIds])
		.orderBy('t.item_id')
		.orderBy('q.created_at', 'desc')
		.execute();
}
