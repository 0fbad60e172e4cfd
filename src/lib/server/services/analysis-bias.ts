/**
 * Bias page, per judge run: position bias (`positionBias` on both-order runs —
 * consistency, first-position preference, flip rate, MT-Bench Table 2; Zheng et
 * al. 2023 §3.3, Wang et al. 2024), the share of decisive verdicts for the
 * first-shown answer on single-order data (judge and annotators, from the
 * recorded placement), P(prefers the longer answer) for the judge beside the
 * humans on the same comparisons (`lengthBias`), and the length-controlled
 * beside the raw win rate against a common baseline (`lengthControlledWinRate`,
 * after Dubois et al. 2024). Above the numbers, plain-language verdicts as
 * i18n keys with parameters, so the page words them in the reader's language.
 */
import {
	lengthControlledWinRate,
	positionBias,
	type BootstrapResult,
	type LengthControlledResult,
	type PairwiseVote,
	type PositionBiasResult
} from '../../stats';
import type { Db } from '../db/client';
import * as repo from '../db/repositories/analysis';
import type { Membership } from '../db/repositories/members';
import { AppError } from '../errors';
import {
	cached,
	lengthShare,
	RESAMPLES,
	share,
	type Estimate,
	type RunSummary,
	type ShareWithCi
} from './analysis-common';
import { loadComparisons, type Comparison } from './analysis-data';
import { pointwiseLength, styleReport, type PointwiseLength, type StyleReport } from './analysis-style';
import { loadPointwiseScores } from './analysis-scores';
import { requireDataset } from './dataset-browse';

export interface BiasSentence {
	key:
		| 'analysis_bias_sentence_both'
		| 'analysis_bias_sentence_single'
		| 'analysis_bias_sentence_length'
		| 'analysis_bias_sentence_consistent'
		| 'analysis_bias_sentence_position_humans'
		| 'analysis_bias_sentence_lists'
		| 'analysis_bias_sentence_style'
		| 'analysis_bias_sentence_flagged'
		| 'analysis_bias_sentence_score_length';
	params: Record<string, string>;
}

export interface BiasResult {
	dataset: { id: string; name: string };
	run: RunSummary;
	runs: repo.ProjectRunRow[];
	/** Both-order comparisons: the library's full position-bias report. */
	position:
		| (Omit<PositionBiasResult, 'consistency' | 'firstPosition' | 'flipRate'> & {
				consistency: Estimate;
				firstPosition: Estimate | null;
				flipRate: Estimate;
				/** Where the two orders disagree: share that leaned to the first-shown answer. */
				firstWhenInconsistent: ShareWithCi | null;
		  })
		| null;
	/** Share of decisive verdicts naming the first-shown answer (single presentations). */
	firstShown: { judge: ShareWithCi | null; humans: ShareWithCi | null };
	/** P(prefers the longer answer): judge on all its comparisons, and judge vs humans on the same ones. */
	length: { judgeAll: ShareWithCi | null; judgeShared: ShareWithCi | null; humansShared: ShareWithCi | null };
	/** Against a system present in every judged comparison; null with a reason otherwise. */
	lengthControlled: {
		baseline: string | null;
		result: Pick<LengthControlledResult, 'slope' | 'n' | 'systems'> | null;
		reason: string | null;
	};
	/** Lists/headers/bold, style-controlled Bradley–Terry, the length scatter, flagged answers (analysis-style.ts). */
	style: StyleReport;
	/** Pointwise runs: length against score, judge and people. */
	scoreLength: PointwiseLength | null;
	sentences: BiasSentence[];
}

const est = (b: BootstrapResult | null): Estimate | null => (b ? { estimate: b.estimate, ci: b.ci } : null);
const pct = (x: number) => `${Math.round(x * 100)}%`;

const firstShownOf = (v: PairwiseVote, order: 'ab' | 'ba') => (order === 'ab' ? v === 'A' : v === 'B');

function positionReport(comparisons: Comparison[]): BiasResult['position'] {
	const both = comparisons.filter((c) => c.judge?.byOrder.ab !== undefined && c.judge?.byOrder.ba !== undefined);
	if (both.length === 0) return null;
	// Verdicts are in answer terms already: forward = shown ab, reversed = shown ba (original labels).
	const report = positionBias(
		both.map((c) => ({ forward: c.judge!.byOrder.ab!, reversed: c.judge!.byOrder.ba!, item: c.itemId })),
		{ resamples: RESAMPLES, seed: 1 }
	);
	const leans: number[] = [];
	const clusters: string[] = [];
	for (const c of both) {
		const f = c.judge!.byOrder.ab!;
		const r = c.judge!.byOrder.ba!;
		if (f === r) continue;
		// Toward the first-shown answer: A when shown first (ab), B when shown first (ba).
		const towardFirst = (f === 'A' && r !== 'A') || (r === 'B' && f !== 'B');
		leans.push(towardFirst ? 1 : 0);
		clusters.push(c.itemId);
	}
	return {
		...report,
		consistency: est(report.consistency)!,
		firstPosition: est(report.firstPosition),
		flipRate: est(report.flipRate)!,
		firstWhenInconsistent: share(leans, clusters)
	};
}

