/**
 * Agreement page: judge ↔ human and human ↔ human on the same comparisons, side
 * by side (the human ↔ human figure is the ceiling a judge can be held to),
 * with per-system and per-category breakdowns, the confusion matrix and the
 * comparisons where they disagree most. Figures: `pairwiseAgreement` (MT-Bench
 * agreement with/without ties, Zheng et al. 2023; linear-weighted κ, Cohen
 * 1968; ordinal α, Krippendorff 2011; nominal κ and α beside them),
 * `confusionMatrix`, and 95% percentile bootstrap intervals over items
 * (analysis-common.ts). Pairwise runs only in this slice.
 */
import { confusionMatrix, PAIRWISE_SCALE, type PairwiseVote } from '../../stats';
import type { Db } from '../db/client';
import type { Membership } from '../db/repositories/members';
import * as repo from '../db/repositories/analysis';
import {
	agreementWithIntervals,
	cached,
	MIN_GROUP,
	resolveDatasetRun,
	type AgreementFigures,
	type RunSummary
} from './analysis-common';
import { loadComparisons, type Comparison, type HumanSource } from './analysis-data';

export interface AgreementInput {
	datasetId: string;
	judgeRunId?: string;
	humanSource?: HumanSource;
}

export interface GroupAgreement {
	name: string;
	judgeHuman: AgreementFigures | null;
	humanHuman: AgreementFigures | null;
}

export interface Disagreement {
	itemId: string;
	externalId: string;
	systemA: string;
	systemB: string;
	judge: PairwiseVote;
	/** Human verdicts on the comparison, counted. */
	humans: Record<PairwiseVote, number>;
	/** Share of human labels that disagree with the judge, weighted by distance on A < tie < B (0–1). */
	distance: number;
}

export interface AgreementResult {
	dataset: { id: string; name: string };
	runs: RunSummary[];
	run: RunSummary | null;
	humanSource: HumanSource;
	labelKinds: repo.LabelKindCount[];
	/** Comparisons with a judge verdict, with ≥ 1 human label, with both. */
	counts: { judged: number; labelled: number; both: number; humanPairs: number };
	judgeHuman: AgreementFigures | null;
	humanHuman: AgreementFigures | null;
	/** Rows: judge, columns: human, in PAIRWISE_SCALE order (A, tie, B). */
	confusion: { categories: PairwiseVote[]; matrix: number[][] } | null;
	bySystem: GroupAgreement[];
	byCategory: GroupAgreement[];
	disagreements: Disagreement[];
}

interface Rows {
	x: PairwiseVote[];
	y: PairwiseVote[];
	clusters: string[];
	groups: Comparison[];
}

const emptyRows = (): Rows => ({ x: [], y: [], clusters: [], groups: [] });

/** One row per (judge verdict, human label): every label counts, its item is its cluster. */
export function judgeHumanRows(comparisons: readonly Comparison[]): Rows {
	const rows = emptyRows();
	for (const c of comparisons) {
		const j = c.judge?.verdict;
		if (!j) continue;
		for (const h of c.humans) {
			rows.x.push(j);
			rows.y.push(h.verdict);
			rows.clusters.push(c.itemId);
			rows.groups.push(c);
		}
	}
	return rows;
}

/**
 * One row per pair of labels by different annotators on the same comparison.
 * Gold labels are left out: an adjudicated label is made from the others, so
 * pairing it with them would inflate the ceiling.
 */
export function humanHumanRows(comparisons: readonly Comparison[]): Rows {
	const rows = emptyRows();
	for (const c of comparisons) {
		const humans = c.humans.filter((h) => h.kind !== 'gold');
		for (let i = 0; i < humans.length; i++) {
			for (let k = i + 1; k < humans.length; k++) {
				if (humans[i].annotator === humans[k].annotator) continue;
				rows.x.push(humans[i].verdict);
				rows.y.push(humans[k].verdict);
				rows.clusters.push(c.itemId);
				rows.groups.push(c);
			}
		}
	}
	return rows;
}

function subset(rows: Rows, keep: (c: Comparison) => boolean): Rows {
	const out = emptyRows();
	rows.groups.forEach((c, i) => {
		if (!keep(c)) return;
		out.x.push(rows.x[i]);
		out.y.push(rows.y[i]);
		out.clusters.push(rows.clusters[i]);
		out.groups.push(c);
	});
	return out;
}

