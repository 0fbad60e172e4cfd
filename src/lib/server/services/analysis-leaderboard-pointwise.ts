/**
 * Leaderboard of a pointwise run (issue 12 item 4): per system, its mean score
 * on the human scale four ways, each with a 95% interval —
 * - people alone: mean over the system's labelled answers of the answer's mean
 *   human score (percentile bootstrap over items, `bootstrapCI`; Efron &
 *   Tibshirani 1993);
 * - judge raw: mean of the judge's per-answer scores (same bootstrap);
 * - judge calibrated: mean of the calibrated scores (the isotonic map of
 *   services/analysis-calibration.ts held fixed; the bootstrap over items does
 *   not carry the map's own uncertainty, which the calibration page shows);
 * - PPI++ (Angelopoulos, Duchi & Zrnic 2023, `ppiMean`, cluster-robust by
 *   item): the human scores plus the judge's RAW scores on unlabelled answers.
 *   Raw, not calibrated: PPI needs predictions fitted without the labelled
 *   answers it rectifies with, and the map was fitted on them; the power-tuned
 *   λ already rescales the raw score linearly, and the estimate stays unbiased
 *   whatever the judge.
 * Ranks: by the best available estimate (PPI++, else people, else calibrated,
 * else raw); a system's shown rank is the best rank among the systems whose
 * intervals of that estimate overlap its own (tied). Red lines: answers the
 * judge failed on a red-line criterion (live runs: the rubric's passMin on the
 * criterion's sample mean) and answers a person marked as failing one.
 */
import { bootstrapCI, ppiMean } from '../../stats';
import type { Estimate } from './analysis-common';
import { RESAMPLES } from './analysis-common';
import type { FittedCalibration } from './analysis-calibration';
import type { ScoredAnswer } from './analysis-scores';

export interface PointwiseBoardRow {
	system: string;
	answers: number;
	human: (Estimate & { n: number }) | null;
	judgeRaw: (Estimate & { n: number }) | null;
	judgeCalibrated: (Estimate & { n: number }) | null;
	ppi: (Estimate & { n: number; N: number; lambda: number; warnings: string[] }) | null;
	rank: number;
	tiedRank: number;
	tied: boolean;
	redLines: { judge: number; human: number };
}

export interface PointwiseBoard {
	rows: PointwiseBoardRow[];
	calibratedOn: 'gold' | 'consensus' | null;
}

const mean = (s: number[]) => s.reduce((a, b) => a + b, 0) / s.length;

function guard<T>(f: () => T): T | null {
	try {
		return f();
	} catch (e) {
		if (e instanceof RangeError) return null;
		throw e;
	}
}

function meanWithCi(values: number[], clusters: string[]): (Estimate & { n: number }) | null {
	if (values.length === 0) return null;
	const r = guard(() => bootstrapCI(mean, values, { clusters, resamples: RESAMPLES, seed: 1 }));
	return { estimate: mean(values), ci: r?.ci ?? null, n: values.length };
}

/** Mean of an answer's human scores (of the chosen source), or null. */
function humanMean(a: ScoredAnswer): number | null {
	const xs = a.humans.flatMap((h) => (h.score === null ? [] : [h.score]));
	return xs.length ? mean(xs) : null;
}

function systemRow(system: string, answers: ScoredAnswer[], fit: FittedCalibration | null) {
	const human: number[] = [];
	const humanKeys: string[] = [];
	const raw: number[] = [];
	const rawKeys: string[] = [];
	const calibrated: number[] = [];
	const y: number[] = [];
	const yhatL: number[] = [];
	const keysL: string[] = [];
	const yhatU: number[] = [];
	const keysU: string[] = [];
	const redLines = { judge: 0, human: 0 };
	for (const a of answers) {
		const h = humanMean(a);
		if (h !== null) {
			human.push(h);
			humanKeys.push(a.itemId);
		}
		if (a.humans.some((x) => x.redLineFailed)) redLines.human++;
		if (!a.judge) continue;
		if (a.judge.redLineFailures.length > 0) redLines.judge++;
		raw.push(a.judge.score);
		rawKeys.push(a.itemId);
		if (fit?.map) calibrated.push(fit.map.predict(a.judge.score));
		if (h !== null) {
			y.push(h);
			yhatL.push(a.judge.score);
			keysL.push(a.itemId);
		} else {
			yhatU.push(a.judge.score);
			keysU.push(a.itemId);
		}
	}
	let ppi: PointwiseBoardRow['ppi'] = null;
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
	return {
		system,
		answers: answers.length,
		human: meanWithCi(human, humanKeys),
		judgeRaw: meanWithCi(raw, rawKeys),
		judgeCalibrated: fit?.map ? meanWithCi(calibrated, rawKeys) : null,
		ppi,
		redLines
	};
}

type Unranked = ReturnType<typeof systemRow>;
const headline = (r: Unranked) => r.ppi ?? r.human ?? r.judgeCalibrated ?? r.judgeRaw;

/** Systems ranked by their headline estimate, ties where the intervals overlap. */
export function rankRows(rows: Unranked[]): PointwiseBoardRow[] {
	const sorted = [...rows].sort(
		(a, b) =>
			(headline(b)?.estimate ?? -Infinity) - (headline(a)?.estimate ?? -Infinity) || a.system.localeCompare(b.system)
	);
	const interval = (r: Unranked): [number, number] | null => {
		const e = headline(r);
		return e ? (e.ci ?? [e.estimate, e.estimate]) : null;
	};
	return sorted.map((r, i) => {
		const mine = interval(r);
		let best = i + 1;
		let tied = false;
		sorted.forEach((q, k) => {
			const other = interval(q);
			if (q === r || !mine || !other) return;
			if (other[0] <= mine[1] && mine[0] <= other[1]) {
				tied = true;
				best = Math.min(best, k + 1);
			}
		});
		return { ...r, rank: i + 1, tiedRank: best, tied };
	});
}

/**
 * The pointwise board from loaded scores (`loadPointwiseScores` with the page's
 * human source) and the run's fitted calibration (null: no calibrated column).
 */
export function pointwiseBoard(answers: ScoredAnswer[], fit: FittedCalibration | null): PointwiseBoard {
	const bySystem = new Map<string, ScoredAnswer[]>();
	for (const a of answers) {
		const list = bySystem.get(a.system) ?? [];
		list.push(a);
		bySystem.set(a.system, list);
	}
	const rows = [...bySystem.entries()].map(([s, list]) => systemRow(s, list, fit));
	return { rows: rankRows(rows), calibratedOn: fit?.map ? fit.target : null };
}
