/**
 * Judge output and human labels, read back for people who may see results: every
 * judgment and label on one item's answers, and a dataset's judge runs and label
 * sources with counts. Only services/item-results.ts calls these, behind the
 * readResults policy; annotators never reach them (blinding).
 */
import { sql } from 'kysely';
import type { Db } from '../client';
import type { AnnotationSource, JudgeMode, JudgeRunSource, PresentedOrder, Verdict } from '../schema';

/** Judgments and labels shown on one item page at most; an item rarely has more. */
export const ITEM_RESULT_LIMIT = 1000;

export interface ItemJudgmentRow {
	id: string;
	runId: string;
	runName: string;
	runSource: JudgeRunSource;
	judgeModel: string | null;
	mode: JudgeMode;
	answerAId: string;
	answerBId: string | null;
	presentedOrder: PresentedOrder | null;
	sample: number;
	verdict: Verdict | null;
	score: string | null;
	preference: string | null;
	createdAt: Date;
}

export async function listItemJudgments(db: Db, itemId: string): Promise<ItemJudgmentRow[]> {
	return (
		db
			.selectFrom('judgment as j')
			.innerJoin('judge_run as r', 'r.id', 'j.run_id')
			.select([
				'j.id',
				'r.id as runId',
				'r.name as runName',
				'r.source as runSource',
				'r.judge_model as judgeModel',
				'r.mode',
				'j.answer_a_id as answerAId',
				'j.answer_b_id as answerBId',
				'j.presented_order as presentedOrder',
				'j.sample',
				'j.verdict',
				'j.score',
				'j.preference',
				'j.created_at as createdAt'
			])
			.where('j.item_id', '=', itemId)
			// One run's rows stay together (the page groups consecutive rows), even when two runs share a name.
			.orderBy('r.name')
			.orderBy('r.id')
			.orderBy('j.answer_a_id')
			.orderBy('j.answer_b_id')
			.orderBy('j.presented_order')
			.orderBy('j.sample')
			.limit(ITEM_RESULT_LIMIT)
			.execute()
	);
}

export interface ItemLabelRow {
	id: string;
	source: AnnotationSource;
	/** A Concord user's display name, or the imported annotator (pool) name. */
	annotator: string | null;
	externalKey: string | null;
	answerAId: string;
	answerBId: string | null;
	presentedOrder: PresentedOrder | null;
	verdict: Verdict | null;
	score: string | null;
	createdAt: Date;
}

export async function listItemLabels(db: Db, itemId: string): Promise<ItemLabelRow[]> {
	return db
		.selectFrom('annotation as n')
		.leftJoin('app_user as u', 'u.id', 'n.annotator_user_id')
		.select([
			'n.id',
			'n.source',
			sql<string | null>`coalesce(u.display_name, n.external_annotator)`.as('annotator'),
			'n.external_key as externalKey',
			'n.answer_a_id as answerAId',
			'n.answer_b_id as answerBId',
			'n.presented_order as presentedOrder',
			'n.verdict',
			'n.score',
			'n.created_at as createdAt'
		])
		.where('n.item_id', '=', itemId)
		.orderBy('n.source')
		.orderBy('annotator')
		.orderBy('n.external_key')
		.orderBy('n.created_at')
		.limit(ITEM_RESULT_LIMIT)
		.execute();
}

export interface DatasetRunRow {
	id: string;
	name: string;
	source: JudgeRunSource;
	judgeModel: string | null;
	mode: JudgeMode;
	createdAt: Date;
	judgmentCount: number;
	itemCount: number;
}

export async function listDatasetRuns(db: Db, datasetId: string): Promise<DatasetRunRow[]> {
	return db
		.selectFrom('judge_run as r')
		.select((eb) => [
			'r.id',
			'r.name',
			'r.source',
			'r.judge_model as judgeModel',
			'r.mode',
			'r.created_at as createdAt',
			eb
				.selectFrom('judgment as j')
				.select(sql<number>`count(*)::int`.as('n'))
				.whereRef('j.run_id', '=', 'r.id')
				.as('judgmentCount'),
			eb
				.selectFrom('judgment as j')
				.select(sql<number>`count(distinct j.item_id)::int`.as('n'))
				.whereRef('j.run_id', '=', 'r.id')
				.as('itemCount')
		])
		.where('r.dataset_id', '=', datasetId)
		.orderBy('r.created_at')
		.orderBy('r.name')
		.execute() as Promise<DatasetRunRow[]>;
}

export interface LabelSourceRow {
	source: AnnotationSource;
	annotator: string | null;
	labelCount: number;
	itemCount: number;
}

/** Label sources: each imported annotator (pool) and each Concord annotator, with counts. */
export async function listDatasetLabelSources(db: Db, datasetId: string): Promise<LabelSourceRow[]> {
	return db
		.selectFrom('annotation as n')
		.leftJoin('app_user as u', 'u.id', 'n.annotator_user_id')
		.select([
			'n.source',
			sql<string | null>`coalesce(u.display_name, n.external_annotator)`.as('annotator'),
			sql<number>`count(*)::int`.as('labelCount'),
			sql<number>`count(distinct n.item_id)::int`.as('itemCount')
		])
		.where('n.dataset_id', '=', datasetId)
		.groupBy(['n.source', sql`coalesce(u.display_name, n.external_annotator)`])
		.orderBy('n.source')
		.orderBy('annotator')
		.execute();
}
