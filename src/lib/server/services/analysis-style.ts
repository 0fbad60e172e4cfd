/**
 * The style parts of the bias page (pairwise runs): does the judge prefer the
 * answer with lists, headers or bold text, beside the humans on the same
 * pairs (`lengthBias` on has-it indicators); the style-controlled
 * Bradley–Terry ranking beside the raw one, for the judge and for the humans
 * (`styleControlledBradleyTerry`, after Li et al. 2024 / LMSYS style control;
 * `bradleyTerry`); the length-difference scatter; and what excluding the
 * answers the judge flagged (text aimed at the judge) changes.
 */
import {
	bradleyTerry,
	lengthBias,
	markdownStyle,
	styleControlledBradleyTerry,
	type MarkdownStyle,
	type StyleCoefficient,
	type StyledBattle
} from '../../stats';
import { judgeHumanRows } from './analysis-agreement';
import {
	agreementWithIntervals,
	lengthShare,
	RESAMPLES,
	share,
	type AgreementFigures,
	type Estimate,
	type ShareWithCi
} from './analysis-common';
import type { Comparison } from './analysis-data';

export const STYLE_FEATURES = ['length', 'headers', 'lists', 'bold'] as const;
export type StyleFeature = (typeof STYLE_FEATURES)[number];

export interface StyleShare {
	feature: Exclude<StyleFeature, 'length'>;
	judge: ShareWithCi | null;
	humans: ShareWithCi | null;
}

export interface StyleRanking {
	battles: number;
	coefficients: (StyleCoefficient & { name: StyleFeature })[];
	/** Raw beside style-controlled rating (Elo-like scale), ranks 1 = strongest. */
	players: { name: string; raw: Estimate; rawRank: number; controlled: Estimate; controlledRank: number }[];
}

export interface ScatterPoint {
	/** Characters of B minus characters of A. */
	dx: number;
	/** P(B preferred): the judge's (soft or 0 / ½ / 1), the humans' mean. */
	judge: number | null;
	humans: number | null;
}

export interface FlaggedEffect {
	answers: number;
	comparisons: number;
	agreement: { all: AgreementFigures | null; without: AgreementFigures | null };
	winRates: { system: string; all: ShareWithCi | null; without: ShareWithCi | null }[];
}

export interface StyleReport {
	shares: StyleShare[];
	judge: StyleRanking | null;
	humans: StyleRanking | null;
	/** Why a ranking is missing: 'no_text' (answers without text), 'no_fit' (no finite fit). */
	reason: string | null;
	scatter: ScatterPoint[];
	flagged: FlaggedEffect | null;
}

/** Scatter points drawn at most (the chart stays readable and the page small). */
const SCATTER_LIMIT = 1500;

/** P(B preferred) of the judge: its soft preference, else the verdict as 0 / ½ / 1. */
const judgePB = (c: Comparison): number | null =>
	c.judge?.preference ?? (c.judge?.verdict ? (c.judge.verdict === 'B' ? 1 : c.judge.verdict === 'A' ? 0 : 0.5) : null);
const humanPB = (v: 'A' | 'B' | 'tie') => (v === 'B' ? 1 : v === 'A' ? 0 : 0.5);

function styleShares(comparisons: Comparison[], style: Map<string, MarkdownStyle>): StyleShare[] {
	const shared = comparisons.filter(
		(c) => judgePB(c) !== null && c.humans.length > 0 && style.has(c.answerA) && style.has(c.answerB)
	);
	return (['lists', 'headers', 'bold'] as const).map((feature) => {
		const has = (answer: string) => (style.get(answer)![feature] > 0 ? 1 : 0);
		// One row per human label, the judge's verdict repeated beside each: the same pairs, the same weights.
		const rows = (verdict: (c: Comparison, i: number) => number | 'A' | 'B' | 'tie') =>
			shared.flatMap((c) =>
				c.humans.map((_, i) => ({
					lengthA: has(c.answerA),
					lengthB: has(c.answerB),
					verdict: verdict(c, i),
					item: c.itemId
				}))
			);
		return {
			feature,
			judge: lengthShare(rows((c) => judgePB(c)!)),
			humans: lengthShare(rows((c, i) => c.humans[i].verdict))
		};
	});
}

