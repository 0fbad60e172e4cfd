/**
 * "Create demo project": one click gives a fresh instance something to show.
 *
 * The demo goes through the same path as a user's import — upload (stored
 * chunks) → start (queued 'dataset.import' job) → the import runner — with
 * the two files of `demo/files.ts`, so its rows are content-hashed and
 * versioned like any other data. The project and its dataset exist at once;
 * the items appear when the worker has run the two jobs (seconds).
 *
 * Each call creates a NEW, independent demo project (a sandbox one can
 * break and recreate); it never adds a second copy of the rows to an existing
 * project. Re-importing the same demo files into the same dataset adds nothing,
 * because imports deduplicate by content.
 */
import type { Db } from '../db/client';
import * as datasetsRepo from '../db/repositories/datasets';
import { instanceHasNoProjects } from '../db/repositories/demo';
import { demoFiles } from '../demo/files';
import { AppError } from '../errors';
import type { Queue } from '../jobs/queue';
import { logger } from '../logger';
import { receiveUpload, startImport } from './imports';
import { createProject } from './projects';

export const DEMO_PROJECT_NAME = 'Concord demo';
export const DEMO_DATASET_NAME = 'Demo questions';
const DEMO_DESCRIPTION =
	'A small sample written for Concord: 40 questions on network operations, cloud pre-sales, materials science, clinical information and general topics — some multi-turn, some with reference answers — each answered by three systems of different quality and length.';

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
	yield bytes;
}

export interface DemoProject {
	projectId: string;
	datasetId: string;
	importIds: string[];
}

export async function createDemoProject(deps: { db: Db; queue: Queue }, userId: string): Promise<DemoProject> {
	const project = await createProject(deps, { name: DEMO_PROJECT_NAME, description: DEMO_DESCRIPTION, userId });
	// The dataset exists before the imports run, so both files target it (they serialise on its row lock).
	const dataset = await datasetsRepo.insertDataset(deps.db, {
		projectId: project.id,
		name: DEMO_DATASET_NAME,
		description: DEMO_DESCRIPTION,
		createdBy: userId
	});
	if (!dataset) throw new AppError('INTERNAL', 'The demo dataset could not be created.');
	const importIds: string[] = [];
	for (const file of demoFiles()) {
		const upload = await receiveUpload(deps.db, {
			projectId: project.id,
			userId,
			fileName: file.fileName,
			body: once(new TextEncoder().encode(file.content))
		});
		await startImport(deps.db, deps.queue, project.id, {
			importId: upload.importId,
			datasetId: dataset.id,
			format: 'jsonl',
			mapping: file.mapping
		});
		importIds.push(upload.importId);
	}
	logger.info('demo project created', { projectId: project.id, userId });
	return { projectId: project.id, datasetId: dataset.id, importIds };
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
