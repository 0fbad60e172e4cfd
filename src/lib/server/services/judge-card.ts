/**
 * The judge card: one page (and one JSON object, for exports) describing a judge — a rubric
 * version run by one model — and how far it can be trusted on the data it was measured on:
 *
 *   rubric       name, version, content hash, rubric text, criteria, output, settings
 *   model        the run's key-free provider snapshot (publicProviderSettings), judge model, options
 *   bias         position and length bias (services/analysis-bias.ts); pointwise runs: length
 *                against score
 *   agreement    judge ↔ human with 95% intervals beside human ↔ human, the ceiling a judge can
 *                reach on the same comparisons (services/analysis-agreement.ts; pointwise runs:
 *                analysis-score-agreement.ts on the rubric's scale)
 *   calibration  pointwise runs: the isotonic judge → human map the calibration page shows
 *                (analysis-calibration.ts, gold labels first, else the consensus)
 *   cost & time  tokens, cost, cost and judge seconds per item, against the annotators' median
 *                active seconds per label on the same dataset
 *   data         dataset, items and judgments, labels by kind with their annotators
 *   certification  the gate's verdict on this run's judge (rubric version × model): certified,
 *                needs re-certification (and why) or not certified, with the version, model and
 *                calibration set (hashes) each certification was made on, its thresholds and the
 *                lower bounds that cleared them (services/gate.ts runCertification)
 *
 * Every figure comes from an existing service or lib/stats; the card only gathers them. It is
 * plain JSON (dates as ISO strings), so the exports can serialise it as is.
 */
import { quantileSorted } from '../../stats';
import type { RubricContent } from '../../judging/types';
import type { Db } from '../db/client';
import * as qualityRepo from '../db/repositories/analysis-quality';
import * as analysisRepo from '../db/repositories/analysis';
import type { Membership } from '../db/repositories/members';
import { AppError } from '../errors';
import { getAgreement, type AgreementResult } from './analysis-agreement';
import { getBias, type BiasResult } from './analysis-bias';
import { getCalibration, type CalibrationResult } from './analysis-calibration';
import { getScoreAgreement, type ScoreAgreementResult } from './analysis-score-agreement';
import type { HumanSource } from './analysis-data';
import { requireDataset } from './dataset-browse';
import { runCertification, type RunCertification } from './gate';
import { getRun } from './judge-runs';
import { getVersion } from './rubrics';

export const JUDGE_CARD_FORMAT = 1;

/** How the calibration map is fitted (also named in the exports' manifests). */
export const CALIBRATION_METHOD =
	'isotonic regression judge → human (PAVA) on one point per answer; interval: 95% item-cluster bootstrap of the map (500 refits)';

type Unavailable = { available: false; reason: 'pairwise' | 'no-labels' | 'no-rubric' };

export interface JudgeCard {
	format: typeof JUDGE_CARD_FORMAT;
	generatedAt: string;
	projectId: string;
	simulated: boolean;
	run: {
		id: string;
		name: string;
		source: string;
		mode: string;
		status: string;
		options: unknown;
		createdAt: string;
		finishedAt: string | null;
	};
	rubric:
		| {
				rubricId: string;
				name: string;
				version: number;
				contentHash: string;
				judgeId: string | null;
				judgeVersion: number | null;
				locale: string;
				mode: string;
				usesReference: boolean;
				turns: string;
				output: RubricContent['output'];
				/** `scale` of a numeric criterion; `labels` of a categorical one (its values are their indexes). */
				criteria: {
					id: string;
					name: string;
					description: string;
					scale: { min: number; max: number } | null;
					labels: string[] | null;
				}[];
				rubricText: string;
				settings: RubricContent['settings'];
		  }
		| Unavailable;
	model: {
		judgeModel: string | null;
		/** The provider as the run recorded it: never a key (key source and provider id left out too). */
		provider: Record<string, unknown> | null;
	};
	bias:
		| ({ available: true } & Pick<
				BiasResult,
				'position' | 'firstShown' | 'length' | 'lengthControlled' | 'sentences' | 'scoreLength'
		  >)
		| Unavailable;
	agreement:
		| ({ available: true; kind: 'pairwise'; humanSource: HumanSource } & Pick<
				AgreementResult,
				'counts' | 'judgeHuman' | 'humanHuman' | 'confusion' | 'labelKinds'
		  >)
		| ({ available: true; kind: 'pointwise'; humanSource: HumanSource } & Pick<
				ScoreAgreementResult,
				'counts' | 'scale' | 'judgeHuman' | 'humanHuman' | 'confusion'
		  >)
		| Unavailable;
	/** The judge → human map of a pointwise run (never for pairwise verdicts). */
	calibration:
		| ({ available: true; method: string } & Pick<
				CalibrationResult,
				'target' | 'counts' | 'reliability' | 'errors' | 'warnings'
		  >)
		| Unavailable;
	costAndTime: {
		items: number;
		judgments: number;
		ok: number;
		inputTokens: number;
		outputTokens: number;
		cost: number;
		costPerItem: number | null;
		judgeSecondsPerItem: number | null;
		/** Median active seconds per human label on the dataset, and how many labels were timed. */
		humanMedianSeconds: number | null;
		humanTimedLabels: number;
	};
	data: {
		dataset: { id: string; name: string };
		items: number;
		judgments: number;
		labels: qualityRepo.LabelSourceRow[];
	};
	certification: RunCertification;
}

