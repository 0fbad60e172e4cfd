/**
 * The judge card: one page (and one JSON object, for exports) describing a judge — a rubric
 * version run by one model — and how far it can be trusted on the data it was measured on:
 *
 *   rubric       name, version, content hash, rubric text, criteria, output, settings
 *   model        the run's key-free provider snapshot (publicProviderSettings), judge model, options
 *   bias         position and length bias (services/analysis-bias.ts), pairwise runs
 *   agreement    judge ↔ human with 95% intervals beside human ↔ human, the ceiling a judge can
 *                reach on the same comparisons (services/analysis-agreement.ts)
 *   calibration  not calibrated yet (the calibration map is added when its service exists)
 *   cost & time  tokens, cost, cost and judge seconds per item, against the annotators' median
 *                active seconds per label on the same dataset
 *   data         dataset, items and judgments, labels by kind with their annotators
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
import type { HumanSource } from './analysis-data';
import { requireDataset } from './dataset-browse';
import { getRun } from './judge-runs';
import { getVersion } from './rubrics';

export const JUDGE_CARD_FORMAT = 1;

type Unavailable = { available: false; reason: 'pointwise' | 'no-labels' | 'not-calibrated' | 'no-rubric' };

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
				criteria: { id: string; name: string; description: string }[];
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
		| ({ available: true } & Pick<BiasResult, 'position' | 'firstShown' | 'length' | 'lengthControlled' | 'sentences'>)
		| Unavailable;
	agreement:
		| ({ available: true; humanSource: HumanSource } & Pick<
				AgreementResult,
				'counts' | 'judgeHuman' | 'humanHuman' | 'confusion' | 'labelKinds'
		  >)
		| Unavailable;
	calibration: Unavailable;
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
	const [run, dataset, coverage, labels, times] = await Promise.all([
		getRun(db, membership.projectId, found.id),
		requireDataset(db, membership, found.datasetId),
		qualityRepo.runCoverage(db, found.id),
		qualityRepo.listLabelSources(db, found.datasetId),
		qualityRepo.listActiveSeconds(db, found.datasetId)
	]);
	const version = run.rubricVersion ? await getVersion(db, membership, run.rubricVersion.id) : null;
	const content = version?.content as RubricContent | undefined;
	const pairwise = run.mode === 'pairwise';
	const hasLabels = labels.some((l) => l.labels > 0);

	const agreement: JudgeCard['agreement'] = !pairwise
		? { available: false, reason: 'pointwise' }
		: !hasLabels
			? { available: false, reason: 'no-labels' }
			: await getAgreement(db, membership, { datasetId: found.datasetId, judgeRunId: found.id, humanSource }).then(
					(a) => ({
						available: true as const,
						humanSource,
						counts: a.counts,
						judgeHuman: a.judgeHuman,
						humanHuman: a.humanHuman,
						confusion: a.confusion,
						labelKinds: a.labelKinds
					})
				);
	const bias: JudgeCard['bias'] = !pairwise
		? { available: false, reason: 'pointwise' }
		: await getBias(db, membership, { judgeRunId: found.id }).then((b) => ({
				available: true as const,
				position: b.position,
				firstShown: b.firstShown,
				length: b.length,
				lengthControlled: b.lengthControlled,
				sentences: b.sentences
			}));

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
						criteria: content.criteria.map((c) => ({ id: c.id, name: c.name, description: c.description })),
						rubricText: content.rubricText,
						settings: content.settings
					}
				: { available: false, reason: 'no-rubric' },
		model: { judgeModel: run.judgeModel, provider: publicSnapshot(run.provider) },
		bias,
		agreement,
		calibration: { available: false, reason: 'not-calibrated' },
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
		}
	};
}
