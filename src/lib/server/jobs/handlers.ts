/**
 * Job name → service call. The worker (in-process or `npm run worker`) runs
 * these; handlers stay one line so the logic lives in services.
 */
import type pg from 'pg';
import type { Db } from '../db/client';
import { runDemoResultsJob } from '../services/demo-results';
import { onImportJobReleased, runImportJob } from '../services/import-runner';
import { onJudgeRunJobReleased, runJudgeRunJob, type ExecutorDeps } from '../services/judge-executor';
import { refreshProjectStats } from '../services/project-stats';
import type { ReleaseHooks } from './liveness';
import type { JobHandlers } from './queue';

/** `pool` is needed by jobs that hold one connection for a whole transaction (imports use COPY). */
export function createJobHandlers(deps: {
	db: Db;
	workerName: string;
	pool?: pg.Pool;
	/** LLM client knobs for tests and benchmarks (short backoff). */
	llm?: ExecutorDeps['llm'];
}): JobHandlers {
	return {
		'project.refresh-stats': ({ projectId }) => refreshProjectStats(deps.db, projectId, deps.workerName),
		'dataset.import': ({ importId }, ctx) => runImportJob({ db: deps.db, pool: deps.pool }, importId, ctx),
		'judge.run': (payload, ctx) =>
			runJudgeRunJob({ db: deps.db, workerName: deps.workerName, llm: deps.llm }, payload, ctx),
		'demo.results': (payload) => runDemoResultsJob(deps.db, payload)
	};
}

/**
 * Job name → what its service does when the job's worker died mid-run
 * (jobs/liveness.ts). Runs in the sweep transaction; jobs without a hook are
 * simply retried.
 */
export function createReleaseHooks(_deps: { db: Db }): ReleaseHooks {
	return {
		'dataset.import': ({ importId }, job, trx) => onImportJobReleased(trx, importId, job),
		'judge.run': (payload, job, trx) => onJudgeRunJobReleased(trx, payload, job)
	};
}
