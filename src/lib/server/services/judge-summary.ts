/**
 * A live run's summary per system. The run page reads it from PostgreSQL
 * (repositories/judge-runs.ts summaryAggregates: GROUP BY, so a run of a million judgments never
 * comes into Node); `summariseRun` below is the same summary over judgment rows in memory, kept as
 * the plain statement of the rules that the SQL is tested against (test/integration/judging).
 *
 * Samples of one unit are aggregated with aggregateSamples (majority / mean, red lines); the two
 * orders of a pair with combineOrders (Zheng et al. 2023, §3.4: a verdict that does not survive
 * the swap is a tie, marked inconsistent). Determinism is the share of units with k ≥ 2 samples
 * whose samples all agree. Judge seconds per item = the judge's call time spent on the system's
 * items (cached replies count their original latency) / the number of those items.
 */
import { aggregateSamples, combineOrders, type Aggregate, type SampleOutcome } from '../../judging/aggregate';
import type { PairwiseWinner, RubricContent } from '../../judging/types';
import type { PresentedOrder, JudgmentStatus, Verdict } from '../db/schema';
import type { SummarySpec, SummarySystemRow } from '../db/repositories/judge-runs';

/** One judgment row with the systems judged: what `summariseRun` aggregates in memory. */
export interface SummaryRow {
	itemId: string;
	answerAId: string;
	answerBId: string | null;
	systemA: string;
	systemB: string | null;
	order: PresentedOrder | null;
	sample: number;
	turn: number;
	status: JudgmentStatus;
	verdict: Verdict | null;
	score: number | null;
	criteria: Record<string, number> | null;
	category: string | null;
	flagged: boolean;
	inputTokens: number | null;
	outputTokens: number | null;
	cost: number | null;
	latencyMs: number | null;
	cached: boolean | null;
}

export interface SystemSummary {
	systemId: string;
	systemName: string;
	judgments: number;
	ok: number;
	abstained: number;
	unparseable: number;
	failed: number;
	pending: number;
	/** Pointwise score rubrics: mean of the per-unit aggregated scores (after red lines). */
	meanScore: number | null;
	/** Pointwise category rubrics: units per majority category. */
	categories: Record<string, number> | null;
	/** Pairwise: final verdicts per pair (both orders combined when judged). */
	wins: number | null;
	losses: number | null;
	ties: number | null;
	/** Pairwise pairs whose two orders disagreed (counted as ties). */
	inconsistentPairs: number | null;
	/** Units failing at least one red-line criterion. */
	redLineFailures: number;
	inputTokens: number;
	outputTokens: number;
	cost: number;
	judgeSecondsPerItem: number | null;
}

export interface RunSummary {
	systems: SystemSummary[];
	/** Units with ≥ 2 samples whose samples all agree, as a share of those units; null with k = 1. */
	determinism: number | null;
	unitsWithSamples: number;
	flaggedAnswers: number;
	inconsistentPairs: number | null;
	pairsJudgedBothOrders: number | null;
}

function outcomeOfRow(r: SummaryRow): SampleOutcome | null {
	switch (r.status) {
		case 'ok':
			if (r.verdict) return { kind: 'pairwise', winner: r.verdict };
			if (r.score !== null) return { kind: 'score', score: r.score, criteria: r.criteria ?? {} };
			if (r.category !== null) return { kind: 'category', category: r.category };
			return { kind: 'failed', reason: 'no verdict stored' };
		case 'abstained':
			return { kind: 'abstain', reason: 'abstained' };
		case 'unparseable':
		case 'failed':
			return { kind: 'failed', reason: r.status };
		default:
			return null;
	}
}