/** The provider snapshot without its id and key source: the card may leave the instance. */
function publicSnapshot(snapshot: unknown): Record<string, unknown> | null {
	if (!snapshot || typeof snapshot !== 'object') return null;
	const { id: _id, keySource: _key, ...rest } = snapshot as Record<string, unknown>;
	return rest;
}

export async function judgeCard(
	db: Db,
	membership: Membership,
	input: { judgeRunId: string; humanSource?: HumanSource }
): Promise<JudgeCard> {
	const humanSource = input.humanSource ?? 'all';
	const found = await analysisRepo.findProjectRun(db, membership.projectId, input.judgeRunId);
	if (!found) throw new AppError('NOT_FOUND', 'Judge run not found.');
	const [run, dataset, coverage, labels, times, certification] = await Promise.all([
		getRun(db, membership.projectId, found.id),
		requireDataset(db, membership, found.datasetId),
		qualityRepo.runCoverage(db, found.id),
		qualityRepo.listLabelSources(db, found.datasetId),
		qualityRepo.listActiveSeconds(db, found.datasetId),
		runCertification(db, membership, found.id)
	]);
	const version = run.rubricVersion ? await getVersion(db, membership, run.rubricVersion.id) : null;
	const content = version?.content as RubricContent | undefined;
	const pairwise = run.mode === 'pairwise';
	const hasLabels = labels.some((l) => l.labels > 0);

	const where = { datasetId: found.datasetId, judgeRunId: found.id, humanSource };
	const agreement: JudgeCard['agreement'] = !hasLabels
		? { available: false, reason: 'no-labels' }
		: pairwise
			? await getAgreement(db, membership, where).then((a) => ({
					available: true as const,
					kind: 'pairwise' as const,
					humanSource,
					counts: a.counts,
					judgeHuman: a.judgeHuman,
					humanHuman: a.humanHuman,
					confusion: a.confusion,
					labelKinds: a.labelKinds
				}))
			: await getScoreAgreement(db, membership, where).then((a) => ({
					available: true as const,
					kind: 'pointwise' as const,
					humanSource,
					counts: a.counts,
					scale: a.scale,
					judgeHuman: a.judgeHuman,
					humanHuman: a.humanHuman,
					confusion: a.confusion
				}));
	const bias: JudgeCard['bias'] = await getBias(db, membership, { judgeRunId: found.id }).then((b) => ({
		available: true as const,
		position: b.position,
		firstShown: b.firstShown,
		length: b.length,
		lengthControlled: b.lengthControlled,
		sentences: b.sentences,
		scoreLength: b.scoreLength
	}));
	const calibration: JudgeCard['calibration'] = pairwise
		? { available: false, reason: 'pairwise' }
		: await getCalibration(db, membership, { datasetId: found.datasetId, judgeRunId: found.id }).then((c) =>
				c.target
					? {
							available: true as const,
							method: CALIBRATION_METHOD,
							target: c.target,
							counts: c.counts,
							reliability: c.reliability,
							errors: c.errors,
							warnings: c.warnings
						}
					: { available: false as const, reason: 'no-labels' as const }
			);

	const p = run.progress;
	const seconds = times.map((t) => t.seconds).sort((a, b) => a - b);
	return {
		format: JUDGE_CARD_FORMAT,
		generatedAt: new Date().toISOString(),
		projectId: membership.projectId,
		simulated: run.simulated,
		run: {
			id: run.id,
			name: run.name,
			source: run.source,
			mode: run.mode,
			status: run.status,
			options: run.options,
			createdAt: run.createdAt.toISOString(),
			finishedAt: run.finishedAt ? run.finishedAt.toISOString() : null
		},
		rubric:
			version && content
				? {
						rubricId: version.rubricId,
						name: version.rubricName,
						version: version.version,
						contentHash: version.contentHash,
						judgeId: content.judgeId,
						judgeVersion: content.judgeVersion,
						locale: content.locale,
						mode: content.mode,
						usesReference: content.usesReference,
						turns: content.turns,
						output: content.output,
						criteria: content.criteria.map((c) => ({
							id: c.id,
							name: c.name,
							description: c.description,
							scale: c.categories ? null : { min: c.scale.min, max: c.scale.max },
							labels: c.categories ?? null
						})),
						rubricText: content.rubricText,
						settings: content.settings
					}
				: { available: false, reason: 'no-rubric' },
		model: { judgeModel: run.judgeModel, provider: publicSnapshot(run.provider) },
		bias,
		agreement,
		calibration,
		costAndTime: {
			items: coverage.items,
			judgments: coverage.judgments,
			ok: coverage.ok,
			inputTokens: p.inputTokens,
			outputTokens: p.outputTokens,
			cost: p.cost,
			costPerItem: coverage.items > 0 ? p.cost / coverage.items : null,
			judgeSecondsPerItem: coverage.items > 0 && coverage.timed > 0 ? coverage.latencyMs / 1000 / coverage.items : null,
			humanMedianSeconds: seconds.length ? quantileSorted(seconds, 0.5) : null,
			humanTimedLabels: seconds.length
		},
		data: {
			dataset: { id: dataset.id, name: dataset.name },
			items: coverage.items,
			judgments: coverage.judgments,
			labels
		},
		certification
	};
}
