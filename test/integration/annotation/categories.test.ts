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
	f = await makeAnnotationFixture(h.db, { items: 2, extraAnnotators: 1 });
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

	it('adjudicates a split on categories: labels and the judge named by category, a gold category checked and stored as its index', async () => {
		// A judge run on the same rubric version that says "pass" (3 samples: pass, fail, pass).
		const run = await h.db
			.insertInto('judge_run')
			.values({
				project_id: f.projectId,
				dataset_id: f.datasetId,
				source: 'live',
				name: 'pass-fail judge',
				mode: 'pointwise',
				judge_model: 'planted',
				rubric_version_id: passFailVersion,
				status: 'completed',
				created_by: null,
				import_id: null
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const q = await createQueueFor(h, f, {
			rubricVersionId: passFailVersion,
			overlapK: 2,
			judgeRunId: run.id,
			disagreementThreshold: 0.25
		});
		const [first, second] = f.annotators;
		const one = (await h.caller(first).annotation.next({ projectId: f.projectId, queueId: q.id }))!;
		const task = await h.db
			.selectFrom('annotation_assignment as a')
			.innerJoin('annotation_task as t', 't.id', 'a.task_id')
			.select(['t.id', 't.item_id', 't.answer_a_id'])
			.where('a.id', '=', one.assignmentId)
			.executeTakeFirstOrThrow();
		for (const [sample, category] of ['pass', 'fail', 'pass'].entries()) {
			await h.db
				.insertInto('judgment')
				.values({
					run_id: run.id,
					item_id: task.item_id,
					answer_a_id: task.answer_a_id,
					sample,
					status: 'ok',
					category
				})
				.execute();
		}
		const submit = async (user: typeof first, assignmentId: string, category: string) =>
			h.caller(user).annotation.submit({
				projectId: f.projectId,
				assignmentId,
				label: { category },
				rationale: `${category} because`,
				activeSeconds: 2,
				idempotencyKey: key()
			});
		await submit(first, one.assignmentId, 'fail');
		// The second annotator gets the same task first (seq order) and says pass.
		const two = (await h.caller(second).annotation.next({ projectId: f.projectId, queueId: q.id }))!;
		expect(two.item.externalId).toBe(one.item.externalId);
		await submit(second, two.assignmentId, 'pass');

		const admin = h.caller(f.admin);
		const page = await admin.annotation.adjudication({ projectId: f.projectId, queueId: q.id });
		const item = page.items.find((i) => i.taskId === task.id)!;
		expect(item.disagreement).toBe(0.5);
		expect(item.labels.map((l) => l.category).sort()).toEqual(['fail', 'pass']);
		expect(item.judgments.map((j) => j.category)).toEqual(['pass', 'fail', 'pass']);
		// Humans split 1-1 (no majority), so the judge's majority "pass" is not theirs.
		expect(item.judgeDisagrees).toBe(true);

		const gold = (category: string, expectedVersion = 0) =>
			admin.annotation.adjudicate({
				projectId: f.projectId,
				queueId: q.id,
				taskId: task.id,
				label: { category },
				rationale: 'the answer fails the question',
				expectedVersion
			});
		expect(await codeOf(gold('maybe'))).toBe('BAD_REQUEST');
		expect((await gold('fail')).version).toBe(1);
		const stored = await h.db
			.selectFrom('annotation')
			.select(['score', 'source'])
			.where('task_id', '=', task.id)
			.where('source', '=', 'gold')
			.executeTakeFirstOrThrow();
		expect(Number(stored.score)).toBe(1);
		const after = await admin.annotation.adjudication({ projectId: f.projectId, queueId: q.id });
		expect(after.items.find((i) => i.taskId === task.id)!.gold).toMatchObject({ category: 'fail', version: 1 });
		expect((await gold('pass', 1)).version).toBe(2);
	});
});
