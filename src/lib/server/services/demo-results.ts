/**
 * The demo project's results, so every analysis page has something to show on it: for each demo
 * dataset (English, Chinese)
 *   - a pairwise rubric and a pointwise one from the built-in judges, in the dataset's language;
 *   - one simulated provider (its name and every run name say "simulated");
 *   - a finished pairwise run (every pair of systems, both orders) and a pointwise run, judged here
 *     in this process by the same executor a `judge.run` job uses (executeRun) with the simulated
 *     judge, so every verdict is an honest output of that simulator;
 *   - labels of three SIMULATED annotators and a simulated gold key (demo/simulated-labels.ts),
 *     stored as imported labels whose annotator names say so.
 *
 * Runs as the `demo.results` job, queued by createDemoProject on the same named queue as the demo's
 * imports, so it starts after them; an import still running (a retry) makes it fail and retry.
 */
import type { Db } from '../db/client';
import { listAnswerInfo } from '../db/repositories/analysis';
import { insertDemoLabels, type DemoLabelRow } from '../db/repositories/demo';
import * as importsRepo from '../db/repositories/imports';
import type { Membership } from '../db/repositories/members';
import type { DemoDatasetKey } from '../demo/files';
import { simulateDemoLabels } from '../demo/simulated-labels';
import { logger } from '../logger';
import { ProviderSettingsSchema } from '../../schemas/provider';
import { executeRun } from './judge-executor';
import { createRun } from './judge-runs';
import { createProvider } from './llm-providers';
import { createRubric } from './rubrics';

/** The simulated judge's settings: a visible first-position and length preference. */
export const DEMO_JUDGE_SIMULATION = { positionBias: 0.2, lengthBias: 0.08, noise: 0.12, seed: 7 } as const;
export const DEMO_PROVIDER_NAME = 'Simulated judge (demo)';

export interface DemoResultsInput {
	projectId: string;
	userId: string;
	datasetIds: Record<DemoDatasetKey, string>;
	importIds: string[];
}

export interface DemoResults {
	providerId: string;
	runIds: string[];
	labels: number;
}

const LOCALES: Record<DemoDatasetKey, 'en' | 'zh-CN'> = { en: 'en', zh: 'zh-CN' };

/** The `demo.results` job. Throws while an import of the demo has not finished (the job retries). */
export async function runDemoResultsJob(db: Db, input: DemoResultsInput): Promise<void> {
	for (const id of input.importIds) {
		const imp = await importsRepo.findImportById(db, id);
		if (!imp || imp.status === 'failed' || imp.status === 'cancelled') {
			logger.warn('demo results skipped: an import of the demo did not succeed', { importId: id });
			return;
		}
		if (imp.status !== 'succeeded') throw new Error('The demo imports are still running; the results follow them.');
	}
	await seedDemoResults(db, input);
}

export async function seedDemoResults(db: Db, input: DemoResultsInput): Promise<DemoResults> {
	const started = performance.now();
	const membership: Membership = { projectId: input.projectId, userId: input.userId, role: 'admin' };
	const provider = await createProvider(
		db,
		membership,
		ProviderSettingsSchema.parse({
			name: DEMO_PROVIDER_NAME,
			kind: 'simulated',
			concurrency: 64,
			simulation: DEMO_JUDGE_SIMULATION
		})
	);
	const runIds: string[] = [];
	let labels = 0;
	for (const key of ['en', 'zh'] as const) {
		const datasetId = input.datasetIds[key];
		for (const judgeId of ['pairwise', 'single-1-10']) {
			const { versionId } = await createRubric(db, membership, {
				fromBuiltin: { judgeId, locale: LOCALES[key] },
				description: 'Created with the demo project.'
			});
			const pairwise = judgeId === 'pairwise';
			const { runId } = await createRun(db, input.projectId, input.userId, {
				datasetId,
				rubricVersionId: versionId,
				providerId: provider.id,
				options: { bothOrders: pairwise, samples: 1, pairing: 'all-pairs' }
			});
			await executeRun({ db, workerName: 'demo' }, runId, { claimant: `demo:${runId}`, shards: 1, flushMs: 20 });
			runIds.push(runId);
		}
		const answers = await listAnswerInfo(db, datasetId);
		const rows: DemoLabelRow[] = simulateDemoLabels(answers).map((l) => ({
			itemId: l.itemId,
			answerAId: l.answerAId,
			answerBId: l.answerBId,
			annotator: l.annotator,
			key: l.key,
			verdict: l.verdict,
			score: l.score,
			metadata: { simulated: true, activeSeconds: l.activeSeconds }
		}));
		labels += await insertDemoLabels(db, { projectId: input.projectId, datasetId }, rows);
	}
	logger.info('demo results seeded', {
		projectId: input.projectId,
		runs: runIds.length,
		labels,
		ms: Math.round(performance.now() - started)
	});
	return { providerId: provider.id, runIds, labels };
}
