/**
 * Leaderboard page: per system, its pairwise win rate (win 1, tie ½, loss 0 over
 * the comparisons it took part in) from humans alone and from the judge alone
 * (means with item-cluster percentile bootstrap intervals, `bootstrapCI`), and prediction-powered (PPI++, Angelopoulos, Duchi
 * & Zrnic 2023: the human labels plus the judge's verdicts on unlabelled
 * comparisons, cluster-robust by item); and Bradley–Terry strengths (Bradley &
 * Terry 1952) from human and from judge battles with bootstrap rank intervals
 * (Hall & Miller 2009). Systems whose rank intervals overlap share a tied rank.
 */
import {
	bootstrapCI,
	bradleyTerry,
	ppiMean,
	type Battle,
	type BradleyTerryResult,
	type PairwiseVote
} from '../../stats';
import type { Db } from '../db/client';
import type { Membership } from '../db/repositories/members';
import { cached, resolveDatasetRun, RESAMPLES, type Estimate, type RunSummary } from './analysis-common';
import { calibrationMapFor } from './analysis-calibration';
import { loadComparisons, type Comparison, type HumanSource } from './analysis-data';
import { pointwiseBoard, type PointwiseBoard } from './analysis-leaderboard-pointwise';
import { loadPointwiseScores, runRubric } from './analysis-scores';

export interface BoardRow {
	system: string;
	human: (Estimate & { n: number }) | null;
	judge: (Estimate & { n: number }) | null;
	ppi: (Estimate & { n: number; N: number; lambda: number; warnings: string[] }) | null;
}

export interface StrengthRow {
	system: string;
	rank: number;
	rankCi: [number, number] | null;
	/** Rank shown: the best rank whose interval overlaps this one's ("=2" when tied with 2). */
	tiedRank: number;
	tied: boolean;
	rating: number;
	ratingCi: [number, number] | null;
	battles: number;
}

export interface BradleyTerryBoard {
	rows: StrengthRow[];
	battles: number;
	warnings: string[];
	error: string | null;
}

export interface LeaderboardResult {
	dataset: { id: string; name: string };
	runs: RunSummary[];
	run: RunSummary | null;
	humanSource: HumanSource;
	rows: BoardRow[];
	bradleyTerry: { human: BradleyTerryBoard | null; judge: BradleyTerryBoard | null };
	/** Pointwise runs (and datasets with only pointwise labels): mean scores instead of win rates. */
	pointwise: PointwiseBoard | null;
	/**
	 * The run's rubric names categories: a category is nominal, so there is no mean score to rank
	 * by (a mean of category positions would be a number without meaning). The page says so and
	 * points to the agreement page, where categories are compared as categories.
	 */
	categoryRubric: boolean;
	/**
	 * The names of the rubric's categorical criteria (a label per answer, e.g. tone): they are not
	 * ranked for the same reason, and take no part in the mean score the board ranks by.
	 */
	categoricalCriteria: string[];
}

const scoreFor = (v: PairwiseVote, side: 'A' | 'B') => (v === 'tie' ? 0.5 : v === side ? 1 : 0);

/** Judge's score for one side: its soft preference when it has one, else its verdict. */
function judgeScore(c: Comparison, side: 'A' | 'B'): number | null {
	if (!c.judge) return null;
	if (c.judge.preference !== null) return side === 'B' ? c.judge.preference : 1 - c.judge.preference;
	return c.judge.verdict ? scoreFor(c.judge.verdict, side) : null;
}

function systemRow(system: string, comparisons: Comparison[]): BoardRow {
	const y: number[] = [];
	const yhatL: number[] = [];
	const keysL: string[] = [];
	const yhatU: number[] = [];
	const keysU: string[] = [];
	const humanOnly: number[] = [];
	const humanKeys: string[] = [];
	const judgeOnly: number[] = [];
	const judgeKeys: string[] = [];
	for (const c of comparisons) {
		const side = c.systemA === system ? 'A' : c.systemB === system ? 'B' : null;
		if (!side || c.systemA === c.systemB) continue;
		const j = judgeScore(c, side);
		if (j !== null) {
			judgeOnly.push(j);
			judgeKeys.push(c.itemId);
		}
		for (const h of c.humans) {
			humanOnly.push(scoreFor(h.verdict, side));
			humanKeys.push(c.itemId);
		}
		if (j === null) continue;
		if (c.humans.length > 0) {
			for (const h of c.humans) {
				y.push(scoreFor(h.verdict, side));
				yhatL.push(j);
				keysL.push(c.itemId);
			}
		} else {
			yhatU.push(j);
			keysU.push(c.itemId);
		}
	}
	const mean = (s: number[]) => s.reduce((a, b) => a + b, 0) / s.length;
	let human: BoardRow['human'] = null;
	if (humanOnly.length >= 1) {
		const r = guard(() => bootstrapCI(mean, humanOnly, { clusters: humanKeys, resamples: RESAMPLES, seed: 1 }));
		human = { estimate: mean(humanOnly), ci: r?.ci ?? null, n: humanOnly.length };
	}
	let judge: BoardRow['judge'] = null;
	if (judgeOnly.length >= 1) {
		const r = guard(() => bootstrapCI(mean, judgeOnly, { clusters: judgeKeys, resamples: RESAMPLES, seed: 1 }));
		judge = { estimate: mean(judgeOnly), ci: r?.ci ?? null, n: judgeOnly.length };
	}
	let ppi: BoardRow['ppi'] = null;
	if (y.length >= 2 && yhatU.length >= 1) {
		const r = guard(() =>
			ppiMean({
				labeled: { y, yhat: yhatL },
				unlabeled: { yhat: yhatU },
				clusters: { labeled: keysL, unlabeled: keysU }
			})
		);
		if (r) ppi = { estimate: r.estimate, ci: r.ci, n: r.n, N: r.N, lambda: r.lambda, warnings: r.warnings };
	}
	return { system, human, judge, ppi };
}

