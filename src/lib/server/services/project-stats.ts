/**
 * Project statistics are computed by a background job (the first job type, and
 * the proof that the queue works end to end): counts are cached in
 * `project_stats` so the overview page stays cheap as datasets grow.
 */
import type { Db } from '../db/client';
import * as statsRepo from '../db/repositories/project-stats';
import type { Queue } from '../jobs/queue';

export async function requestStatsRefresh(queue: Queue, projectId: string) {
	// jobKey: many requests while one is pending collapse into one job.
	return queue.enqueue('project.refresh-stats', { projectId }, { jobKey: `project-stats:${projectId}` });
}

export async function refreshProjectStats(db: Db, projectId: string, workerName: string) {
	const { memberCount, counts } = await statsRepo.computeProjectCounts(db, projectId);
	await statsRepo.upsertProjectStats(db, { projectId, memberCount, counts, worker: workerName });
}

export async function getProjectStats(db: Db, projectId: string) {
	const row = await statsRepo.findProjectStats(db, projectId);
	if (!row) return null;
	return {
		memberCount: row.member_count,
		counts: row.counts,
		refreshedAt: row.refreshed_at,
		refreshedBy: row.refreshed_by_worker
	};
}
