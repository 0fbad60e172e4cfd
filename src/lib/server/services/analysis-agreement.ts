/**
 * Agreement page: judge ↔ human and human ↔ human on the same comparisons, side
 * by side (the human ↔ human figure is the ceiling a judge can be held to),
 * with per-system and per-category breakdowns, the confusion matrix and the
 * comparisons where they disagree most. Figures: `pairwiseAgreement` (MT-Bench
 * agreement with/without ties, Zheng et al. 2023; linear-weighted κ, Cohen
 * 1968; ordinal α, Krippendorff 2011; nominal κ and α beside them),
 * the confusion matrix (the judge ↔ human table those figures are computed on,
 * in `confusionMatrix`'s layout), and 95% percentile cluster-bootstrap intervals
 * over items, all on one shared draw of the items (`agreementBreakdowns`).
 * Pairwise runs only in this slice.
 *
 * The page reads its comparisons in dense form (`repo.loadAgreementRows` →
 * `denseComparisons` → `denseAgreementBreakdowns`): the same comparisons, labels
 * and order as `loadComparisons`, as numbers, so 100,000 labels cost no row
 * objects (bench:agreement).
 */
import {
	ClusterTablesBuilder,
	PAIRWISE_SCALE,
	sharedClusterBootstrap,
	sharedClusterBootstrapAsync,
	type PairwiseVote,
	type ResampleOffload,
	type TableStatistic,
	type TableStatisticResult
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
import { denseComparisons, type Comparison, type HumanSource } from './analysis-data';
import { offloadResamples } from '../stats-worker';

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
 * The comparisons as `agreementBreakdowns` reads them: per comparison its item, systems (indices of
 * `systems`), category (index of `categories`, −1 for none), judge verdict (CODE, −1 for none) and
 * labels (labelStart[n] … labelStart[n + 1] − 1: verdict CODE + 3 × gold + 6 × annotator number).
 */
export interface BreakdownInput {
	count: number;
	/** Any numbering of the items (≥ 0; −1 only for a comparison without labels). */
	item: Int32Array;
	systemA: Int32Array;
	systemB: Int32Array;
	category: Int32Array;
	judge: Int8Array;
	labelStart: Int32Array;
	labelCode: Int32Array;
}

/** `BreakdownInput` of comparison objects (annotators numbered in order of appearance). */
export function breakdownInput(
	comparisons: readonly Comparison[],
	systems: readonly string[],
	categories: readonly string[]
): BreakdownInput {
	const count = comparisons.length;
	const systemIndex = new Map(systems.map((s, i) => [s, i]));
	const categoryIndex = new Map(categories.map((c, i) => [c, i]));
	const items = new Map<string, number>();
	const annotators = new Map<string, number>();
	const input: BreakdownInput = {
		count,
		item: new Int32Array(count),
		systemA: new Int32Array(count),
		systemB: new Int32Array(count),
		category: new Int32Array(count),
		judge: new Int8Array(count),
		labelStart: new Int32Array(count + 1),
		labelCode: new Int32Array(comparisons.reduce((s, c) => s + c.humans.length, 0))
	};
	let l = 0;
	comparisons.forEach((c, n) => {
		let item = items.get(c.itemId);
		if (item === undefined) items.set(c.itemId, (item = items.size));
		input.item[n] = item;
		input.systemA[n] = systemIndex.get(c.systemA)!;
		input.systemB[n] = systemIndex.get(c.systemB)!;
		input.category[n] = c.category === null ? -1 : categoryIndex.get(c.category)!;
		input.judge[n] = c.judge?.verdict ? CODE[c.judge.verdict] : -1;
		for (const h of c.humans) {
			let who = annotators.get(h.annotator);
			if (who === undefined) annotators.set(h.annotator, (who = annotators.size));
			input.labelCode[l++] = CODE[h.verdict] + (h.kind === 'gold' ? 3 : 0) + 6 * who;
		}
		input.labelStart[n + 1] = l;
	});
	return input;
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
	const { judgeHuman, humanHuman, humanPairs, bySystem, byCategory } = denseAgreementBreakdowns(
		breakdownInput(comparisons, systems, categories),
		systems,
		categories
	);
	return { judgeHuman, humanHuman, humanPairs, bySystem, byCategory };
}

/** `agreementBreakdowns` on the dense form; also the judge ↔ human table of every pair (the confusion matrix). */
export function denseAgreementBreakdowns(
	input: BreakdownInput,
	systems: readonly string[],
	categories: readonly string[]
) {
	const plan = breakdownPlan(input, systems, categories);
	return plan.figures(sharedClusterBootstrap(plan.tables, plan.statistics, plan.options));
}

/** `denseAgreementBreakdowns` with 45 % of the resamples summed by `offload` (a worker thread): equal figures. */
export async function denseAgreementBreakdownsAsync(
	input: BreakdownInput,
	systems: readonly string[],
	categories: readonly string[],
	offload: ResampleOffload
) {
	const plan = breakdownPlan(input, systems, categories);
	return plan.figures(await sharedClusterBootstrapAsync(plan.tables, plan.statistics, plan.options, offload));
}

/** The breakdowns' tables and statistics, and how their bootstrap results become the figures. */
function breakdownPlan(input: BreakdownInput, systems: readonly string[], categories: readonly string[]) {
	const { count, item: itemOfComparison, systemA, systemB, category, judge, labelStart, labelCode } = input;
	const S = systems.length;
	// Groups: 0 = overall, then each system, then each category.
	const groups = 1 + S + categories.length;
	const groupsOf = (n: number) => {
		const list = [0, 1 + systemA[n]];
		if (systemB[n] !== systemA[n]) list.push(1 + systemB[n]);
		if (category[n] >= 0) list.push(1 + S + category[n]);
		return list;
	};
	// Per comparison with pairs: its item (numbered in order of first use), its cell, and its two
	// tables (judge ↔ human, human ↔ human) in `tables`, 18 cells per used comparison.
	let maxItem = -1;
	for (let n = 0; n < count; n++) if (itemOfComparison[n] > maxItem) maxItem = itemOfComparison[n];
	const itemNumber = new Int32Array(maxItem + 1).fill(-1);
	let items = 0;
	const usedComparison = new Int32Array(count);
	const usedItem = new Int32Array(count);
	const usedCell = new Int32Array(count);
	const tables = new Float64Array(count * 18);
	const cells = new Map<number, number>();
	const cellComparison: number[] = [];
	let used = 0;
	const humans: number[] = [];
	for (let n = 0; n < count; n++) {
		const t = used * 18;
		let pairs = 0;
		const j = judge[n];
		const from = labelStart[n];
		const to = labelStart[n + 1];
		if (j >= 0) {
			for (let l = from; l < to; l++) tables[t + j * 3 + (labelCode[l] % 3)]++;
			pairs += to - from;
		}
		// Human ↔ human: pairs of labels by different annotators. Gold labels are left out: an
		// adjudicated label is made from the others, so pairing it with them would inflate the ceiling.
		humans.length = 0;
		for (let l = from; l < to; l++) if (labelCode[l] % 6 < 3) humans.push(labelCode[l]);
		for (let a = 0; a < humans.length; a++)
			for (let b = a + 1; b < humans.length; b++)
				if (humans[a] - (humans[a] % 6) !== humans[b] - (humans[b] % 6)) {
					tables[t + 9 + (humans[a] % 3) * 3 + (humans[b] % 3)]++;
					pairs++;
				}
		if (pairs === 0) {
			tables.fill(0, t, t + 18);
			continue;
		}
		const i = itemOfComparison[n];
		if (itemNumber[i] < 0) itemNumber[i] = items++;
		const s1 = Math.min(systemA[n], systemB[n]);
		const s2 = Math.max(systemA[n], systemB[n]);
		const key = ((category[n] + 1) * S + s1) * S + s2;
		let cell = cells.get(key);
		if (cell === undefined) {
			cells.set(key, (cell = cells.size));
			cellComparison.push(n);
		}
		usedComparison[used] = n;
		usedItem[used] = itemNumber[i];
		usedCell[used] = cell;
		used++;
	}
	// Summing a cell into its ≤ 4 groups costs 4 × 18 per resample; adding a comparison directly
	// to its groups costs about 4 × its non-zero cells for the ~63% of items a resample draws.
	const byCells = cells.size > 0 && cells.size * 4 <= used;
	const slots = byCells ? cells.size : groups;
	const rows = new Float64Array(groups * 2);
	const confusion = new Float64Array(9);
	const parts: number[][] = Array.from({ length: groups }, () => []);
	let entries = 0;
	for (let c = 0; c < used * 18; c++) if (tables[c] !== 0) entries++;
	const builder = new ClusterTablesBuilder(slots * 18, Math.max(1, byCells ? entries : 4 * entries));
	if (byCells) cellComparison.forEach((n, cell) => groupsOf(n).forEach((g) => parts[g].push(cell * 18)));
	else for (let g = 0; g < groups; g++) parts[g].push(g * 18);
	const groupsOfCell = byCells ? cellComparison.map(groupsOf) : [];
	for (let u = 0; u < used; u++) {
		const t = u * 18;
		const list = byCells ? groupsOfCell[usedCell[u]] : groupsOf(usedComparison[u]);
		for (const g of list) for (let c = 0; c < 18; c++) rows[g * 2 + (c < 9 ? 0 : 1)] += tables[t + c];
		for (let c = 0; c < 9; c++) confusion[c] += tables[t + c];
		if (byCells) {
			const base = usedCell[u] * 18;
			for (let c = 0; c < 18; c++) if (tables[t + c] !== 0) builder.add(usedItem[u], base + c, tables[t + c]);
		} else
			for (const slot of list)
				for (let c = 0; c < 18; c++) if (tables[t + c] !== 0) builder.add(usedItem[u], slot * 18 + c, tables[t + c]);
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
	const figures = (results: TableStatisticResult[]) => {
		const figuresOf = (g: number, kind: number) => {
			const i = indexOf.get(g * 2 + kind);
			return i === undefined ? null : agreementFigures(results[i]);
		};
		const breakdown = (names: readonly string[], first: number): GroupAgreement[] =>
			names.flatMap((name, i) => {
				const g = first + i;
				if (rows[g * 2] < MIN_GROUP && rows[g * 2 + 1] < MIN_GROUP) return [];
				return [{ name, judgeHuman: figuresOf(g, 0), humanHuman: figuresOf(g, 1) }];
			});
		return {
			judgeHuman: figuresOf(0, 0),
			humanHuman: figuresOf(0, 1),
			humanPairs: rows[1],
			/** Judge (rows) × human (columns) over every judge ↔ human pair, cell CODE[judge] * 3 + CODE[human]. */
			confusion,
			bySystem: breakdown(systems, 1),
			byCategory: breakdown(categories, 1 + S)
		};
	};
	// Patterns of whole slots (a comparison's two tables, 18 columns): half the weights per draw.
	return { tables: builder.build(items), statistics, options: { seed: 1, blockWidth: 18 }, figures };
}

const POSITION: Record<PairwiseVote, number> = { A: 0, tie: 1, B: 2 };

/** Mean distance of the human labels from the judge's verdict on A < tie < B (0 = all agree, 1 = all opposite). */
export function judgeHumanDistance(judge: PairwiseVote, humans: readonly { verdict: PairwiseVote }[]): number {
	let distance = 0;
	for (const h of humans) distance += Math.abs(POSITION[h.verdict] - POSITION[judge]) / 2;
	return humans.length ? distance / humans.length : 0;
}

/** Most confident disagreement first: distance, then how many humans said so, then the item's id. */
const byDisagreement = (a: Disagreement, b: Disagreement) =>
	b.distance - a.distance ||
	b.humans.A + b.humans.B + b.humans.tie - (a.humans.A + a.humans.B + a.humans.tie) ||
	a.externalId.localeCompare(b.externalId);

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
	list.sort(byDisagreement);
	return list.slice(0, limit);
}

/**
 * `largestDisagreements` on the dense comparisons: the same list. Only the comparisons whose
 * (distance, humans) reach the limit-th largest can be among the first `limit` (the order compares
 * those two first), so only they become objects and are sorted (a stable sort, as the full one).
 */
export function denseLargestDisagreements(
	d: Pick<BreakdownInput, 'count' | 'judge' | 'labelStart' | 'labelCode'>,
	names: ComparisonNames,
	limit = 20
): Disagreement[] {
	const { count, judge, labelStart, labelCode } = d;
	const candidate: number[] = [];
	const distanceOf = new Float64Array(count);
	for (let n = 0; n < count; n++) {
		const j = judge[n];
		const from = labelStart[n];
		const to = labelStart[n + 1];
		if (j < 0 || to === from) continue;
		// judgeHumanDistance, term by term in label order.
		let distance = 0;
		for (let l = from; l < to; l++) distance += Math.abs((labelCode[l] % 3) - j) / 2;
		distance /= to - from;
		if (distance === 0) continue;
		distanceOf[n] = distance;
		candidate.push(n);
	}
	const humansOf = (n: number) => labelStart[n + 1] - labelStart[n];
	const rank = (a: number, b: number) => distanceOf[b] - distanceOf[a] || humansOf(b) - humansOf(a);
	let chosen = candidate;
	if (candidate.length > limit) {
		const byRank = [...candidate].sort(rank);
		const last = byRank[limit - 1];
		chosen = candidate.filter((n) => rank(n, last) <= 0);
	}
	const list = chosen.map((n): Disagreement => {
		const humans: Record<PairwiseVote, number> = { A: 0, tie: 0, B: 0 };
		for (let l = labelStart[n]; l < labelStart[n + 1]; l++) humans[PAIRWISE_SCALE[labelCode[l] % 3]]++;
		return {
			itemId: names.itemId(n),
			externalId: names.externalId(n),
			systemA: names.systemA(n),
			systemB: names.systemB(n),
			judge: PAIRWISE_SCALE[judge[n]],
			humans,
			distance: distanceOf[n]
		};
	});
	list.sort(byDisagreement);
	return list.slice(0, limit);
}

/** Names of a dense comparison's item and systems. */
export interface ComparisonNames {
	itemId(n: number): string;
	externalId(n: number): string;
	systemA(n: number): string;
	systemB(n: number): string;
}

export async function getAgreement(db: Db, membership: Membership, input: AgreementInput): Promise<AgreementResult> {
	const humanSource = input.humanSource ?? 'all';
	const { dataset, runs, run } = await resolveDatasetRun(db, membership, input.datasetId, input.judgeRunId);
	return cached(db, 'agreement', dataset.id, run?.id ?? null, humanSource, async () => {
		const rows = await repo.loadAgreementRows(db, { datasetId: dataset.id, runId: run?.id ?? null, kind: humanSource });
		const { labelKinds } = rows;
		return { dataset, runs, run, humanSource, labelKinds, ...(await agreementOfRows(rows, offloadResamples)) };
	});
}

/** The page's figures from its packed inputs (everything but the dataset, runs and filters). */
export async function agreementOfRows(
	rows: repo.AgreementRows,
	offload?: ResampleOffload
): Promise<Omit<AgreementResult, 'dataset' | 'runs' | 'run' | 'humanSource' | 'labelKinds'>> {
	const d = denseComparisons(rows);
	const itemOfAnswer = (a: number) => rows.items[rows.answerItem[a]];
	const names: ComparisonNames = {
		itemId: (n) => rows.items[d.item[n]].id,
		externalId: (n) => itemOfAnswer(d.answerA[n]).externalId,
		systemA: (n) => rows.systems[rows.answerSystem[d.answerA[n]]],
		systemB: (n) => rows.systems[rows.answerSystem[d.answerB[n]]]
	};
	// Systems and categories of every comparison, sorted as strings (as the comparison objects' were).
	const systemSeen = new Uint8Array(rows.systems.length);
	const categorySet = new Set<string>();
	for (let n = 0; n < d.count; n++) {
		systemSeen[rows.answerSystem[d.answerA[n]]] = 1;
		systemSeen[rows.answerSystem[d.answerB[n]]] = 1;
		const category = itemOfAnswer(d.answerA[n]).category;
		if (category !== null) categorySet.add(category);
	}
	const systems = rows.systems.filter((_, s) => systemSeen[s]).sort();
	const categories = [...categorySet].sort();
	const systemIndex = new Map(systems.map((s, i) => [s, i]));
	const categoryIndex = new Map(categories.map((c, i) => [c, i]));
	const systemOf = rows.systems.map((s) => systemIndex.get(s) ?? -1);
	const input: BreakdownInput = {
		count: d.count,
		item: d.item,
		systemA: d.answerA.map((a) => systemOf[rows.answerSystem[a]]),
		systemB: d.answerB.map((b) => systemOf[rows.answerSystem[b]]),
		category: d.answerA.map((a) => {
			const category = itemOfAnswer(a).category;
			return category === null ? -1 : categoryIndex.get(category)!;
		}),
		judge: d.judge,
		labelStart: d.labelStart,
		labelCode: d.labelCode
	};
	const figures = offload
		? await denseAgreementBreakdownsAsync(input, systems, categories, offload)
		: denseAgreementBreakdowns(input, systems, categories);
	let judged = 0;
	let labelled = 0;
	let both = 0;
	for (let n = 0; n < d.count; n++) {
		const j = d.judge[n] >= 0;
		const l = d.labelStart[n + 1] > d.labelStart[n];
		if (j) judged++;
		if (l) labelled++;
		if (j && l) both++;
	}
	const t = figures.confusion;
	return {
		counts: { judged, labelled, both, humanPairs: figures.humanPairs },
		judgeHuman: figures.judgeHuman,
		humanHuman: figures.humanHuman,
		// The judge ↔ human pairs counted by verdicts (confusionMatrix's layout: rows judge, columns human).
		confusion:
			figures.judgeHuman !== null
				? {
						categories: [...PAIRWISE_SCALE],
						matrix: [0, 1, 2].map((r) => [t[r * 3], t[r * 3 + 1], t[r * 3 + 2]])
					}
				: null,
		bySystem: figures.bySystem,
		byCategory: figures.byCategory,
		disagreements: denseLargestDisagreements(d, names)
	};
}
