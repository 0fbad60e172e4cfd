/**
 * Aggregation of judge replies into one verdict per judged unit (an answer, or a pair):
 * - presented positions → answer terms (a `ba` call's "A" is answer B);
 * - k samples of one call: majority for categories, mean for scores, the spread kept as the
 *   unit's uncertainty and whether all samples agree (determinism of the judge);
 * - both orders of a pair: agreeing verdicts stand, disagreeing ones become a tie marked
 *   inconsistent (Zheng et al., "Judging LLM-as-a-Judge with MT-Bench and Chatbot Arena",
 *   NeurIPS 2023, §3.4 "swap positions": a verdict counts only when it survives the swap);
 * - red lines: a criterion below its passMin fails the answer whatever the other scores.
 * Abstentions and failed calls are counted, never folded into a verdict.
 */
import { overallFromCriteria } from './parse-verdict';
import type { PairwiseWinner, ParsedVerdict, PresentedOrder, RubricContent } from './types';

/** One sample's outcome in ANSWER terms. */
export type SampleOutcome =
	| { kind: 'pairwise'; winner: PairwiseWinner }
	| { kind: 'score'; score: number; criteria: Record<string, number> }
	| { kind: 'category'; category: string }
	| { kind: 'abstain'; reason: string }
	| { kind: 'failed'; reason: string };

/** A verdict given in presented positions, in answer terms: under `ba`, A and B swap. */
export function toAnswerTerms(winner: PairwiseWinner, order: PresentedOrder): PairwiseWinner {
	if (order === 'ab' || winner === 'tie') return winner;
	return winner === 'A' ? 'B' : 'A';
}

/** A parsed reply of a call made in `order`, as a sample outcome in answer terms. */
export function outcomeOf(parsed: ParsedVerdict, order: PresentedOrder): SampleOutcome {
	if (!parsed.ok) return { kind: 'failed', reason: parsed.reason };
	switch (parsed.kind) {
		case 'pairwise':
			return { kind: 'pairwise', winner: toAnswerTerms(parsed.winner, order) };
		case 'score':
			return { kind: 'score', score: parsed.score, criteria: parsed.criteria };
		case 'category':
			return { kind: 'category', category: parsed.category };
		case 'abstain':
			return { kind: 'abstain', reason: parsed.reason };
	}
}

export interface SampleCounts {
	/** All samples. */
	n: number;
	/** Samples with a verdict. */
	valid: number;
	abstained: number;
	failed: number;
}

export interface ScoreSummary {
	mean: number;
	/** Sample standard deviation (n − 1 denominator); 0 for one sample. */
	sd: number;
	min: number;
	max: number;
}

/** The aggregate of k samples of one judged unit. */
export type Aggregate =
	| (SampleCounts & {
			status: 'ok';
			kind: 'pairwise' | 'category';
			/** Majority label (pairwise: in answer terms). */
			label: string;
			/** Votes per label among valid samples. */
			counts: Record<string, number>;
			/** Uncertainty: share of valid samples NOT voting for the majority label. */
			disagreement: number;
			/** Two or more labels shared the top count (pairwise → tie; categories → first in rubric order). */
			split: boolean;
			/** Every valid sample gave the same label. */
			unanimous: boolean;
	  })
	| (SampleCounts & {
			status: 'ok';
			kind: 'score';
			/** Overall score after red lines: the scale minimum when a red line failed. */
			score: number;
			/** Overall score from the criterion means (or the mean score) before red lines. */
			rawScore: number;
			/** Spread of the overall score over samples (uncertainty). */
			spread: ScoreSummary;
			/** Per-criterion mean and spread, empty without criteria. */
			criteria: Record<string, ScoreSummary>;
			/** Red-line criteria whose mean fell below passMin. */
			redLineFailures: string[];
			passed: boolean;
			unanimous: boolean;
	  })
	| (SampleCounts & { status: 'abstain' | 'failed'; reasons: string[] });

export function summarise(values: number[]): ScoreSummary {
	const n = values.length;
	const mean = values.reduce((a, b) => a + b, 0) / n;
	const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
	return { mean, sd, min: Math.min(...values), max: Math.max(...values) };
}

/**
 * k samples of a categorical criterion (label indexes): `mean` is the MAJORITY index (a split goes
 * to the first label in rubric order, as category rubrics break it), never an average of codes;
 * `sd` is the share of samples not voting for it (the categories' disagreement); min/max the codes seen.
 */
export function summariseLabels(values: number[]): ScoreSummary {
	const votes = new Map<number, number>();
	for (const v of values) votes.set(v, (votes.get(v) ?? 0) + 1);
	let majority = values[0];
	for (const [code, n] of votes) {
		const best = votes.get(majority) ?? 0;
		if (n > best || (n === best && code < majority)) majority = code;
	}
	return {
		mean: majority,
		sd: 1 - (votes.get(majority) ?? 0) / values.length,
		min: Math.min(...values),
		max: Math.max(...values)
	};
}

/**
 * Stored criteria as people read them: a categorical criterion's value (the label's index, see
 * ARCHITECTURE "Categorical criteria") becomes its label; numeric criteria, unknown keys and an
 * index outside the list stay as stored. For displays; analysis works on the stored codes.
 */
export function labelledCriteria(
	rubric: Pick<RubricContent, 'criteria'>,
	criteria: Record<string, number>
): Record<string, number | string> {
	const labels = new Map(rubric.criteria.flatMap((c) => (c.categories ? [[c.id, c.categories] as const] : [])));
	if (labels.size === 0) return criteria;
	return Object.fromEntries(Object.entries(criteria).map(([id, value]) => [id, labels.get(id)?.[value] ?? value]));
}