function guard<T>(f: () => T): T | null {
	try {
		return f();
	} catch (e) {
		if (e instanceof RangeError) return null;
		throw e;
	}
}

/**
 * Tied ranks from rank intervals: a system's shown rank is the smallest rank
 * among the systems whose intervals overlap its own (a 1-2 and a 1-3 both show
 * as 1, marked tied). Without intervals, the point rank.
 */
export function tiedRanks(players: BradleyTerryResult['players']): StrengthRow[] {
	return players.map((p) => {
		const mine = p.rankCi ?? [p.rank, p.rank];
		let best = p.rank;
		let tied = false;
		for (const q of players) {
			if (q === p) continue;
			const other = q.rankCi ?? [q.rank, q.rank];
			if (other[0] <= mine[1] && mine[0] <= other[1]) {
				tied = true;
				best = Math.min(best, q.rank);
			}
		}
		return {
			system: p.name,
			rank: p.rank,
			rankCi: p.rankCi,
			tiedRank: best,
			tied,
			rating: p.rating,
			ratingCi: p.ci?.rating ?? null,
			battles: p.battles
		};
	});
}

function board(battles: Battle[], clusters: string[]): BradleyTerryBoard | null {
	if (battles.length === 0) return null;
	const systems = new Set(battles.flatMap((b) => [b.a, b.b]));
	if (systems.size < 2) return null;
	const fit = (prior: number) => bradleyTerry(battles, { resamples: 200, seed: 1, clusters, prior });
	try {
		let r: BradleyTerryResult;
		try {
			r = fit(0);
		} catch (e) {
			// Not strongly connected (someone never lost, or groups never met): a small prior gives finite strengths.
			if (!(e instanceof RangeError)) throw e;
			r = fit(1);
		}
		return { rows: tiedRanks(r.players), battles: r.battles, warnings: r.warnings, error: null };
	} catch (e) {
		if (e instanceof RangeError) return { rows: [], battles: battles.length, warnings: [], error: e.message };
		throw e;
	}
}

export async function getLeaderboard(
	db: Db,
	membership: Membership,
	input: { datasetId: string; judgeRunId?: string; humanSource?: HumanSource }
): Promise<LeaderboardResult> {
	const humanSource = input.humanSource ?? 'all';
	const resolved = await resolveDatasetRun(db, membership, input.datasetId, input.judgeRunId);
	const { dataset, runs } = resolved;
	// No pairwise run to default to: a pointwise one, when the dataset has it.
	const run =
		resolved.run ?? (input.judgeRunId ? null : (runs.find((r) => r.mode === 'pointwise' && r.okCount > 0) ?? null));
	const rubric = run?.mode === 'pointwise' ? await runRubric(db, run.id) : null;
	const categoricalCriteria = rubric?.criteria.filter((c) => c.categories).map((c) => c.name) ?? [];
	if (rubric?.output.kind === 'categories')
		return {
			dataset,
			runs,
			run,
			humanSource,
			rows: [],
			bradleyTerry: { human: null, judge: null },
			pointwise: null,
			categoryRubric: true,
			categoricalCriteria
		};
	if (run?.mode === 'pointwise') {
		const board = await cached(db, 'leaderboard-pointwise', dataset.id, run.id, humanSource, async () => {
			const [answers, fit] = await Promise.all([
				loadPointwiseScores(db, { datasetId: dataset.id, runId: run.id, humanSource }),
				calibrationMapFor(db, dataset.id, run.id)
			]);
			return {
				dataset,
				runs,
				run,
				humanSource,
				rows: [],
				bradleyTerry: { human: null, judge: null },
				pointwise: pointwiseBoard(answers, fit),
				categoryRubric: false,
				categoricalCriteria: [] as string[]
			};
		});
		return { ...board, categoricalCriteria };
	}
	return cached(db, 'leaderboard', dataset.id, run?.id ?? null, humanSource, async () => {
		const comparisons = await loadComparisons(db, { datasetId: dataset.id, runId: run?.id ?? null, humanSource });
		const systems = [...new Set(comparisons.flatMap((c) => [c.systemA, c.systemB]))].sort();
		const rows = systems.map((s) => systemRow(s, comparisons));
		// Best first: PPI++ when there is one, else humans, else the judge.
		const key = (r: BoardRow) => r.ppi?.estimate ?? r.human?.estimate ?? r.judge?.estimate ?? -1;
		rows.sort((a, b) => key(b) - key(a) || a.system.localeCompare(b.system));
		const humanBattles: Battle[] = [];
		const humanClusters: string[] = [];
		const judgeBattles: Battle[] = [];
		const judgeClusters: string[] = [];
		const winner = (v: PairwiseVote) => (v === 'A' ? 'a' : v === 'B' ? 'b' : 'tie');
		for (const c of comparisons) {
			if (c.systemA === c.systemB) continue;
			for (const h of c.humans) {
				humanBattles.push({ a: c.systemA, b: c.systemB, winner: winner(h.verdict) });
				humanClusters.push(c.itemId);
			}
			if (c.judge?.verdict) {
				judgeBattles.push({ a: c.systemA, b: c.systemB, winner: winner(c.judge.verdict) });
				judgeClusters.push(c.itemId);
			}
		}
		return {
			dataset,
			runs,
			run,
			humanSource,
			rows,
			bradleyTerry: { human: board(humanBattles, humanClusters), judge: board(judgeBattles, judgeClusters) },
			pointwise: null,
			categoryRubric: false,
			categoricalCriteria: []
		};
	});
}
