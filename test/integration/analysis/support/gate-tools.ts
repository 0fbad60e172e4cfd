/**
 * Shared by the gate tests (pointwise and pairwise): a new version of a rubric written straight
 * into the table (its hash as the app computes it), and a run marked completed once a simulated
 * judge has written its verdicts.
 */
import { contentHash } from '../../../../src/lib/judging/content-hash';
import type { RubricContent } from '../../../../src/lib/judging/types';
import type { Db } from '../../../../src/lib/server/db/client';

export async function addRubricVersion(
	db: Db,
	v: { projectId: string; rubricId: string; version: number; content: RubricContent }
): Promise<string> {
	const row = await db
		.insertInto('rubric_version')
		.values({
			rubric_id: v.rubricId,
			project_id: v.projectId,
			version: v.version,
			content: JSON.stringify(v.content),
			content_hash: contentHash(v.content),
			mode: v.content.mode,
			created_by: null
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function completeRun(db: Db, runId: string): Promise<void> {
	await db
		.updateTable('judge_run')
		.set({ status: 'completed', finished_at: new Date() })
		.where('id', '=', runId)
		.execute();
}