function ranking(battles: StyledBattle[], clusters: string[], resamples: number): StyleRanking | null {
	if (battles.length < 20) return null;
	const controlled = styleControlledBradleyTerry(battles, { features: STYLE_FEATURES, resamples, clusters });
	const raw = bradleyTerry(
		battles.map((b) => ({ a: b.a, b: b.b, winner: typeof b.winner === 'number' ? softWinner(b.winner) : b.winner })),
		{ resamples, clusters }
	);
	const rawOf = new Map(raw.players.map((p) => [p.name, p]));
	return {
		battles: controlled.battles,
		coefficients: controlled.coefficients as StyleRanking['coefficients'],
		players: controlled.players.map((p) => {
			const r = rawOf.get(p.name)!;
			return {
				name: p.name,
				raw: { estimate: r.rating, ci: r.ci?.rating ?? null },
				rawRank: r.rank,
				controlled: { estimate: p.rating, ci: p.ratingCi },
				controlledRank: p.rank
			};
		})
	};
}

/** bradleyTerry takes hard outcomes: a soft P(a wins) is rounded (½ = tie). */
const softWinner = (p: number) => (p > 0.5 ? 'a' : p < 0.5 ? 'b' : 'tie');

/** Fewer resamples as data grow: one logistic fit per resample. */
const resamplesFor = (n: number) => (n <= 3000 ? 200 : n <= 20000 ? 50 : 0);

function rankings(comparisons: Comparison[], style: Map<string, MarkdownStyle & { length: number }>) {
	const usable = comparisons.filter((c) => c.systemA !== c.systemB && style.has(c.answerA) && style.has(c.answerB));
	const features = (answer: string) => {
		const s = style.get(answer)!;
		return [s.length, s.headers, s.lists, s.bold];
	};
	const judge: StyledBattle[] = [];
	const judgeKeys: string[] = [];
	const humans: StyledBattle[] = [];
	const humanKeys: string[] = [];
	for (const c of usable) {
		const styleA = features(c.answerA);
		const styleB = features(c.answerB);
		const pB = judgePB(c);
		if (pB !== null) {
			judge.push({ a: c.systemA, b: c.systemB, winner: 1 - pB, styleA, styleB });
			judgeKeys.push(c.itemId);
		}
		for (const h of c.humans) {
			humans.push({ a: c.systemA, b: c.systemB, winner: 1 - humanPB(h.verdict), styleA, styleB });
			humanKeys.push(c.itemId);
		}
	}
	const attempt = (battles: StyledBattle[], keys: string[]) => {
		try {
			return { ranking: ranking(battles, keys, resamplesFor(battles.length)), failed: false };
		} catch (e) {
			if (e instanceof RangeError) return { ranking: null, failed: true };
			throw e;
		}
	};
	return { judge: attempt(judge, judgeKeys), humans: attempt(humans, humanKeys), usable: usable.length };
}

function scatter(comparisons: Comparison[]): ScatterPoint[] {
	const points: ScatterPoint[] = [];
	for (const c of comparisons) {
		const judge = judgePB(c);
		const humans = c.humans.length ? c.humans.reduce((s, h) => s + humanPB(h.verdict), 0) / c.humans.length : null;
		if (judge === null && humans === null) continue;
		points.push({ dx: c.lengthB - c.lengthA, judge, humans });
	}
	if (points.length <= SCATTER_LIMIT) return points;
	// An even thinning keeps the shape of the cloud and is the same on every load.
	const step = points.length / SCATTER_LIMIT;
	return Array.from({ length: SCATTER_LIMIT }, (_, i) => points[Math.floor(i * step)]);
}

