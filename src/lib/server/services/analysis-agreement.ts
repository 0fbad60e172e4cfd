/**
 * Agreement page: judge ↔ human and human ↔ human on the same comparisons, side
 * by side (the human ↔ human figure is the ceiling a judge can be held to),
 * with per-system and per-category breakdowns, the confusion matrix and the
 * comparisons where they disagree most. Figures: `pairwiseAgreement` (MT-Bench
 * agreement with/without ties, Zheng et al. 2023; linear-weighted κ, Cohen
 * 1968; ordinal α, Krippendorff 2011; nominal κ and α beside them),
 * `confusionMatrix`, and 95% percentile cluster-bootstrap intervals over items,
 * all on one shared draw of the items (`agreementBreakdowns`). Pairwise runs only
 * in this slice.
 */
import {
	ClusterTablesBuilder,
	confusionMatrix,
	PAIRWISE_SCALE,
	sharedClusterBootstrap,
	type PairwiseVote,
	type TableStatistic
} from '../../stats';
import type { Db } from '../db/client';
import type { Membership } from '../db/repositories/members';
import * as repo from '../db/repositories/analysis';
import {
	agreementFigures,
	agreementStatistic,
	cached,
	CODE,
	MIN_GROUP,
	RESAMPLES,
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

/** Bootstrap resamples for a breakdown row (per system, per category); the overall figures use RESAMPLES. */
export const BREAKDOWN_RESAMPLES = 500;

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
 * Every figure of the page on ONE cluster bootstrap of the items (`sharedClusterBootstrap`):
 * each item is reduced once to its 3 × 3 tables (judge ↔ human and human ↔ human), each
 * resample draws the items once, and every table of every breakdown is summed from the same
 * draw. Overall figures use the first RESAMPLES resamples, breakdown rows the first
 * BREAKDOWN_RESAMPLES of the same stream. A breakdown row sums only its own items' tables, so
 * it is the bootstrap of a domain estimate (see the docblock of shared-cluster-bootstrap.ts).
 *
 * Layout: a comparison's tables are added once, to its cell of (category, pair of systems),
 * and the overall, per-system and per-category tables are sums of those cells, so a resample
 * costs each drawn item's cells once rather than once per breakdown it belongs to. When the
 * cells are many (nearly one per comparison), summing them on every resample would cost more
 * than it saves, and each comparison is added to its breakdowns' tables directly instead.
 *
 * Items are numbered in the order of the comparisons: when every item has judge ↔ human
 * pairs, the overall judge ↔ human intervals are exactly those of `agreementWithIntervals`
 * on the same rows (analysis-agreement.test.ts).
 */
export function agreementBreakdowns(comparisons: readonly Comparison[], systems: string[], categories: string[]) {
	// Groups: 0 = overall, then each system, then each category.
	const systemGroup = new Map(systems.map((s, i) => [s, 1 + i]));
	const categoryGroup = new Map(categories.map((c, i) => [c, 1 + systems.length + i]));
	const groups = 1 + systems.length + categories.length;
	const groupsOf = (c: Comparison) => {
		const list = [0, systemGroup.get(c.systemA)!];
		if (c.systemB !== c.systemA) list.push(systemGroup.get(c.systemB)!);
		if (c.category !== null) list.push(categoryGroup.get(c.category)!);
		return list;
	};
	// Per comparison: its two tables (judge ↔ human, human ↔ human), flattened, and its cell.
	const itemOf = new Map<string, number>();
	const used: { item: number; comparison: Comparison; cell: string; tables: Float64Array }[] = [];
	const cells = new Map<string, number>();
	for (const c of comparisons) {
		const t = new Float64Array(18);
		let pairs = 0;
		const j = c.judge?.verdict;
		if (j) {
			for (const h of c.humans) t[CODE[j] * 3 + CODE[h.verdict]]++;
			pairs += c.humans.length;
		}
		// Human ↔ human: pairs of labels by different annotators. Gold labels are left out: an
		// adjudicated label is made from the others, so pairing it with them would inflate the ceiling.
		const humans = c.humans.filter((h) => h.kind !== 'gold');
		for (let a = 0; a < humans.length; a++)
			for (let b = a + 1; b < humans.length; b++)
				if (humans[a].annotator !== humans[b].annotator) {
					t[9 + CODE[humans[a].verdict] * 3 + CODE[humans[b].verdict]]++;
					pairs++;
				}
		if (pairs === 0) continue;
		let item = itemOf.get(c.itemId);
		if (item === undefined) itemOf.set(c.itemId, (item = itemOf.size));
		const [s1, s2] = c.systemA < c.systemB ? [c.systemA, c.systemB] : [c.systemB, c.systemA];
		const cell = JSON.stringify([c.category, s1, s2]);
		if (!cells.has(cell)) cells.set(cell, cells.size);
		used.push({ item, comparison: c, cell, tables: t });
	}
	// Summing a cell into its ≤ 4 groups costs 4 × 18 per resample; adding a comparison directly
	// to its groups costs about 4 × its non-zero cells for the ~63% of items a resample draws.
	const byCells = cells.size > 0 && cells.size * 4 <= used.length;
	const slots = byCells ? cells.size : groups;
	const rows = new Float64Array(groups * 2);
	const parts: number[][] = Array.from({ length: groups }, () => []);
	const builder = new ClusterTablesBuilder(slots * 18);
	if (byCells) {
		const groupsOfCell = new Map<number, number[]>();
		for (const u of used)
			if (!groupsOfCell.has(cells.get(u.cell)!)) groupsOfCell.set(cells.get(u.cell)!, groupsOf(u.comparison));
		for (const [cell, list] of groupsOfCell) for (const g of list) parts[g].push(cell * 18);
	} else for (let g = 0; g < groups; g++) parts[g].push(g * 18);
	for (const u of used) {
		const list = groupsOf(u.comparison);
		for (const g of list) for (let c = 0; c < 18; c++) rows[g * 2 + (c < 9 ? 0 : 1)] += u.tables[c];
		const targets = byCells ? [cells.get(u.cell)!] : list;
		for (const slot of targets)
			for (let c = 0; c < 18; c++) if (u.tables[c] !== 0) builder.add(u.item, slot * 18 + c, u.tables[c]);
	}
	// A statistic per shown figure: overall with ≥ 1 pair, a breakdown figure with ≥ MIN_GROUP.
	const statistics: TableStatistic[] = [];
	const indexOf = new Map<number, number>();
	for (let g = 0; g < groups; g++)
		for (const kind of [0, 1]) {
			if (rows[g * 2 + kind] < (g === 0 ? 1 : MIN_GROUP)) continue;
			indexOf.set(g * 2 + kind, statistics.length);
			statistics.push(
				agreementStatistic(
					parts[g].map((p) => p + kind * 9),
					g === 0 ? RESAMPLES : BREAKDOWN_RESAMPLES
				)
			);
		}
	const results = sharedClusterBootstrap(builder.build(itemOf.size), statistics, { seed: 1 });
	const figuresOf = (g: number, kind: number) => {
		const i = indexOf.get(g * 2 + kind);
		return i === undefined ? null : agreementFigures(results[i]);
	};
	const breakdown = (names: string[], first: number): GroupAgreement[] =>
		names.flatMap((name, i) => {
			const g = first + i;
			if (rows[g * 2] < MIN_GROUP && rows[g * 2 + 1] < MIN_GROUP) return [];
			return [{ name, judgeHuman: figuresOf(g, 0), humanHuman: figuresOf(g, 1) }];
		});
	return {
		judgeHuman: figuresOf(0, 0),
		humanHuman: figuresOf(0, 1),
		humanPairs: rows[1],
		bySystem: breakdown(systems, 1),
		byCategory: breakdown(categories, 1 + systems.length)
	};
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
		const systems = [...new Set(comparisons.flatMap((c) => [c.systemA, c.systemB]))].sort();
		const categories = [...new Set(comparisons.map((c) => c.category).filter((c): c is string => c !== null))].sort();
		const figures = agreementBreakdowns(comparisons, systems, categories);
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
				humanPairs: figures.humanPairs
			},
			judgeHuman: figures.judgeHuman,
			humanHuman: figures.humanHuman,
			confusion:
				jh.x.length > 0
					? (confusionMatrix(jh.x, jh.y, PAIRWISE_SCALE) as { categories: PairwiseVote[]; matrix: number[][] })
					: null,
			bySystem: figures.bySystem,
			byCategory: figures.byCategory,
			disagreements: largestDisagreements(comparisons)
		};
	});
}
