/**
 * The admin's queue forms: the create form's pairing picker (every pair, or each system against
 * a baseline) read by queue-form.ts into annotation.createQueue, and "add items" with the same
 * selections as creation, whose preview (annotation.previewItems) counts exactly what addItems
 * then adds, and leaves finished work alone; the create form's own preview
 * (annotation.previewQueue) counts what createQueue then makes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readQueueForm, readSelection } from '../../../src/routes/(app)/projects/[projectId]/queues/queue-form';
import { createHarness, type Harness } from '../support/harness';
import { codeOf, createQueueFor, makeAnnotationFixture, type AnnotationFixture } from './support';

let h: Harness;
let f: AnnotationFixture;

beforeAll(async () => {
	h = await createHarness();
	f = await makeAnnotationFixture(h.db, { items: 6 });
});
afterAll(async () => {
	await h.close();
});

const formOf = (fields: Record<string, string>) => {
	const form = new FormData();
	for (const [k, v] of Object.entries(fields)) form.append(k, v);
	return form;
};

describe('queue forms', () => {
	it('creates a pairwise queue against the baseline chosen in the form', async () => {
		const { input } = readQueueForm(
			formOf({
				name: 'baseline from the form',
				datasetId: f.datasetId,
				rubricVersionId: f.pairwiseRubric,
				selection: 'all',
				pairing: 'baseline',
				baselineSystemId: f.systems.s2,
				overlapK: '1'
			})
		);
		expect(input).toMatchObject({ pairing: 'baseline', baselineSystemId: f.systems.s2 });
		const q = await h.caller(f.admin).annotation.createQueue({ projectId: f.projectId, ...input });
		// 6 items × (s1 vs s2, s3 vs s2): the baseline is always answer B.
		expect(q.taskCount).toBe(12);
		const baselines = await h.db
			.selectFrom('annotation_task as t')
			.innerJoin('candidate_answer as b', 'b.id', 't.answer_b_id')
			.select('b.system_id')
			.distinct()
			.where('t.queue_id', '=', q.id)
			.execute();
		expect(baselines).toEqual([{ system_id: f.systems.s2 }]);
		// All pairs when the form says so (the system field is ignored then).
		const all = readQueueForm(
			formOf({ name: 'x', pairing: 'all-pairs', baselineSystemId: f.systems.s2, selection: 'all' })
		);
		expect(all.input).toMatchObject({ pairing: 'all-pairs', baselineSystemId: undefined });
	});

	it('previews the count that adding items then adds, for each selection', async () => {
		const admin = h.caller(f.admin);
		const q = await createQueueFor(h, f, { selection: { kind: 'random', n: 1, seed: 'start' }, overlapK: 1 });
		expect(q.taskCount).toBe(3); // one item, three pairs
		const ref = { projectId: f.projectId, queueId: q.id };
		const cases = [
			readSelection(formOf({ selection: 'random', n: '2' })),
			readSelection(formOf({ selection: 'stratified', n: '2', by: 'category' })),
			readSelection(formOf({ selection: 'all' }))
		];
		expect(cases.map((s) => s.kind)).toEqual(['random', 'stratified', 'all']);
		let total = q.taskCount;
		for (const selection of cases) {
			const { count } = await admin.annotation.previewItems({ ...ref, selection });
			const added = await admin.annotation.addItems({ ...ref, selection });
			expect(added.added).toBe(count);
			total += added.added;
			expect(added.taskCount).toBe(total);
		}
		expect(total).toBe(18); // 6 items × 3 pairs, none twice
		expect((await admin.annotation.previewItems({ ...ref, selection: { kind: 'all' } })).count).toBe(0);
		// Annotators may not ask (it would count tasks of a queue they label blind).
		expect(await codeOf(h.caller(f.annotator).annotation.previewItems({ ...ref, selection: { kind: 'all' } }))).toBe(
			'FORBIDDEN'
		);
	});

	it('previews what creating a queue will make, before it exists, for each selection and pairing', async () => {
		const admin = h.caller(f.admin);
		const cases: { fields: Record<string, string>; expected?: number }[] = [
			{ fields: { selection: 'all', pairing: 'all-pairs' }, expected: 18 },
			{ fields: { selection: 'all', pairing: 'baseline', baselineSystemId: f.systems.s1 }, expected: 12 },
			{ fields: { selection: 'random', n: '2', pairing: 'all-pairs' }, expected: 6 },
			{
				fields: { selection: 'stratified', n: '4', by: 'category', pairing: 'baseline', baselineSystemId: f.systems.s3 }
			},
			{ fields: { selection: 'random', n: '3', pairing: 'all-pairs' }, expected: 9 }
		];
		for (const [i, { fields, expected }] of cases.entries()) {
			const { input } = readQueueForm(
				formOf({
					name: `preview ${i}`,
					datasetId: f.datasetId,
					rubricVersionId: f.pairwiseRubric,
					overlapK: '2',
					...fields
				})
			);
			const preview = await admin.annotation.previewQueue({
				projectId: f.projectId,
				datasetId: f.datasetId,
				rubricVersionId: f.pairwiseRubric,
				selection: input.selection,
				pairing: input.pairing,
				baselineSystemId: input.baselineSystemId
			});
			expect(preview.mode).toBe('pairwise');
			const q = await admin.annotation.createQueue({ projectId: f.projectId, ...input });
			expect(q.taskCount).toBe(preview.count);
			if (expected !== undefined) expect(preview.count).toBe(expected);
		}
		// Pointwise rubric: one task per answer.
		const pointwise = await admin.annotation.previewQueue({
			projectId: f.projectId,
			datasetId: f.datasetId,
			rubricVersionId: f.pointwiseRubric,
			selection: { kind: 'all' },
			pairing: 'all-pairs'
		});
		expect(pointwise).toEqual({ count: 18, mode: 'pointwise' });
		// Annotators may not ask.
		expect(
			await codeOf(
				h.caller(f.annotator).annotation.previewQueue({
					projectId: f.projectId,
					datasetId: f.datasetId,
					rubricVersionId: f.pairwiseRubric,
					selection: { kind: 'all' },
					pairing: 'all-pairs'
				})
			)
		).toBe('FORBIDDEN');
	});
});
