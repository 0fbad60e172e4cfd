/**
 * Shared by the planted analysis tests: the judge run their simulated verdicts belong to, the
 * verdicts and labels written in batches, and the simulated rater that reports the truth with a
 * known accuracy. Rows go straight into the tables; the procedures under test read them back.
 */
import type { Db } from '../../../../src/lib/server/db/client';
import type { JudgeMode } from '../../../../src/lib/judging/types';

/**
 * A judge run with no judgments yet. Imported by default (no rubric, no status); a `live` run
 * needs its rubric version and status (the table's check).
 */
export async function insertJudgeRun(
	db: Db,
	run: {
		projectId: string;
		datasetId: string;
		name: string;
		mode: JudgeMode;
		judgeModel?: string;
		live?: { rubricVersionId: string; status: 'completed' };
	}
): Promise<string> {
	const row = await db
		.insertInto('judge_run')
		.values({
			project_id: run.projectId,
			dataset_id: run.datasetId,
			source: run.live ? 'live' : 'imported',
			name: run.name,
			mode: run.mode,
			judge_model: run.judgeModel ?? 'simulated',
			...(run.live ? { rubric_version_id: run.live.rubricVersionId, status: run.live.status } : {}),
			created_by: null,
			import_id: null
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/** A judgment row on one pair of answers of a planted run (a verdict in one order, one sample). */
export function pairJudgment(
	pair: { runId: string; itemId: string; aId: string; bId: string },
	order: 'ab' | 'ba',
	sample: number,
	verdict: 'A' | 'B' | 'tie',
	status: 'ok' | 'failed' = 'ok'
) {
	return {
		run_id: pair.runId,
		item_id: pair.itemId,
		answer_a_id: pair.aId,
		answer_b_id: pair.bId,
		presented_order: order,
		sample,
		verdict,
		status
	};
}

/** A statement holds at most 65,535 parameters: 2,000 rows of up to a dozen columns stay below. */
const BATCH = 2000;

/** Planted judgment and annotation rows (as the test builds them), in batches. */
export async function insertPlanted(db: Db, rows: { judgments: object[]; labels: object[] }): Promise<void> {
	for (let k = 0; k < rows.judgments.length; k += BATCH)
		await db
			.insertInto('judgment')
			.values(rows.judgments.slice(k, k + BATCH) as never)
			.execute();
	for (let k = 0; k < rows.labels.length; k += BATCH)
		await db
			.insertInto('annotation')
			.values(rows.labels.slice(k, k + BATCH) as never)
			.execute();
}

/**
 * A simulated rater on `values`: reports the truth `t` with probability `accuracy`, else one of
 * the other values, uniformly (so the planted agreement rates have closed forms).
 */
export function noisyReporter<T>(random: () => number, values: readonly T[]) {
	return (t: T, accuracy: number): T => {
		if (random() < accuracy) return t;
		const others = values.filter((v) => v !== t);
		return others[Math.floor(random() * others.length)];
	};
}
