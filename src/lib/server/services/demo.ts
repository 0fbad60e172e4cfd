/**
 * "Create demo project": one click gives a fresh instance something to show.
 *
 * The demo goes through the same path as a user's import — upload (stored
 * chunks) → start (queued 'dataset.import' job) → the import runner — with
 * the files of `demo/files.ts`, so its rows are content-hashed and versioned
 * like any other data. The project and its two datasets (English questions,
 * Chinese questions) exist at once; the items appear when the worker has run
 * the four jobs (seconds).
 *
 * On the same named queue as those imports, so after them, the `demo.results` job adds a
 * simulated judge's runs and simulated annotators' labels (services/demo-results.ts): every
 * analysis page has numbers on the demo, all from clearly labelled simulators.
 *
 * Each call creates a NEW, independent demo project (a sandbox one can
 * break and recreate); it never adds a second copy of the rows to an existing
 * project. Re-importing the same demo files into the same dataset adds nothing,
 * because imports deduplicate by content.
 */
import type { Db } from '../db/client';
import * as datasetsRepo from '../db/repositories/datasets';
import { instanceHasNoProjects } from '../db/repositories/demo';
import { demoFiles, type DemoDatasetKey } from '../demo/files';
import { AppError } from '../errors';
import type { Queue } from '../jobs/queue';
import { logger } from '../logger';
import { receiveUpload, startImport } from './imports';
import { createProject } from './projects';

export const DEMO_PROJECT_NAME = 'Concord demo';
export const DEMO_DATASET_NAME = 'Demo questions';
export const DEMO_DATASET_NAME_ZH = '中文演示题';
const DEMO_DESCRIPTION =
	'A small sample written for Concord: 40 questions on network operations, cloud pre-sales, materials science, clinical information and general topics — some multi-turn, some with reference answers — each answered by three systems of different quality and length.';
// Dataset names and descriptions are data, not UI: a Chinese-speaking team's own data is named in Chinese.
const DEMO_DESCRIPTION_ZH =
	'为 Concord 编写的中文示例：16 道网络运维、云售前、材料科学和临床信息方面的问题（部分为多轮对话，部分带参考答案），每道题由三个质量和篇幅不同的系统作答。';

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
	yield bytes;
}

export interface DemoProject {
	projectId: string;
	/** The English dataset (the one the demo page opens). */
	datasetId: string;
	datasetIds: Record<DemoDatasetKey, string>;
	importIds: string[];
}

export async function createDemoProject(deps: { db: Db; queue: Queue }, userId: string): Promise<DemoProject> {
	const project = await createProject(deps, { name: DEMO_PROJECT_NAME, description: DEMO_DESCRIPTION, userId });
	// The datasets exist before the imports run, so each pair of files targets its own
	// dataset (two files of one dataset serialise on its row lock).
	const datasetIds = {} as Record<DemoDatasetKey, string>;
	for (const [key, name, description] of [
		['en', DEMO_DATASET_NAME, DEMO_DESCRIPTION],
		['zh', DEMO_DATASET_NAME_ZH, DEMO_DESCRIPTION_ZH]
	] as const) {
		const dataset = await datasetsRepo.insertDataset(deps.db, {
			projectId: project.id,
			name,
			description,
			createdBy: userId
		});
		if (!dataset) throw new AppError('INTERNAL', 'The demo dataset could not be created.');
		datasetIds[key] = dataset.id;
	}
	// One named queue: the imports, then the results, one after another.
	const queueName = `demo:${project.id}`;
	const serial: Queue = {
		...deps.queue,
		enqueue: (name, payload, spec) => deps.queue.enqueue(name, payload, { ...spec, queueName })
	};
	const importIds: string[] = [];
	for (const file of demoFiles()) {
		const upload = await receiveUpload(deps.db, {
			projectId: project.id,
			userId,
			fileName: file.fileName,
			body: once(new TextEncoder().encode(file.content))
		});
		await startImport(deps.db, serial, project.id, {
			importId: upload.importId,
			datasetId: datasetIds[file.dataset],
			format: 'jsonl',
			mapping: file.mapping
		});
		importIds.push(upload.importId);
	}
	await serial.enqueue('demo.results', { projectId: project.id, userId, datasetIds, importIds }, { maxAttempts: 10 });
	logger.info('demo project created', { projectId: project.id, userId });
	return { projectId: project.id, datasetId: datasetIds.en, datasetIds, importIds };
}

/** On an empty instance, says in the server log where the demo is offered (`demoUrl`: the /demo page). */
export async function logDemoHintIfEmpty(db: Db, demoUrl: string): Promise<void> {
	if (await instanceHasNoProjects(db)) {
		logger.info(
			`No projects yet. Sign in as the instance administrator and open ${demoUrl} (or use "Create demo project" on the projects page) for a ready-made example.`,
			{
				demoUrl
			}
		);
	}
}
