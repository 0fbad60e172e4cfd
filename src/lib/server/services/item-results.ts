/**
 * Results on the dataset pages: what judges and people said about an item's
 * answers, and which judge runs and label sources a dataset holds. These are
 * results, so the procedures that call this module admit only roles that read
 * results (trpc/routers/results.ts); annotators stay blind. Judgments and
 * labels are named by the answers' systems, and always in answer terms
 * (A = answer_a), never by screen position; `presentedOrder` says which was
 * shown first.
 */
import type { Db } from '../db/client';
import * as itemsRepo from '../db/repositories/dataset-items';
import * as results from '../db/repositories/item-results';
import type { Membership } from '../db/repositories/members';
import type { AnnotationSource, JudgeMode, JudgeRunSource, PresentedOrder, Verdict } from '../db/schema';
import { AppError } from '../errors';
import { requireDataset } from './dataset-browse';

export interface RunRef {
	id: string;
	name: string;
	source: JudgeRunSource;
	judgeModel: string | null;
	mode: JudgeMode;
}

interface Compared {
	/** System of answer A (pointwise: the judged answer). */
	systemA: string;
	/** System of answer B; null for pointwise results. */
	systemB: string | null;
	presentedOrder: PresentedOrder | null;
	verdict: Verdict | null;
	score: number | null;
}

export interface ItemJudgment extends Compared {
	id: string;
	run: RunRef;
	sample: number;
	/** Soft preference for B in [0, 1] (0.5 = tie). */
	preference: number | null;
}

export interface ItemLabel extends Compared {
	id: string;
	source: AnnotationSource;
	annotator: string | null;
	externalKey: string | null;
}

export interface ItemResults {
	judgments: ItemJudgment[];
	labels: ItemLabel[];
	/** More than `results.ITEM_RESULT_LIMIT` of either: the lists are cut there. */
	truncated: boolean;
}

const toNumber = (v: string | null) => (v === null ? null : Number(v));

export async function getItemResults(
	db: Db,
	membership: Membership,
	input: { datasetId: string; itemId: string }
): Promise<ItemResults> {
	const dataset = await requireDataset(db, membership, input.datasetId);
	const item = await itemsRepo.findItem(db, dataset.id, input.itemId);
	if (!item) throw new AppError('NOT_FOUND', 'Item not found.');
	const [answers, judgments, labels] = await Promise.all([
		itemsRepo.listItemAnswers(db, item.id),
		results.listItemJudgments(db, item.id),
		results.listItemLabels(db, item.id)
	]);
	const systemOf = new Map(answers.map((a) => [a.id, a.systemName]));
	const nameOf = (id: string | null) => (id === null ? null : (systemOf.get(id) ?? '?'));
	return {
		judgments: judgments.map((j) => ({
			id: j.id,
			run: { id: j.runId, name: j.runName, source: j.runSource, judgeModel: j.judgeModel, mode: j.mode },
			systemA: nameOf(j.answerAId)!,
			systemB: nameOf(j.answerBId),
			presentedOrder: j.presentedOrder,
			sample: j.sample,
			verdict: j.verdict,
			score: toNumber(j.score),
			preference: toNumber(j.preference)
		})),
		labels: labels.map((l) => ({
			id: l.id,
			source: l.source,
			annotator: l.annotator,
			externalKey: l.externalKey,
			systemA: nameOf(l.answerAId)!,
			systemB: nameOf(l.answerBId),
			presentedOrder: l.presentedOrder,
			verdict: l.verdict,
			score: toNumber(l.score)
		})),
		truncated: judgments.length >= results.ITEM_RESULT_LIMIT || labels.length >= results.ITEM_RESULT_LIMIT
	};
}

export interface DatasetResultSources {
	runs: results.DatasetRunRow[];
	labelSources: results.LabelSourceRow[];
}

export async function getDatasetResultSources(
	db: Db,
	membership: Membership,
	datasetId: string
): Promise<DatasetResultSources> {
	const dataset = await requireDataset(db, membership, datasetId);
	const [runs, labelSources] = await Promise.all([
		results.listDatasetRuns(db, dataset.id),
		results.listDatasetLabelSources(db, dataset.id)
	]);
	return { runs, labelSources };
}