function emptySystem(systemId: string, systemName: string, pairwise: boolean): SystemSummary {
	return {
		systemId,
		systemName,
		judgments: 0,
		ok: 0,
		abstained: 0,
		unparseable: 0,
		failed: 0,
		pending: 0,
		meanScore: null,
		categories: null,
		wins: pairwise ? 0 : null,
		losses: pairwise ? 0 : null,
		ties: pairwise ? 0 : null,
		inconsistentPairs: pairwise ? 0 : null,
		redLineFailures: 0,
		inputTokens: 0,
		outputTokens: 0,
		cost: 0,
		judgeSecondsPerItem: null
	};
}

export function summariseRun(
	rubric: RubricContent,
	rows: SummaryRow[],
	names: Map<string, string>,
	flaggedAnswers: number
): RunSummary {
	const pairwise = rubric.mode === 'pairwise';
	const systems = new Map<string, SystemSummary>();
	const sys = (id: string) => {
		let s = systems.get(id);
		if (!s) systems.set(id, (s = emptySystem(id, names.get(id) ?? id, pairwise)));
		return s;
	};
	const latency = new Map<string, { ms: number; items: Set<string> }>();
	// Units: the samples of one (item, answers, order, turn).
	const units = new Map<string, { row: SummaryRow; outcomes: SampleOutcome[] }>();
	for (const r of rows) {
		const involved = r.systemB ? [r.systemA, r.systemB] : [r.systemA];
		for (const id of involved) {
			const s = sys(id);
			s.judgments++;
			if (r.status === 'ok') s.ok++;
			else if (r.status === 'abstained') s.abstained++;
			else if (r.status === 'unparseable') s.unparseable++;
			else if (r.status === 'failed') s.failed++;
			else s.pending++;
			s.inputTokens += r.inputTokens ?? 0;
			s.outputTokens += r.outputTokens ?? 0;
			s.cost += r.cost ?? 0;
			const l = latency.get(id) ?? { ms: 0, items: new Set<string>() };
			if (r.latencyMs !== null) {
				l.ms += r.latencyMs;
				l.items.add(r.itemId);
			}
			latency.set(id, l);
		}
		const outcome = outcomeOfRow(r);
		if (!outcome) continue;
		const key = `${r.itemId}|${r.answerAId}|${r.answerBId ?? ''}|${r.order ?? ''}|${r.turn}`;
		const unit = units.get(key) ?? { row: r, outcomes: [] };
		unit.outcomes.push(outcome);
		units.set(key, unit);
	}
	for (const [id, l] of latency) if (l.items.size > 0) sys(id).judgeSecondsPerItem = l.ms / 1000 / l.items.size;

	let sampled = 0;
	let unanimous = 0;
	const aggregates = new Map<string, { row: SummaryRow; agg: Aggregate }>();
	const scores = new Map<string, number[]>();
	for (const [key, unit] of units) {
		const agg = aggregateSamples(rubric, unit.outcomes);
		aggregates.set(key, { row: unit.row, agg });
		if (agg.status === 'ok' && agg.n >= 2) {
			sampled++;
			if (agg.unanimous) unanimous++;
		}
		if (agg.status !== 'ok' || pairwise) continue;
		const s = sys(unit.row.systemA);
		if (agg.kind === 'score') {
			scores.set(s.systemId, [...(scores.get(s.systemId) ?? []), agg.score]);
			if (agg.redLineFailures.length > 0) s.redLineFailures++;
		} else {
			s.categories ??= {};
			s.categories[agg.label] = (s.categories[agg.label] ?? 0) + 1;
		}
	}
	for (const [id, values] of scores) sys(id).meanScore = values.reduce((a, b) => a + b, 0) / values.length;

	let inconsistent: number | null = null;
	let bothOrders: number | null = null;
	if (pairwise) {
		inconsistent = 0;
		bothOrders = 0;
		const pairs = new Map<string, { row: SummaryRow; ab: Aggregate | null; ba: Aggregate | null }>();
		for (const { row, agg } of aggregates.values()) {
			const key = `${row.itemId}|${row.answerAId}|${row.answerBId}|${row.turn}`;
			const pair = pairs.get(key) ?? { row, ab: null, ba: null };
			if (row.order === 'ba') pair.ba = agg;
			else pair.ab = agg;
			pairs.set(key, pair);
		}
		for (const { row, ab, ba } of pairs.values()) {
			const combined = combineOrders(ab, ba);
			if (combined.orders === 2) bothOrders++;
			if (!combined.verdict || !row.systemB) continue;
			const a = sys(row.systemA);
			const b = sys(row.systemB);
			const tally = (w: PairwiseWinner) => {
				if (w === 'tie') {
					a.ties!++;
					b.ties!++;
				} else {
					const [winner, loser] = w === 'A' ? [a, b] : [b, a];
					winner.wins!++;
					loser.losses!++;
				}
			};
			tally(combined.verdict);
			if (combined.consistent === false) {
				inconsistent++;
				a.inconsistentPairs!++;
				b.inconsistentPairs!++;
			}
		}
	}
	return {
		systems: [...systems.values()].sort((x, y) => x.systemName.localeCompare(y.systemName)),
		determinism: sampled > 0 ? unanimous / sampled : null,
		unitsWithSamples: sampled,
		flaggedAnswers,
		inconsistentPairs: inconsistent,
		pairsJudgedBothOrders: bothOrders
	};
}