/** Red-line criteria whose score is below their passMin. */
export function redLineFailures(rubric: RubricContent, criteria: Record<string, number>): string[] {
	return rubric.criteria
		.filter((c) => c.redLine && c.passMin !== undefined && criteria[c.id] !== undefined && criteria[c.id] < c.passMin)
		.map((c) => c.id);
}

/**
 * Aggregate the k samples of one unit (one answer, or one pair in one order).
 * Abstentions outvoting the verdicts (more abstentions than valid samples) make the unit an
 * abstention; no valid sample and no abstention makes it failed.
 */
export function aggregateSamples(rubric: RubricContent, samples: SampleOutcome[]): Aggregate {
	const counts: SampleCounts = {
		n: samples.length,
		valid: samples.filter((s) => s.kind !== 'abstain' && s.kind !== 'failed').length,
		abstained: samples.filter((s) => s.kind === 'abstain').length,
		failed: samples.filter((s) => s.kind === 'failed').length
	};
	const reasons = samples.flatMap((s) => (s.kind === 'abstain' || s.kind === 'failed' ? [s.reason] : []));
	if (counts.valid === 0 || counts.abstained > counts.valid) {
		return { ...counts, status: counts.abstained > 0 ? 'abstain' : 'failed', reasons };
	}
	const scores = samples.filter((s) => s.kind === 'score');
	if (scores.length > 0) return aggregateScores(rubric, scores, counts);

	const labels = samples.flatMap((s) =>
		s.kind === 'pairwise' ? [s.winner] : s.kind === 'category' ? [s.category] : []
	);
	const votes: Record<string, number> = {};
	for (const label of labels) votes[label] = (votes[label] ?? 0) + 1;
	const top = Math.max(...Object.values(votes));
	const leaders = Object.keys(votes).filter((l) => votes[l] === top);
	const pairwise = rubric.mode === 'pairwise';
	const order = rubric.output.kind === 'categories' ? rubric.output.categories : [];
	const label =
		leaders.length === 1
			? leaders[0]
			: pairwise
				? 'tie'
				: [...leaders].sort((a, b) => order.indexOf(a) - order.indexOf(b))[0];
	return {
		...counts,
		status: 'ok',
		kind: pairwise ? 'pairwise' : 'category',
		label,
		counts: votes,
		disagreement: 1 - (votes[label] ?? 0) / labels.length,
		split: leaders.length > 1,
		unanimous: leaders.length === 1 && top === labels.length
	};
}

function aggregateScores(
	rubric: RubricContent,
	scores: Extract<SampleOutcome, { kind: 'score' }>[],
	counts: SampleCounts
): Aggregate {
	const criteria: Record<string, ScoreSummary> = {};
	for (const c of rubric.criteria) {
		const values = scores.map((s) => s.criteria[c.id]).filter((v) => v !== undefined);
		if (values.length > 0) criteria[c.id] = c.categories ? summariseLabels(values) : summarise(values);
	}
	const means = Object.fromEntries(Object.entries(criteria).map(([id, s]) => [id, s.mean]));
	const complete = rubric.criteria.length > 0 && Object.keys(means).length === rubric.criteria.length;
	const spread = summarise(scores.map((s) => s.score));
	const rawScore = complete ? overallFromCriteria(rubric, means) : spread.mean;
	const failures = redLineFailures(rubric, means);
	const floor = rubric.output.kind === 'score' ? rubric.output.scale.min : rawScore;
	return {
		...counts,
		status: 'ok',
		kind: 'score',
		score: failures.length > 0 ? floor : rawScore,
		rawScore,
		spread,
		criteria,
		redLineFailures: failures,
		passed: failures.length === 0,
		unanimous: scores.every((s) => s.score === scores[0].score)
	};
}

/** A pair judged in both orders, each already aggregated over its samples (answer terms). */
export interface BothOrders {
	/** The final verdict in answer terms, or null when neither order gave one. */
	verdict: PairwiseWinner | null;
	/**
	 * true: both orders agree; false: they disagree (verdict forced to tie);
	 * null: only one order gave a verdict, which stands on its own.
	 */
	consistent: boolean | null;
	/** Orders that gave a verdict (0, 1 or 2). */
	orders: number;
	forward: PairwiseWinner | null;
	reversed: PairwiseWinner | null;
}

function winnerOf(a: Aggregate | SampleOutcome | null): PairwiseWinner | null {
	if (!a) return null;
	if ('status' in a) return a.status === 'ok' && a.kind === 'pairwise' ? (a.label as PairwiseWinner) : null;
	return a.kind === 'pairwise' ? a.winner : null;
}

/**
 * Combine the `ab` and `ba` verdicts of one pair (both in answer terms). Agreeing verdicts stand;
 * disagreeing ones (A vs B, or a side vs tie) count as a tie marked inconsistent.
 */
export function combineOrders(
	forward: Aggregate | SampleOutcome | null,
	reversed: Aggregate | SampleOutcome | null
): BothOrders {
	const f = winnerOf(forward);
	const r = winnerOf(reversed);
	const orders = (f ? 1 : 0) + (r ? 1 : 0);
	if (f && r) return { verdict: f === r ? f : 'tie', consistent: f === r, orders, forward: f, reversed: r };
	return { verdict: f ?? r, consistent: null, orders, forward: f, reversed: r };
}
