/**
 * Question quality: per item of a dataset, how well it separates the systems, how much humans
 * disagree on it, how often annotators skipped or flagged it, and whether the judge and the humans
 * split on it; items past a threshold are listed as questions to fix or drop.
 *
 *   outcome of a system on an item   mean over its comparisons on the item of win 1 / tie ½ / loss 0,
 *                                    by the human majority of the comparison (the judge's verdict
 *                                    where no human labelled it)
 *   separation                       itemDiscrimination (lib/stats/item-quality.ts): spread of the
 *                                    systems' outcomes, corrected item–rest correlation
 *   human disagreement               mean over the item's comparisons with ≥ 2 non-gold labels of
 *                                    subjectDisagreement (1 − Fleiss' P_i)
 *   judge–human split                mean over the item's comparisons with both of judgeHumanDistance
 *                                    (0 = every label agrees with the judge, 1 = all opposite)
 *   skipped / flagged                annotation assignments of the item's tasks in every queue
 *
 * Pairwise runs and labels only (as the other analysis pages); all figures come from lib/stats.
 */
import { itemDiscrimination, subjectDisagreement, type PairwiseVote } from '../../stats';
import type { Db } from '../db/client';
import * as qualityRepo from '../db/repositories/analysis-quality';
import type { Membership } from '../db/repositories/members';
import { judgeHumanDistance } from './analysis-agreement';
import { cached, resolveDatasetRun, type RunSummary } from './analysis-common';
import { loadComparisons, type Comparison, type HumanSource } from './analysis-data';
import { requireDataset } from './dataset-browse';

/** When an item is listed, and why. Shown on the page beside the list. */
export const QUALITY_THRESHOLDS = {
	/** Systems' outcomes spread less than this: the question does not separate them. */
	flatSpread: 0.1,
	/** Item–rest correlation at or below this: the question ranks systems against the rest. */
	reversedItemRest: -0.5,
	/** Mean human disagreement at or above this. */
	ambiguous: 0.4,
	/** Mean judge–human distance at or above this. */
	judgeSplit: 0.5,
	/** Share of assignments skipped at or above this (with at least `minSeen` seen). */
	skipped: 0.2,
	minSeen: 3
} as const;

export type QualityIssue = 'flat' | 'reversed' | 'ambiguous' | 'judge-split' | 'skipped' | 'flagged';

export interface ItemQuality {
	itemId: string;
	externalId: string;
	category: string | null;
	comparisons: number;
	systems: number;
	spread: number | null;
	itemRest: number | null;
	/** Where the outcomes came from: humans for every comparison, the judge for some, or none. */
	basis: 'humans' | 'mixed' | 'judge' | 'none';
	humanDisagreement: number | null;
	humanLabels: number;
	judgeSplit: number | null;
	seen: number;
	skipped: number;
	annotatorFlags: number;
	judgeFlags: number;
	issues: QualityIssue[];
}

export interface QualityResult {
	dataset: { id: string; name: string };
	runs: RunSummary[];
	run: RunSummary | null;
	humanSource: HumanSource;
	thresholds: typeof QUALITY_THRESHOLDS;
	items: ItemQuality[];
	/** Items with at least one issue. */
	flagged: number;
	counts: Record<QualityIssue, number>;
}

const SCORE: Record<PairwiseVote, [number, number]> = { A: [1, 0], B: [0, 1], tie: [0.5, 0.5] };