function flaggedEffect(comparisons: Comparison[], flagged: Set<string>): FlaggedEffect | null {
	if (flagged.size === 0) return null;
	const hit = (c: Comparison) => flagged.has(c.answerA) || flagged.has(c.answerB);
	const kept = comparisons.filter((c) => !hit(c));
	const figures = (list: Comparison[]) => {
		const rows = judgeHumanRows(list);
		return rows.x.length ? agreementWithIntervals(rows.x, rows.y, rows.clusters, { resamples: 500 }) : null;
	};
	const systems = [...new Set(comparisons.flatMap((c) => [c.systemA, c.systemB]))].sort();
	const winRate = (list: Comparison[], system: string) => {
		const values: number[] = [];
		const keys: string[] = [];
		for (const c of list) {
			const pB = judgePB(c);
			if (pB === null || c.systemA === c.systemB) continue;
			if (c.systemA === system) values.push(1 - pB);
			else if (c.systemB === system) values.push(pB);
			else continue;
			keys.push(c.itemId);
		}
		return share(values, keys);
	};
	return {
		answers: flagged.size,
		comparisons: comparisons.length - kept.length,
		agreement: { all: figures(comparisons), without: figures(kept) },
		winRates: systems.map((system) => ({
			system,
			all: winRate(comparisons, system),
			without: winRate(kept, system)
		}))
	};
}

export function styleReport(
	comparisons: Comparison[],
	texts: { id: string; text: string | null }[],
	flagged: string[]
): StyleReport {
	const lengths = new Map<string, number>();
	for (const c of comparisons) lengths.set(c.answerA, c.lengthA).set(c.answerB, c.lengthB);
	const style = new Map<string, MarkdownStyle & { length: number }>();
	for (const t of texts)
		if (t.text !== null) style.set(t.id, { ...markdownStyle(t.text), length: lengths.get(t.id) ?? t.text.length });
	const r = rankings(comparisons, style);
	return {
		shares: styleShares(comparisons, style),
		judge: r.judge.ranking,
		humans: r.humans.ranking,
		reason: r.usable === 0 ? 'no_text' : r.judge.failed ? 'no_fit' : null,
		scatter: scatter(comparisons),
		flagged: flaggedEffect(comparisons, new Set(flagged))
	};
}

export interface PointwiseLength {
	/** Spearman ρ(answer length, score) with its item-cluster interval (`lengthBias`), judge and people. */
	judge: ShareWithCi | null;
	humans: ShareWithCi | null;
	/** Answer length (characters) against the judge's score and the people's mean score. */
	scatter: { length: number; judge: number | null; humans: number | null }[];
}

/** Length against score on a pointwise run: does the judge score longer answers higher, and do people? */
export function pointwiseLength(
	answers: { itemId: string; answerId: string; judge: { score: number } | null; humans: { score: number | null }[] }[],
	lengths: Map<string, number>
): PointwiseLength | null {
	const judgeRows: { length: number; score: number; item: string }[] = [];
	const humanRows: { length: number; score: number; item: string }[] = [];
	const points: PointwiseLength['scatter'] = [];
	for (const a of answers) {
		const length = lengths.get(a.answerId);
		if (length === undefined) continue;
		const scores = a.humans.flatMap((h) => (h.score === null ? [] : [h.score]));
		if (a.judge) judgeRows.push({ length, score: a.judge.score, item: a.itemId });
		for (const score of scores) humanRows.push({ length, score, item: a.itemId });
		if (a.judge || scores.length)
			points.push({
				length,
				judge: a.judge?.score ?? null,
				humans: scores.length ? scores.reduce((s, v) => s + v, 0) / scores.length : null
			});
	}
	if (points.length === 0) return null;
	const rho = (rows: typeof judgeRows): ShareWithCi | null => {
		if (rows.length < 3) return null;
		try {
			const r = lengthBias({ scores: rows, resamples: RESAMPLES, seed: 1 }).scoreCorrelation;
			return r ? { estimate: r.estimate, ci: r.ci, n: r.n } : null;
		} catch (e) {
			if (e instanceof RangeError) return null;
			throw e;
		}
	};
	const step = Math.max(1, points.length / SCATTER_LIMIT);
	const scatter = Array.from(
		{ length: Math.min(points.length, SCATTER_LIMIT) },
		(_, i) => points[Math.floor(i * step)]
	);
	return { judge: rho(judgeRows), humans: rho(humanRows), scatter };
}
