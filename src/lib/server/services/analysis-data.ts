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
	return majorityOfCounts(counts.A, counts.tie, counts.B);
}

/** `majorityVerdict` from the counts of A, tie and B votes. */
export function majorityOfCounts(a: number, tie: number, b: number): PairwiseVote {
	if (a > b && a > tie) return 'A';
	if (b > a && b > tie) return 'B';
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

/**
 * The comparisons of `loadComparisons` in dense form, for the agreement page (100,000 labels:
 * bench:agreement), from `repo.loadAgreementRows`: the same comparisons in the same order, oriented
 * the same way, with the same judge verdicts and the same labels in the same order, as numbers
 * instead of objects. Comparison n holds labels labelStart[n] … labelStart[n + 1] − 1.
 */
export interface DenseComparisons {
	count: number;
	/** The comparison's item (an index of rows.items); −1 when only judgments name it (no labels). */
	item: Int32Array;
	/** Its answers (indices of rows.answerItem / answerSystem), A as first seen. */
	answerA: Int32Array;
	answerB: Int32Array;
	/** The judge's merged verdict (0 A, 1 tie, 2 B), −1 when none. */
	judge: Int8Array;
	labelStart: Int32Array;
	/** Per label: its verdict in comparison terms (0 A, 1 tie, 2 B) + 3 × gold + 6 × annotator. */
	labelCode: Int32Array;
	rows: repo.AgreementRows;
}

/** `loadComparisons`' assembly (see its rules in the module docblock) on the packed rows. */
export function denseComparisons(rows: repo.AgreementRows): DenseComparisons {
	const { labels, judgments } = rows;
	const labelCount = labels.length / 3;
	const judgeCount = judgments.length / 3;
	// At most one comparison per label or judgment. Comparisons are found by their unordered pair
	// of answers in an open-addressing table (slot = comparison + 1, 0 empty), numbered in order of
	// first appearance: typed arrays, where a Map of 30,000 pairs cost most of this function.
	const most = labelCount + judgeCount;
	let count = 0;
	const item = new Int32Array(most);
	const answerA = new Int32Array(most);
	const answerB = new Int32Array(most);
	let size = 16;
	while (size < 2 * most) size *= 2;
	const slots = new Int32Array(size);
	const comparison = (a: number, b: number, labelItem: number): number => {
		const lo = a < b ? a : b;
		const hi = a < b ? b : a;
		let h = (Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca6b)) & (size - 1);
		for (let slot = slots[h]; slot !== 0; slot = slots[h]) {
			const n = slot - 1;
			if ((answerA[n] === lo && answerB[n] === hi) || (answerA[n] === hi && answerB[n] === lo)) return n;
			h = (h + 1) & (size - 1);
		}
		const n = count++;
		slots[h] = n + 1;
		item[n] = labelItem;
		answerA[n] = a;
		answerB[n] = b;
		return n;
	};
	// Labels: their comparison, and their verdict turned to it; then grouped per comparison in label order.
	const owner = new Int32Array(labelCount);
	const code = new Int32Array(labelCount);
	for (let l = 0; l < labelCount; l++) {
		const a = labels[3 * l];
		const n = comparison(a, labels[3 * l + 1], rows.answerItem[a]);
		let c = labels[3 * l + 2];
		if (answerA[n] !== a) c += 2 - 2 * (c % 3);
		owner[l] = n;
		code[l] = c;
	}
	// Judgments: per comparison, per presented order in its terms (ab, ba, none), the count of each verdict.
	const votes = new Int32Array(judgeCount);
	const voteOwner = new Int32Array(judgeCount);
	for (let j = 0; j < judgeCount; j++) {
		const a = judgments[3 * j];
		const n = comparison(a, judgments[3 * j + 1], -1);
		voteOwner[j] = n;
		let verdict = judgments[3 * j + 2] % 4;
		let order = (judgments[3 * j + 2] - verdict) / 4;
		if (answerA[n] !== a) {
			if (verdict !== 3) verdict = 2 - verdict;
			if (order !== 2) order = 1 - order;
		}
		votes[j] = verdict === 3 ? -1 : order * 3 + verdict;
	}
	const counts = new Int32Array(count * 9);
	const hasJudge = new Uint8Array(count);
	for (let j = 0; j < judgeCount; j++) {
		hasJudge[voteOwner[j]] = 1;
		if (votes[j] >= 0) counts[voteOwner[j] * 9 + votes[j]]++;
	}
	const judge = new Int8Array(count).fill(-1);
	const CODE_OF: Record<PairwiseVote, number> = { A: 0, tie: 1, B: 2 };
	for (let n = 0; n < count; n++) {
		if (!hasJudge[n]) continue;
		const byOrder: (PairwiseVote | undefined)[] = [undefined, undefined, undefined];
		for (let o = 0; o < 3; o++) {
			const k = n * 9 + o * 3;
			if (counts[k] + counts[k + 1] + counts[k + 2] > 0)
				byOrder[o] = majorityOfCounts(counts[k], counts[k + 1], counts[k + 2]);
		}
		const [ab, ba, none] = byOrder;
		const verdict = ab !== undefined && ba !== undefined ? mergeBothOrders(ab, ba) : (ab ?? ba ?? none ?? null);
		if (verdict !== null) judge[n] = CODE_OF[verdict];
	}
	const labelStart = new Int32Array(count + 1);
	for (let l = 0; l < labelCount; l++) labelStart[owner[l] + 1]++;
	for (let n = 0; n < count; n++) labelStart[n + 1] += labelStart[n];
	const fill = labelStart.slice(0, count);
	const labelCode = new Int32Array(labelCount);
	for (let l = 0; l < labelCount; l++) labelCode[fill[owner[l]]++] = code[l];
	return {
		count,
		item: item.slice(0, count),
		answerA: answerA.slice(0, count),
		answerB: answerB.slice(0, count),
		judge,
		labelStart,
		labelCode,
		rows
	};
}