function firstShownShares(comparisons: Comparison[]): BiasResult['firstShown'] {
	const judge: number[] = [];
	const judgeKeys: string[] = [];
	const humans: number[] = [];
	const humanKeys: string[] = [];
	for (const c of comparisons) {
		const orders = c.judge?.byOrder;
		// Single presentations only: both-order runs are reported by positionBias.
		if (orders && !(orders.ab && orders.ba)) {
			for (const order of ['ab', 'ba'] as const) {
				const v = orders[order];
				if (v && v !== 'tie') {
					judge.push(firstShownOf(v, order) ? 1 : 0);
					judgeKeys.push(c.itemId);
				}
			}
		}
		for (const h of c.humans) {
			if (h.presentedOrder && h.verdict !== 'tie') {
				humans.push(firstShownOf(h.verdict, h.presentedOrder) ? 1 : 0);
				humanKeys.push(c.itemId);
			}
		}
	}
	return { judge: share(judge, judgeKeys), humans: share(humans, humanKeys) };
}

function lengthReport(comparisons: Comparison[]): BiasResult['length'] {
	const judged = comparisons.filter((c) => c.judge && (c.judge.preference !== null || c.judge.verdict !== null));
	const judgeVerdict = (c: Comparison) => c.judge!.preference ?? c.judge!.verdict!;
	const pair = (c: Comparison, verdict: PairwiseVote | number) => ({
		lengthA: c.lengthA,
		lengthB: c.lengthB,
		verdict,
		item: c.itemId
	});
	const shared = judged.filter((c) => c.humans.length > 0);
	return {
		judgeAll: lengthShare(judged.map((c) => pair(c, judgeVerdict(c)))),
		// One row per human label, the judge's verdict repeated beside each: the same pairs, the same weights.
		judgeShared: lengthShare(shared.flatMap((c) => c.humans.map(() => pair(c, judgeVerdict(c))))),
		humansShared: lengthShare(shared.flatMap((c) => c.humans.map((h) => pair(c, h.verdict))))
	};
}

function lengthControlled(comparisons: Comparison[]): BiasResult['lengthControlled'] {
	const judged = comparisons.filter((c) => c.judge && (c.judge.preference !== null || c.judge.verdict !== null));
	if (judged.length === 0) return { baseline: null, result: null, reason: 'no_verdicts' };
	const counts = new Map<string, number>();
	for (const c of judged) for (const s of new Set([c.systemA, c.systemB])) counts.set(s, (counts.get(s) ?? 0) + 1);
	const baseline = [...counts].find(([, n]) => n === judged.length)?.[0] ?? null;
	if (!baseline) return { baseline: null, result: null, reason: 'no_baseline' };
	const rows = judged.map((c) => {
		const pB = c.judge!.preference ?? (c.judge!.verdict === 'B' ? 1 : c.judge!.verdict === 'A' ? 0 : 0.5);
		const modelIsB = c.systemA === baseline;
		return {
			system: modelIsB ? c.systemB : c.systemA,
			win: modelIsB ? pB : 1 - pB,
			modelLength: modelIsB ? c.lengthB : c.lengthA,
			baselineLength: modelIsB ? c.lengthA : c.lengthB,
			item: c.itemId
		};
	});
	try {
		const r = lengthControlledWinRate(rows, { resamples: 200, seed: 1 });
		return { baseline, result: { slope: r.slope, n: r.n, systems: r.systems }, reason: null };
	} catch (e) {
		if (e instanceof RangeError || e instanceof TypeError) return { baseline, result: null, reason: e.message };
		throw e;
	}
}