/** Most common verdict; an even split between the top two is a tie. */
function majority(votes: readonly PairwiseVote[]): PairwiseVote {
	const n = { A: 0, B: 0, tie: 0 };
	for (const v of votes) n[v]++;
	if (n.A > n.B && n.A > n.tie) return 'A';
	if (n.B > n.A && n.B > n.tie) return 'B';
	return 'tie';
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** The per-item figures from comparisons (pure; the service adds activity and flags). */
export function itemQualityOf(
	comparisons: readonly Comparison[]
): Omit<ItemQuality, 'seen' | 'skipped' | 'annotatorFlags' | 'judgeFlags' | 'issues'>[] {
	const byItem = new Map<string, Comparison[]>();
	for (const c of comparisons) byItem.set(c.itemId, [...(byItem.get(c.itemId) ?? []), c]);
	const systems = [...new Set(comparisons.flatMap((c) => [c.systemA, c.systemB]))].sort();
	const col = new Map(systems.map((s, i) => [s, i]));
	const items = [...byItem.entries()];
	const outcomes: (number | null)[][] = [];
	const rest = items.map(([itemId, list]) => {
		const sums = new Array<number>(systems.length).fill(0);
		const counts = new Array<number>(systems.length).fill(0);
		let fromHumans = 0;
		let fromJudge = 0;
		const disagreement: number[] = [];
		const split: number[] = [];
		let humanLabels = 0;
		for (const c of list) {
			const people = c.humans.filter((h) => h.kind !== 'gold');
			humanLabels += c.humans.length;
			const verdict = c.humans.length ? majority(c.humans.map((h) => h.verdict)) : (c.judge?.verdict ?? null);
			if (c.humans.length) fromHumans++;
			else if (verdict) fromJudge++;
			if (verdict) {
				const [a, b] = SCORE[verdict];
				sums[col.get(c.systemA)!] += a;
				counts[col.get(c.systemA)!]++;
				sums[col.get(c.systemB)!] += b;
				counts[col.get(c.systemB)!]++;
			}
			const d = subjectDisagreement([
				people.filter((h) => h.verdict === 'A').length,
				people.filter((h) => h.verdict === 'tie').length,
				people.filter((h) => h.verdict === 'B').length
			]);
			if (d !== null) disagreement.push(d);
			if (c.judge?.verdict && c.humans.length) split.push(judgeHumanDistance(c.judge.verdict, c.humans));
		}
		outcomes.push(sums.map((s, i) => (counts[i] ? s / counts[i] : null)));
		const basis: ItemQuality['basis'] =
			fromHumans === 0 && fromJudge === 0 ? 'none' : fromJudge === 0 ? 'humans' : fromHumans === 0 ? 'judge' : 'mixed';
		return {
			itemId,
			externalId: list[0].externalId,
			category: list[0].category,
			comparisons: list.length,
			basis,
			humanDisagreement: mean(disagreement),
			humanLabels,
			judgeSplit: mean(split)
		};
	});
	const discrimination = outcomes.length ? itemDiscrimination(outcomes) : [];
	return rest.map((r, i) => ({
		...r,
		systems: discrimination[i].systems,
		spread: discrimination[i].spread,
		itemRest: discrimination[i].itemRest
	}));
}

export function issuesOf(q: Omit<ItemQuality, 'issues'>, t = QUALITY_THRESHOLDS): QualityIssue[] {
	const issues: QualityIssue[] = [];
	if (q.spread !== null && q.systems >= 2 && q.spread < t.flatSpread) issues.push('flat');
	if (q.itemRest !== null && q.itemRest <= t.reversedItemRest) issues.push('reversed');
	if (q.humanDisagreement !== null && q.humanDisagreement >= t.ambiguous) issues.push('ambiguous');
	if (q.judgeSplit !== null && q.judgeSplit >= t.judgeSplit) issues.push('judge-split');
	if (q.seen >= t.minSeen && q.skipped / q.seen >= t.skipped) issues.push('skipped');
	if (q.annotatorFlags > 0) issues.push('flagged');
	return issues;
}

export async function getQuality(
	db: Db,
	membership: Membership,
	input: { datasetId: string; judgeRunId?: string; humanSource?: HumanSource }
): Promise<QualityResult> {
	const humanSource = input.humanSource ?? 'all';
	const { dataset, runs, run } = await resolveDatasetRun(db, membership, input.datasetId, input.judgeRunId);
	// The figures from labels and verdicts are cached by their inputs' fingerprint; annotation
	// activity (skips, flags) is not part of it, so it is read on every call.
	const [figures, judgeFlags, activity] = await Promise.all([
		cached(db, 'quality', dataset.id, run?.id ?? null, humanSource, async () =>
			itemQualityOf(await loadComparisons(db, { datasetId: dataset.id, runId: run?.id ?? null, humanSource }))
		),
		run ? qualityRepo.listItemJudgeFlags(db, run.id) : Promise.resolve([]),
		qualityRepo.listItemActivity(db, dataset.id)
	]);
	const activityOf = new Map(activity.map((a) => [a.itemId, a]));
	const flagsOf = new Map(judgeFlags.map((f) => [f.itemId, f.flagged]));
	const items: ItemQuality[] = figures.map((q) => {
		const a = activityOf.get(q.itemId);
		const full = {
			...q,
			seen: a?.seen ?? 0,
			skipped: a?.skipped ?? 0,
			annotatorFlags: a?.flagged ?? 0,
			judgeFlags: flagsOf.get(q.itemId) ?? 0
		};
		return { ...full, issues: issuesOf(full) };
	});
	// Most issues first, then the most human disagreement, then by id.
	items.sort(
		(a, b) =>
			b.issues.length - a.issues.length ||
			(b.humanDisagreement ?? -1) - (a.humanDisagreement ?? -1) ||
			a.externalId.localeCompare(b.externalId)
	);
	const counts = { flat: 0, reversed: 0, ambiguous: 0, 'judge-split': 0, skipped: 0, flagged: 0 };
	for (const i of items) for (const issue of i.issues) counts[issue]++;
	return {
		dataset,
		runs,
		run,
		humanSource,
		thresholds: QUALITY_THRESHOLDS,
		items,
		flagged: items.filter((i) => i.issues.length > 0).length,
		counts
	};
}

/**
 * Where an item can be adjudicated: for each item asked, the newest annotation queue of the
 * dataset with a task on it. Adjudication is an admin page, so the procedure is admin-only.
 */
export async function itemQueues(
	db: Db,
	membership: Membership,
	input: { datasetId: string; itemIds: string[] }
): Promise<Record<string, string>> {
	const dataset = await requireDataset(db, membership, input.datasetId);
	const rows = await qualityRepo.listItemQueues(db, dataset.id, input.itemIds);
	return Object.fromEntries(rows.map((r) => [r.itemId, r.queueId]));
}