const figures = (rows: Rows, resamples?: number) =>
	rows.x.length >= 1 ? agreementWithIntervals(rows.x, rows.y, rows.clusters, { resamples }) : null;

function breakdown(jh: Rows, hh: Rows, names: string[], member: (c: Comparison, name: string) => boolean) {
	const out: GroupAgreement[] = [];
	for (const name of names) {
		const j = subset(jh, (c) => member(c, name));
		const h = subset(hh, (c) => member(c, name));
		if (j.x.length < MIN_GROUP && h.x.length < MIN_GROUP) continue;
		out.push({
			name,
			judgeHuman: j.x.length >= MIN_GROUP ? figures(j, 500) : null,
			humanHuman: h.x.length >= MIN_GROUP ? figures(h, 500) : null
		});
	}
	return out;
}

const POSITION: Record<PairwiseVote, number> = { A: 0, tie: 1, B: 2 };

/** Mean distance of the human labels from the judge's verdict on A < tie < B (0 = all agree, 1 = all opposite). */
export function judgeHumanDistance(judge: PairwiseVote, humans: readonly { verdict: PairwiseVote }[]): number {
	let distance = 0;
	for (const h of humans) distance += Math.abs(POSITION[h.verdict] - POSITION[judge]) / 2;
	return humans.length ? distance / humans.length : 0;
}

export function largestDisagreements(comparisons: readonly Comparison[], limit = 20): Disagreement[] {
	const list: Disagreement[] = [];
	for (const c of comparisons) {
		const j = c.judge?.verdict;
		if (!j || c.humans.length === 0) continue;
		const humans: Record<PairwiseVote, number> = { A: 0, tie: 0, B: 0 };
		for (const h of c.humans) humans[h.verdict]++;
		const distance = judgeHumanDistance(j, c.humans);
		if (distance === 0) continue;
		list.push({
			itemId: c.itemId,
			externalId: c.externalId,
			systemA: c.systemA,
			systemB: c.systemB,
			judge: j,
			humans,
			distance
		});
	}
	// Most confident disagreement first: distance, then how many humans said so.
	list.sort(
		(a, b) =>
			b.distance - a.distance ||
			b.humans.A + b.humans.B + b.humans.tie - (a.humans.A + a.humans.B + a.humans.tie) ||
			a.externalId.localeCompare(b.externalId)
	);
	return list.slice(0, limit);
}

export async function getAgreement(db: Db, membership: Membership, input: AgreementInput): Promise<AgreementResult> {
	const humanSource = input.humanSource ?? 'all';
	const { dataset, runs, run } = await resolveDatasetRun(db, membership, input.datasetId, input.judgeRunId);
	return cached(db, 'agreement', dataset.id, run?.id ?? null, humanSource, async () => {
		const [comparisons, labelKinds] = await Promise.all([
			loadComparisons(db, { datasetId: dataset.id, runId: run?.id ?? null, humanSource }),
			repo.countLabelKinds(db, dataset.id)
		]);
		const jh = judgeHumanRows(comparisons);
		const hh = humanHumanRows(comparisons);
		const systems = [...new Set(comparisons.flatMap((c) => [c.systemA, c.systemB]))].sort();
		const categories = [...new Set(comparisons.map((c) => c.category).filter((c): c is string => c !== null))].sort();
		return {
			dataset,
			runs,
			run,
			humanSource,
			labelKinds,
			counts: {
				judged: comparisons.filter((c) => c.judge?.verdict).length,
				labelled: comparisons.filter((c) => c.humans.length > 0).length,
				both: comparisons.filter((c) => c.judge?.verdict && c.humans.length > 0).length,
				humanPairs: hh.x.length
			},
			judgeHuman: figures(jh),
			humanHuman: figures(hh),
			confusion:
				jh.x.length > 0
					? (confusionMatrix(jh.x, jh.y, PAIRWISE_SCALE) as { categories: PairwiseVote[]; matrix: number[][] })
					: null,
			bySystem: breakdown(jh, hh, systems, (c, s) => c.systemA === s || c.systemB === s),
			byCategory: breakdown(jh, hh, categories, (c, k) => c.category === k),
			disagreements: largestDisagreements(comparisons)
		};
	});
}