function sentences(r: Omit<BiasResult, 'sentences'>): BiasSentence[] {
	const out: BiasSentence[] = [];
	const p = r.position;
	if (p && p.firstWhenInconsistent && p.firstWhenInconsistent.n >= 5) {
		out.push({
			key: 'analysis_bias_sentence_both',
			params: {
				share: pct(p.firstWhenInconsistent.estimate),
				inconsistent: pct(1 - p.consistency.estimate)
			}
		});
	} else if (p) {
		out.push({ key: 'analysis_bias_sentence_consistent', params: { consistency: pct(p.consistency.estimate) } });
	}
	if (p?.firstPosition && r.firstShown.humans) {
		out.push({
			key: 'analysis_bias_sentence_position_humans',
			params: { judge: pct(p.firstPosition.estimate), humans: pct(r.firstShown.humans.estimate) }
		});
	}
	if (r.firstShown.judge) {
		out.push({
			key: 'analysis_bias_sentence_single',
			params: {
				judge: pct(r.firstShown.judge.estimate),
				humans: r.firstShown.humans ? pct(r.firstShown.humans.estimate) : '—'
			}
		});
	}
	if (r.length.judgeShared && r.length.humansShared) {
		out.push({
			key: 'analysis_bias_sentence_length',
			params: { judge: pct(r.length.judgeShared.estimate), humans: pct(r.length.humansShared.estimate) }
		});
	}
	out.push(...styleSentences(r.style));
	if (r.scoreLength?.judge) {
		const f = (x: number) => (Math.round(x * 100) / 100).toFixed(2);
		out.push({
			key: 'analysis_bias_sentence_score_length',
			params: {
				judge: f(r.scoreLength.judge.estimate),
				humans: r.scoreLength.humans ? f(r.scoreLength.humans.estimate) : '—'
			}
		});
	}
	return out;
}

const ratio = (gamma: number) => (Math.round(Math.exp(gamma) * 100) / 100).toFixed(2);

function styleSentences(s: StyleReport): BiasSentence[] {
	const out: BiasSentence[] = [];
	const lists = s.shares.find((x) => x.feature === 'lists');
	if (lists?.judge && lists.humans) {
		out.push({
			key: 'analysis_bias_sentence_lists',
			params: { judge: pct(lists.judge.estimate), humans: pct(lists.humans.estimate) }
		});
	}
	if (s.judge) {
		const gamma = (r: StyleReport['judge']) => r?.coefficients.find((c) => c.name === 'length')?.estimate;
		const judge = gamma(s.judge)!;
		const humans = gamma(s.humans);
		out.push({
			key: 'analysis_bias_sentence_style',
			params: {
				judge: ratio(judge),
				humans: humans === undefined ? '—' : ratio(humans),
				moved: String(s.judge.players.filter((p) => p.rawRank !== p.controlledRank).length)
			}
		});
	}
	const f = s.flagged;
	if (f?.agreement.all && f.agreement.without) {
		out.push({
			key: 'analysis_bias_sentence_flagged',
			params: {
				answers: String(f.answers),
				comparisons: String(f.comparisons),
				before: pct(f.agreement.all.withTies.estimate),
				after: pct(f.agreement.without.withTies.estimate)
			}
		});
	}
	return out;
}

export async function getBias(db: Db, membership: Membership, input: { judgeRunId: string }): Promise<BiasResult> {
	const found = await repo.findProjectRun(db, membership.projectId, input.judgeRunId);
	if (!found) throw new AppError('NOT_FOUND', 'Judge run not found.');
	const dataset = await requireDataset(db, membership, found.datasetId);
	return cached(db, 'bias', dataset.id, found.id, '', async () => {
		const [comparisons, runs, allRuns, texts, flagged] = await Promise.all([
			loadComparisons(db, { datasetId: dataset.id, runId: found.id, humanSource: 'all' }),
			repo.listAnalysisRuns(db, dataset.id),
			repo.listProjectRuns(db, membership.projectId),
			repo.listAnswerTexts(db, dataset.id),
			repo.listFlaggedAnswerIds(db, found.id)
		]);
		const run = runs.find((r) => r.id === found.id)!;
		const partial = {
			dataset: { id: dataset.id, name: dataset.name },
			run,
			runs: allRuns,
			position: positionReport(comparisons),
			firstShown: firstShownShares(comparisons),
			length: lengthReport(comparisons),
			lengthControlled: lengthControlled(comparisons),
			style: styleReport(comparisons, texts, flagged),
			scoreLength:
				found.mode === 'pointwise'
					? pointwiseLength(
							await loadPointwiseScores(db, { datasetId: dataset.id, runId: found.id, humanSource: 'all' }),
							new Map((await repo.listAnswerInfo(db, dataset.id)).map((a) => [a.id, a.charCount]))
						)
					: null
		};
		return { ...partial, sentences: sentences(partial) };
	});
}

/** The project's runs, for the bias page before a run is chosen. */
export async function listRuns(db: Db, membership: Membership): Promise<repo.ProjectRunRow[]> {
	return repo.listProjectRuns(db, membership.projectId);
}
