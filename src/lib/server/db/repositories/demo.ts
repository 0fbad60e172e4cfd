/** The queries the demo needs outside the import path: the empty-instance check and its simulated labels. */
import type { Db } from '../client';
import type { JsonObject, Verdict } from '../schema';

/** True when the instance has no project at all (a fresh install). */
export async function instanceHasNoProjects(db: Db): Promise<boolean> {
	const row = await db.selectFrom('project').select('id').limit(1).executeTakeFirst();
	return row === undefined;
}

export interface DemoLabelRow {
	itemId: string;
	answerAId: string;
	answerBId: string | null;
	annotator: string;
	key: string;
	verdict: Verdict | null;
	score: number | null;
	metadata: JsonObject;
}

/** The demo's simulated labels, as imported labels of one dataset (one statement). */
export async function insertDemoLabels(
	db: Db,
	target: { projectId: string; datasetId: string },
	rows: readonly DemoLabelRow[]
): Promise<number> {
	if (rows.length === 0) return 0;
	const result = await db
		.insertInto('annotation')
		.values(
			rows.map((r) => ({
				project_id: target.projectId,
				dataset_id: target.datasetId,
				item_id: r.itemId,
				answer_a_id: r.answerAId,
				answer_b_id: r.answerBId,
				source: 'imported' as const,
				external_annotator: r.annotator,
				external_key: r.key,
				verdict: r.verdict,
				score: r.score,
				metadata: JSON.stringify(r.metadata)
			}))
		)
		.executeTakeFirst();
	return Number(result.numInsertedOrUpdatedRows ?? 0);
}