/** The rubric facts the SQL summary needs (aggregateScores' and overallFromCriteria's inputs). */
export function summarySpecOf(rubric: RubricContent): SummarySpec {
	return {
		pairwise: rubric.mode === 'pairwise',
		categories: rubric.output.kind === 'categories' ? rubric.output.categories : [],
		// Categorical criteria (label indexes) take no part in the overall score or red lines.
		criteria: rubric.criteria
			.filter((c) => !c.categories)
			.map((c) => ({
				id: c.id,
				min: c.scale.min,
				max: c.scale.max,
				redLine: c.redLine === true,
				passMin: c.passMin ?? null
			})),
		scale: rubric.output.kind === 'score' ? rubric.output.scale : { min: 0, max: 1 },
		redLineFloor: rubric.output.kind === 'score' ? rubric.output.scale.min : null
	};
}

/** The SQL rows (one per system, run-level figures on each) as the summary the pages show. */
export function summaryFromAggregates(pairwise: boolean, rows: SummarySystemRow[], flaggedAnswers: number): RunSummary {
	const systems = rows
		.filter((r): r is SummarySystemRow & { systemId: string } => r.systemId !== null)
		.map((r): SystemSummary => ({
			systemId: r.systemId,
			systemName: r.systemName ?? r.systemId,
			judgments: r.judgments,
			ok: r.ok,
			abstained: r.abstained,
			unparseable: r.unparseable,
			failed: r.failed,
			pending: r.pending,
			meanScore: r.meanScore,
			categories: r.categories,
			wins: pairwise ? r.wins : null,
			losses: pairwise ? r.losses : null,
			ties: pairwise ? r.ties : null,
			inconsistentPairs: pairwise ? r.inconsistentPairs : null,
			redLineFailures: r.redLineFailures,
			inputTokens: r.inputTokens,
			outputTokens: r.outputTokens,
			cost: r.cost,
			judgeSecondsPerItem: r.timedItems > 0 && r.latencyMs !== null ? r.latencyMs / 1000 / r.timedItems : null
		}))
		.sort((x, y) => x.systemName.localeCompare(y.systemName));
	const run = rows[0];
	return {
		systems,
		determinism: run && run.sampledUnits > 0 ? run.unanimousUnits / run.sampledUnits : null,
		unitsWithSamples: run?.sampledUnits ?? 0,
		flaggedAnswers,
		inconsistentPairs: pairwise ? (run?.runInconsistentPairs ?? 0) : null,
		pairsJudgedBothOrders: pairwise ? (run?.pairsBothOrders ?? 0) : null
	};
}
