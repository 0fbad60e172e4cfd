/**
 * Job name → service call. The worker (in-process or `npm run worker`) runs
 * these; handlers stay one line so the logic lives in services.
 */
import type { Db } from '../db/client';
import { refreshProjectStats } from '../services/project-stats';
import type { JobHandlers } from './queue';

export function createJobHandlers(deps: { db: Db; workerName: string }): JobHandlers {
	return {
		'project.refresh-stats': ({ projectId }) => refreshProjectStats(deps.db, projectId, deps.workerName)
	};
}
