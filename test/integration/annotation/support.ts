/**
 * Fixtures for the annotation tests: a project with annotators, a small dataset, and rubric
 * versions made from the built-in judges (written straight into the tables: the rubrics
 * feature has its own tests).
 */
import { randomUUID } from 'node:crypto';
import type { SessionUser } from '../../../src/lib/server/auth/types';
import { createDb, createPool, type Db } from '../../../src/lib/server/db/client';
import { addMember } from '../../../src/lib/server/db/repositories/members';
import { rubricFromJudge } from '../../../src/lib/judging/judge-files';
import { loadBuiltinJudges } from '../../../src/lib/server/judging/builtin-judges';
import { makeProjectWithMembers, makeUser, type ProjectWithMembers } from '../projects/factories';
import { seedDataset, type SeedItem } from '../datasets/support/seed';
import { makeRubricVersion as insertRubricVersion } from '../judging/support/factory';
import { createCallerFactory } from '../../../src/lib/server/trpc/init';
import { appRouter } from '../../../src/lib/server/trpc/router';
import type { Harness } from '../support/harness';
export { codeOf } from '../support/app-error';

/** A version-1 rubric made from a built-in judge (English), written straight into the tables. */
export async function makeRubricVersion(db: Db, projectId: string, judgeId: string): Promise<string> {
	const judge = (await loadBuiltinJudges()).find((j) => j.id === judgeId);
	if (!judge) throw new Error(`no built-in judge ${judgeId}`);
	const name = `${judgeId}-${randomUUID().slice(0, 6)}`;
	return (await insertRubricVersion(db, projectId, rubricFromJudge(judge, 'en'), name)).versionId;
}

export interface AnnotationFixture extends ProjectWithMembers {
	datasetId: string;
	systems: Record<string, string>;
	items: Record<string, string>;
	pairwiseRubric: string;
	pointwiseRubric: string;
	annotators: SessionUser[];
}

/** `n` items answered by systems s1..s3 (so all-pairs gives 3 pairs per item), plus `extraAnnotators`. */
export async function makeAnnotationFixture(
	db: Db,
	opts: { items?: number; extraAnnotators?: number; name?: string } = {}
): Promise<AnnotationFixture> {
	const project = await makeProjectWithMembers(db, opts.name ?? `Annotation ${randomUUID().slice(0, 6)}`);
	const items: SeedItem[] = Array.from({ length: opts.items ?? 6 }, (_, i) => ({
		externalId: `q${i + 1}`,
		prompt: `Question ${i + 1}?`,
		reference: `Reference ${i + 1}`,
		category: i % 2 === 0 ? 'math' : 'writing',
		answers: { s1: `s1 answers ${i + 1}`, s2: `s2 answers ${i + 1}`, s3: `s3 answers ${i + 1}` }
	}));
	const seeded = await seedDataset(db, { projectId: project.projectId, name: `ds-${randomUUID().slice(0, 6)}`, items });
	const annotators: SessionUser[] = [project.annotator];
	for (let i = 0; i < (opts.extraAnnotators ?? 0); i++) {
		const user = await makeUser(db, { name: `annotator${i}` });
		await addMember(db, { projectId: project.projectId, userId: user.id, role: 'annotator' });
		annotators.push(user);
	}
	return {
		...project,
		datasetId: seeded.datasetId,
		systems: seeded.systems,
		items: seeded.items,
		pairwiseRubric: await makeRubricVersion(db, project.projectId, 'pairwise'),
		pointwiseRubric: await makeRubricVersion(db, project.projectId, 'criteria-1-5'),
		annotators
	};
}

export const key = () => randomUUID();

/**
 * Callers on a pool of their own: the harness pool has 5 connections, and the concurrency tests
 * need one per annotator so that their transactions really run at once.
 */
export function widePool(h: Harness, connections: number) {
	const db = createDb(createPool(h.url, connections));
	return {
		caller: (user: SessionUser) =>
			createCallerFactory(appRouter)({
				db,
				queue: h.queue,
				user,
				session: { id: `test-${key()}`, createdAt: new Date(), lastVerifiedAt: new Date() },
				request: { clientAddress: '127.0.0.1', userAgent: 'vitest' }
			}),
		close: () => db.destroy()
	};
}

/** A queue over the fixture's dataset (pairwise, k = 3, a fresh name), made by its admin. */
export function createQueueFor(h: Harness, f: AnnotationFixture, extra: Record<string, unknown> = {}) {
	return h.caller(f.admin).annotation.createQueue({
		projectId: f.projectId,
		datasetId: f.datasetId,
		rubricVersionId: f.pairwiseRubric,
		name: `q-${key().slice(0, 8)}`,
		overlapK: 3,
		...extra
	} as never);
}
