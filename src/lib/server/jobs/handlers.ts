/**
 * Job name → service call. The worker (in-process or `npm run worker`) runs
 * these; handlers stay one line so the logic lives in services.
 */
import type pg from 'pg';
import type { Db } from '../db/client';
import { runImportJob } from '../services/import-runner';
import { refreshProjectStats } from '../services/project-stats';
import type { JobHandlers } from './queue';

/** `pool` is needed by jobs that hold one connection for a whole transaction (imports use COPY). */
export function createJobHandlers(deps: { db: Db; workerName: string; pool?: pg.Pool }): JobHandlers {
	return {
		'project.refresh-stats': ({ projectId }) => refreshProjectStats(deps.db, projectId, deps.workerName),
		'dataset.import': ({ importId }, ctx) => runImportJob({ db: deps.db, pool: deps.pool }, importId, ctx)
	};
}
