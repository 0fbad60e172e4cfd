/**
 * Shared by the gate tests (pointwise and pairwise): the project every gate test starts from (a
 * built-in judge's rubric, a simulated provider, a seeded dataset and its answers), a new version
 * of a rubric written straight into the table (its hash as the app computes it), and a run marked
 * completed once a simulated judge has written its verdicts.
 */
import { rubricFromJudge } from '../../../../src/lib/judging/judge-files';
import { contentHash } from '../../../../src/lib/judging/content-hash';
import type { RubricContent } from '../../../../src/lib/judging/types';
import type { Db } from '../../../../src/lib/server/db/client';
import { loadBuiltinJudges } from '../../../../src/lib/server/judging/builtin-judges';
import { seedDataset, type SeedItem } from '../../datasets/support/seed';
import { makeProvider, makeRubricVersion } from '../../judging/support/factory';
import { makeProjectWithMembers, type ProjectWithMembers } from '../../projects/factories';

export interface GateProject {
	p: ProjectWithMembers;
	/** The built-in judge's rubric in English, without examples (version 1). */
	content: RubricContent;
	rubricId: string;
	/** Version 1 of the rubric. */
	v1: string;
	/** A simulated provider (the tests write the judge's verdicts themselves). */
	provider: string;
	datasetId: string;
	/** Every answer of the dataset, by item external id, then system name. */
	answers: { id: string; item_id: string; name: string; external_id: string }[];
}

/**
 * A project named `name` with the rubric of the built-in judge `judgeId`, a simulated provider
 * and a dataset of `items`; the gold labels are the test's own.
 */
export async function makeGateProject(
	db: Db,
	opts: { name: string; judgeId: string; items: SeedItem[] }
): Promise<GateProject> {
	const p = await makeProjectWithMembers(db, opts.name);
	const judgeDef = (await loadBuiltinJudges()).find((j) => j.id === opts.judgeId)!;
	const content = { ...rubricFromJudge(judgeDef, 'en'), examples: [] };
	const { rubricId, versionId: v1 } = await makeRubricVersion(db, p.projectId, content, `${opts.name} rubric`);
	const provider = await makeProvider(db, p.projectId, {
		kind: 'simulated',
		model: 'simulated-judge',
		simulation: { seed: 1, positionBias: 0, lengthBias: 0, noise: 0.1 }
	});
	const { datasetId } = await seedDataset(db, {
		projectId: p.projectId,
		name: `${opts.name} planted`,
		items: opts.items
	});
	const answers = await db
		.selectFrom('candidate_answer as a')
		.innerJoin('system as s', 's.id', 'a.system_id')
		.innerJoin('dataset_item as i', 'i.id', 'a.item_id')
		.select(['a.id', 'a.item_id', 's.name', 'i.external_id'])
		.where('a.dataset_id', '=', datasetId)
		.orderBy('i.external_id')
		.orderBy('s.name')
		.execute();
	return { p, content, rubricId, v1, provider, datasetId, answers };
}

/** Gold labels (annotation rows as the test builds them), in one insert. */
export async function insertLabels(db: Db, labels: object[]): Promise<void> {
	await db
		.insertInto('annotation')
		.values(labels as never)
		.execute();
}

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
