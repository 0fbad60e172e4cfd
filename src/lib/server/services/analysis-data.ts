/**
 * The shared input of the analysis services: a dataset's pairwise comparisons
 * (item × answer pair), each with the judge run's verdict and the human labels
 * on it. Pure assembly of rows; every statistic is computed in lib/stats.
 *
 * - A comparison is an unordered answer pair on an item. Its orientation (which
 *   answer is "A") is the first one seen, labels before judgments, so Arena's
 *   model_a stays A. A verdict stored the other way round is swapped.
 * - The judge's verdict per comparison: per presented order, the majority of its
 *   samples (an even split is a tie); with both orders, MT-Bench's conservative
 *   merge (`mergeBothOrders`, Zheng et al. 2023 §3.4). Only status 'ok' rows.
 * - Human labels: every label is kept (several annotators per comparison).
 */
import { mergeBothOrders, type PairwiseVote } from '../../stats';
import type { Db } from '../db/client';
import * as repo from '../db/repositories/analysis';
import type { PresentedOrder } from '../db/schema';

export type HumanSource = 'all' | repo.LabelKind;

export interface HumanLabel {
	verdict: PairwiseVote;
	annotator: string;
	kind: repo.LabelKind;
	presentedOrder: PresentedOrder | null;
}

export interface JudgeView {
	/** Verdict per presented order ('none' = order not recorded), in comparison terms. */
	byOrder: Partial<Record<PresentedOrder | 'none', PairwiseVote>>;
	/** The merged verdict paired with humans. */
	verdict: PairwiseVote | null;
	/** Mean soft preference for B in [0, 1] when the judge stored one (AlpacaEval). */
	preference: number | null;
}

export interface Comparison {
	key: string;
	itemId: string;
	externalId: string;
	category: string | null;
	answerA: string;
	answerB: string;
	systemA: string;
	systemB: string;
	lengthA: number;
	lengthB: number;
	humans: HumanLabel[];
	judge: JudgeView | null;
}

const swap = (v: PairwiseVote | null): PairwiseVote | null => (v === 'A' ? 'B' : v === 'B' ? 'A' : v);
/** A row stored the other way round: its answer_a is our B, so what it showed first ('ab') is our 'ba'. */
const swapOrder = (o: PresentedOrder | null): PresentedOrder | null => (o === 'ab' ? 'ba' : o === 'ba' ? 'ab' : null);

/** Majority of a list of verdicts; an even split between the top two is a tie. */
export function majorityVerdict(votes: PairwiseVote[]): PairwiseVote {
	const counts = { A: 0, B: 0, tie: 0 };
	for (const v of votes) counts[v]++;
	if (counts.A > counts.B && counts.A > counts.tie) return 'A';
	if (counts.B > counts.A && counts.B > counts.tie) return 'B';
	return 'tie';
}

export interface LoadOptions {
	datasetId: string;
	runId: string | null;
	humanSource: HumanSource;
}

export async function loadComparisons(db: Db, { datasetId, runId, humanSource }: LoadOptions): Promise<Comparison[]> {
	const [answers, labels, judgments] = await Promise.all([
		repo.listAnswerInfo(db, datasetId),
		repo.listPairLabels(db, datasetId, humanSource),
		runId ? repo.listPairJudgments(db, runId) : Promise.resolve([])
	]);
	// Answers are numbered once; a comparison is found by the numbers of its two answers, not by a
	// string built per row (100,000 labels and 60,000 judgments: bench:agreement).
	const answerIndex = new Map<string, number>();
	for (let i = 0; i < answers.length; i++) answerIndex.set(answers[i].id, i);
	const byPair = new Map<number, number>();
	const list: Comparison[] = [];
	const comparison = (itemId: string, a: string, b: string): number => {
		const ia = answerIndex.get(a);
		const ib = answerIndex.get(b);
		if (ia === undefined || ib === undefined) return -1;
		const pair = ia < ib ? ia * answers.length + ib : ib * answers.length + ia;
		let n = byPair.get(pair);
		if (n === undefined) {
			const infoA = answers[ia];
			const infoB = answers[ib];
			n = list.length;
			byPair.set(pair, n);
			list.push({
				key: a < b ? `${itemId}|${a}|${b}` : `${itemId}|${b}|${a}`,
				itemId,
				externalId: infoA.externalId,
				category: infoA.category,
				answerA: a,
				answerB: b,
				systemA: infoA.system,
				systemB: infoB.system,
				lengthA: infoA.charCount,
				lengthB: infoB.charCount,
				humans: [],
				judge: null
			});
		}
		return n;
	};
	for (const l of labels) {
		const n = comparison(l.itemId, l.answerAId, l.answerBId);
		if (n < 0 || l.verdict === null) continue;
		const c = list[n];
		const flipped = c.answerA !== l.answerAId;
		c.humans.push({
			verdict: (flipped ? swap(l.verdict) : l.verdict)!,
			annotator: l.annotator,
			kind: l.kind,
			presentedOrder: flipped ? swapOrder(l.presentedOrder) : l.presentedOrder
		});
	}
	// Judgments arrive ordered by item, answers, order and sample: gather per comparison.
	const votes = new Map<number, { orders: Map<PresentedOrder | 'none', PairwiseVote[]>; prefs: number[] }>();
	for (const j of judgments) {
		const n = comparison(j.itemId, j.answerAId, j.answerBId);
		if (n < 0) continue;
		const flipped = list[n].answerA !== j.answerAId;
		let v = votes.get(n);
		if (!v) votes.set(n, (v = { orders: new Map(), prefs: [] }));
		if (j.verdict !== null) {
			const order = (flipped ? swapOrder(j.presentedOrder) : j.presentedOrder) ?? 'none';
			const orderVotes = v.orders.get(order) ?? [];
			orderVotes.push((flipped ? swap(j.verdict) : j.verdict)!);
			v.orders.set(order, orderVotes);
		}
		if (j.preference !== null) {
			const p = Number(j.preference);
			v.prefs.push(flipped ? 1 - p : p);
		}
	}
	for (const [n, v] of votes) {
		const c = list[n];
		const byOrder: JudgeView['byOrder'] = {};
		for (const [order, orderVotes] of v.orders) byOrder[order] = majorityVerdict(orderVotes);
		let verdict: PairwiseVote | null;
		if (byOrder.ab !== undefined && byOrder.ba !== undefined) verdict = mergeBothOrders(byOrder.ab, byOrder.ba);
		else verdict = byOrder.ab ?? byOrder.ba ?? byOrder.none ?? null;
		const preference = v.prefs.length ? v.prefs.reduce((s, p) => s + p, 0) / v.prefs.length : null;
		c.judge = { byOrder, verdict, preference };
	}
	return list;
}
