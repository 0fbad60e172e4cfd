/**
 * Category rubrics in the workspace: a pointwise rubric whose output is a set of categories
 * (pass/fail; A/B/C with criteria beside it) is labelled with one of its categories, stored as
 * the category's index in `score` (the nominal scale the analysis services read), shown back as
 * the category, revisable, and refused when the category is not the rubric's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criteria5, passFail } from '../../../src/lib/judging/test-rubrics';
import { scoreScale } from '../../../src/lib/server/services/analysis-score-agreement';
import { loadPointwiseScores } from '../../../src/lib/server/services/analysis-scores';
import { makeRubricVersion } from '../judging/support/factory';
import { createHarness, type Harness } from '../support/harness';
import { codeOf, createQueueFor, key, makeAnnotationFixture, type AnnotationFixture } from './support';

let h: Harness;
let f: AnnotationFixture;
let passFailVersion: string;
let abcVersion: string;
const abc = { ...criteria5, output: { kind: 'categories' as const, categories: ['A', 'B', 'C'] } };

beforeAll(async () => {
	h = await createHarness();
	f = await makeAnnotationFixture(h.db, { items: 2 });
	passFailVersion = (await makeRubricVersion(h.db, f.projectId, passFail)).versionId;
	abcVersion = (await makeRubricVersion(h.db, f.projectId, abc)).versionId;
});
afterAll(async () => {
	await h.close();
});

describe('category rubrics', () => {
	it('stores a pass/fail label as the category index that the analysis reads, and shows it back', async () => {
		const q = await createQueueFor(h, f, { rubricVersionId: passFailVersion, overlapK: 1 });
		const c = h.caller(f.annotator);
		const view = (await c.annotation.next({ projectId: f.projectId, queueId: q.id }))!;
		expect(view.rubric.output).toEqual({ kind: 'categories', categories: ['pass', 'fail'] });
		const submit = (label: Record<string, unknown>, expectedVersion = 0) =>
			c.annotation.submit({
				projectId: f.projectId,
				assignmentId: view.assignmentId,
				label,
				activeSeconds: 3,
				expectedVersion,
				idempotencyKey: key()
			});
		expect(await codeOf(submit({ category: 'maybe' }))).toBe('BAD_REQUEST');
		expect(await codeOf(submit({ score: 1 }))).toBe('BAD_REQUEST');
		expect((await submit({ category: 'fail' })).version).toBe(1);
		const row = await h.db
			.selectFrom('annotation')
			.select(['score', 'answer_a_id', 'criteria'])
			.where('assignment_id', '=', view.assignmentId)
			.executeTakeFirstOrThrow();
		expect(Number(row.score)).toBe(1);
		expect(row.criteria).toBeNull();
		const again = await c.annotation.task({ projectId: f.projectId, assignmentId: view.assignmentId });
		expect(again.label).toMatchObject({ category: 'fail', score: 1, version: 1 });

		// Revised to pass: version 2, index 0.
		expect((await submit({ category: 'pass' }, 1)).version).toBe(2);
		const scored = await loadPointwiseScores(h.db, { datasetId: f.datasetId, runId: null, humanSource: 'all' });
		const answer = scored.find((a) => a.answerId === row.answer_a_id)!;
		expect(answer.humans).toEqual([expect.objectContaining({ score: 0 })]);
		// The analysis's nominal scale for this rubric: the categories' indices.
		expect(scoreScale(passFail, null, [])).toEqual({ level: 'nominal', values: [0, 1], labels: ['pass', 'fail'] });
	});

	it('takes criteria scores and red lines beside the category', async () => {
		const q = await createQueueFor(h, f, { rubricVersionId: abcVersion, overlapK: 1 });
		const c = h.caller(f.annotator);
		const view = (await c.annotation.next({ projectId: f.projectId, queueId: q.id }))!;
		const scores = Object.fromEntries(abc.criteria.map((cr) => [cr.id, cr.scale.max]));
		const redLines = Object.fromEntries(abc.criteria.filter((cr) => cr.redLine).map((cr) => [cr.id, true]));
		const submit = (label: Record<string, unknown>) =>
			c.annotation.submit({
				projectId: f.projectId,
				assignmentId: view.assignmentId,
				label,
				activeSeconds: 3,
				idempotencyKey: key()
			});
		expect(await codeOf(submit({ category: 'C', scores: {}, redLines }))).toBe('BAD_REQUEST');
		await submit({ category: 'C', scores, redLines });
		const after = await c.annotation.task({ projectId: f.projectId, assignmentId: view.assignmentId });
		expect(after.label).toMatchObject({ category: 'C', score: 2, scores, redLines });
	});
});
