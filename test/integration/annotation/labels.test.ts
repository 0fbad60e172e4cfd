/**
 * Labels on real PostgreSQL: revisions with versions (two writers: exactly one wins), a
 * double-clicked submit makes one label, the append-only audit rebuilds the labels, pointwise
 * scores against the rubric, adjudication with imported labels beside ours and a gold label.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../../src/lib/server/auth/types';
import { currentLabels, rebuildLabelsFromAudit } from '../../../src/lib/server/services/annotation-adjudication';
import { createHarness, type Harness } from '../support/harness';
import { codeOf, createQueueFor, key, makeAnnotationFixture, widePool, type AnnotationFixture } from './support';

let h: Harness;
let f: AnnotationFixture;
let wide: ReturnType<typeof widePool>;
const wideCaller = (user: SessionUser) => wide.caller(user);

beforeAll(async () => {
	h = await createHarness();
	wide = widePool(h, 10);
	f = await makeAnnotationFixture(h.db, { items: 4, extraAnnotators: 3 });
});
afterAll(async () => {
	await wide.close();
	await h.close();
});

const queue = (extra: Record<string, unknown> = {}) => createQueueFor(h, f, extra);

const submitInput = (assignmentId: string, extra: Record<string, unknown> = {}) => ({
	projectId: f.projectId,
	assignmentId,
	label: { verdict: 'left' as const },
	activeSeconds: 4,
	idempotencyKey: key(),
	...extra
});

describe('labels', () => {
	it('creates one label for a double-clicked submit (same idempotency key, at once)', async () => {
		const q = await queue();
		const c = wideCaller(f.annotator);
		const view = (await c.annotation.next({ projectId: f.projectId, queueId: q.id }))!;
		const input = submitInput(view.assignmentId);
		const results = await Promise.all([
			c.annotation.submit(input),
			c.annotation.submit(input),
			c.annotation.submit(input)
		]);
		expect(new Set(results.map((r) => r.labelId)).size).toBe(1);
		expect(results.map((r) => r.version)).toEqual([1, 1, 1]);
		expect(results.filter((r) => !r.replayed)).toHaveLength(1);
		const rows = await h.db
			.selectFrom('annotation')
			.select('id')
			.where('assignment_id', '=', view.assignmentId)
			.execute();
		expect(rows).toHaveLength(1);
		const audit = await h.db
			.selectFrom('annotation_audit')
			.select('id')
			.where('annotation_id', '=', rows[0].id)
			.execute();
		expect(audit).toHaveLength(1);
		const progress = await h.caller(f.admin).annotation.progress({ projectId: f.projectId, queueId: q.id });
		expect(progress.queue.done).toBe(1);
		// A second first-submit with another key is stale (the label exists): CONFLICT.
		expect(await codeOf(c.annotation.submit(submitInput(view.assignmentId)))).toBe('CONFLICT');
	});

	it('re-checks a submit made straight after next (written without reading back): owner, closed queue', async () => {
		const q = await queue();
		const [u1, u2] = f.annotators;
		const mine = (await h.caller(u1).annotation.next({ projectId: f.projectId, queueId: q.id }))!;
		// Someone else's reservation is NOT_FOUND, and leaves it to its owner.
		expect(await codeOf(h.caller(u2).annotation.submit(submitInput(mine.assignmentId)))).toBe('NOT_FOUND');
		const ok = await h.caller(u1).annotation.submit(submitInput(mine.assignmentId));
		expect(ok).toMatchObject({ version: 1, replayed: false });
		// A queue closed between next and submit takes no label.
		const held = (await h.caller(u2).annotation.next({ projectId: f.projectId, queueId: q.id }))!;
		await h.caller(f.admin).annotation.setStatus({ projectId: f.projectId, queueId: q.id, status: 'closed' });
		expect(await codeOf(h.caller(u2).annotation.submit(submitInput(held.assignmentId)))).toBe('CONFLICT');
		const labels = await h.db.selectFrom('annotation').select('assignment_id').where('queue_id', '=', q.id).execute();
		expect(labels.map((l) => l.assignment_id)).toEqual([mine.assignmentId]);
	});

	it('lets exactly one of two concurrent revisions from the same version win; the other gets CONFLICT', async () => {
		const q = await queue();
		const c = wideCaller(f.annotators[1]);
		const view = (await c.annotation.next({ projectId: f.projectId, queueId: q.id }))!;
		await c.annotation.submit(submitInput(view.assignmentId, { rationale: 'first' }));
		const outcomes = await Promise.allSettled([
			c.annotation.submit(
				submitInput(view.assignmentId, { label: { verdict: 'right' }, rationale: 'writer 1', expectedVersion: 1 })
			),
			c.annotation.submit(
				submitInput(view.assignmentId, { label: { verdict: 'tie' }, rationale: 'writer 2', expectedVersion: 1 })
			)
		]);
		const won = outcomes.filter((o) => o.status === 'fulfilled');
		const lost = outcomes.filter((o) => o.status === 'rejected');
		expect(won).toHaveLength(1);
		expect(lost).toHaveLength(1);
		expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' });
		const row = await h.db
			.selectFrom('annotation')
			.select(['version', 'rationale'])
			.where('assignment_id', '=', view.assignmentId)
			.executeTakeFirstOrThrow();
		expect(row.version).toBe(2);
		const winner = won[0] as PromiseFulfilledResult<{ version: number }>;
		expect(winner.value.version).toBe(2);
		// No lost update: the audit holds create + one revise, and its last state is the row.
		const reopened = await c.annotation.task({ projectId: f.projectId, assignmentId: view.assignmentId });
		expect(reopened.label?.version).toBe(2);
		expect(['writer 1', 'writer 2']).toContain(reopened.label?.rationale);
		expect(row.rationale).toBe(reopened.label?.rationale);
		// A stale write later is refused too, and a fresh one from version 2 goes through.
		expect(await codeOf(c.annotation.submit(submitInput(view.assignmentId, { expectedVersion: 1 })))).toBe('CONFLICT');
		const third = await c.annotation.submit(submitInput(view.assignmentId, { expectedVersion: 2, activeSeconds: 6 }));
		expect(third.version).toBe(3);
		const active = await h.db
			.selectFrom('annotation_assignment')
			.select('active_seconds')
			.where('id', '=', view.assignmentId)
			.executeTakeFirstOrThrow();
		expect(active.active_seconds).toBe(4 + 4 + 6);
		// Only one label was counted for progress.
		const mine = await c.annotation.myQueues({ projectId: f.projectId });
		expect(mine.find((m) => m.id === q.id)?.done).toBe(1);
	});

	it('scores pointwise labels per criterion with explicit red lines, and rejects labels off the rubric', async () => {
		const q = await queue({ rubricVersionId: f.pointwiseRubric, overlapK: 1 });
		const c = h.caller(f.annotator);
		const view = (await c.annotation.next({ projectId: f.projectId, queueId: q.id }))!;
		expect(view.answers.map((a) => a.position)).toEqual(['single']);
		expect(view.rubric.criteria.map((cr) => cr.id)).toEqual(['correctness', 'helpfulness', 'safety']);
		const bad = [
			{ verdict: 'left' },
			{ scores: { correctness: 5, helpfulness: 4 }, redLines: { safety: true } },
			{ scores: { correctness: 6, helpfulness: 4, safety: 5 }, redLines: { safety: true } },
			{ scores: { correctness: 5, helpfulness: 4, safety: 5 }, redLines: {} },
			{ scores: { correctness: 5, helpfulness: 4, safety: 5, extra: 1 }, redLines: { safety: true } }
		];
		for (const label of bad)
			expect(await codeOf(c.annotation.submit(submitInput(view.assignmentId, { label })))).toBe('BAD_REQUEST');
		const ok = await c.annotation.submit(
			submitInput(view.assignmentId, {
				label: { scores: { correctness: 5, helpfulness: 3, safety: 1 }, redLines: { safety: false } }
			})
		);
		const row = await h.db
			.selectFrom('annotation')
			.select(['score', 'criteria', 'red_lines', 'verdict', 'presented_order'])
			.where('id', '=', ok.labelId)
			.executeTakeFirstOrThrow();
		expect(Number(row.score)).toBeCloseTo(1 + ((4 / 4 + 2 / 4 + 0 / 4) / 3) * 4, 3);
		expect(row.criteria).toEqual({ correctness: 5, helpfulness: 3, safety: 1 });
		expect(row.red_lines).toEqual({ safety: false });
		expect(row.verdict).toBeNull();
		expect(row.presented_order).toBeNull();
	});

	it('rebuilds the current labels from the append-only audit', async () => {
		const q = await queue({ overlapK: 2 });
		for (const user of f.annotators.slice(0, 3)) {
			const c = h.caller(user);
			for (let i = 0; i < 3; i++) {
				const view = (await c.annotation.next({ projectId: f.projectId, queueId: q.id }))!;
				const r = await c.annotation.submit(submitInput(view.assignmentId, { rationale: `v1 ${i}` }));
				if (i % 2 === 0)
					await c.annotation.submit(
						submitInput(view.assignmentId, {
							label: { verdict: 'tie' },
							rationale: `v2 ${i}`,
							expectedVersion: r.version
						})
					);
			}
		}
		const tasks = await h.db
			.selectFrom('annotation_task')
			.select('id')
			.where('queue_id', '=', q.id)
			.where('submitted_count', '>', 0)
			.execute();
		await h.caller(f.admin).annotation.adjudicate({
			projectId: f.projectId,
			queueId: q.id,
			taskId: tasks[0].id,
			label: { verdict: 'B' },
			rationale: 'gold'
		});
		const rebuilt = await rebuildLabelsFromAudit(h.db, q.id);
		const table = await currentLabels(h.db, q.id);
		expect(table).toHaveLength(10);
		expect(rebuilt).toEqual(table);
		// Append-only: the database refuses to change or delete history.
		await expect(
			sql`update annotation_audit set action = 'revise' where queue_id = ${q.id}`.execute(h.db)
		).rejects.toThrow(/append-only/);
		await expect(sql`delete from annotation_audit where queue_id = ${q.id}`.execute(h.db)).rejects.toThrow(
			/append-only/
		);
	});

	it('lists disagreements with every label (imported ones marked) and the judge, and takes a gold label', async () => {
		const q = await queue({
			overlapK: 2,
			selection: { kind: 'random', n: 1, seed: 'adj' },
			pairing: 'baseline',
			baselineSystemId: f.systems.s1
		});
		const [u1, u2] = f.annotators;
		const v1 = (await h.caller(u1).annotation.next({ projectId: f.projectId, queueId: q.id }))!;
		const v2 = (await h.caller(u2).annotation.next({ projectId: f.projectId, queueId: q.id }))!;
		const task = await h.db
			.selectFrom('annotation_assignment as a')
			.innerJoin('annotation_task as t', 't.id', 'a.task_id')
			.select(['t.id', 't.item_id', 't.answer_a_id', 't.answer_b_id'])
			.where('a.id', '=', v1.assignmentId)
			.executeTakeFirstOrThrow();
		const sameTask = await h.db
			.selectFrom('annotation_assignment')
			.select('task_id')
			.where('id', '=', v2.assignmentId)
			.executeTakeFirstOrThrow();
		expect(sameTask.task_id).toBe(task.id);
		// u1 prefers answer A, u2 answer B, whatever the screen placement.
		const sideFor = (order: string | null, want: 'A' | 'B') => ((order !== 'ba') === (want === 'A') ? 'left' : 'right');
		const order = async (id: string) =>
			(
				await h.db
					.selectFrom('annotation_assignment')
					.select('presented_order')
					.where('id', '=', id)
					.executeTakeFirstOrThrow()
			).presented_order;
		await h.caller(u1).annotation.submit(
			submitInput(v1.assignmentId, {
				label: { verdict: sideFor(await order(v1.assignmentId), 'A') },
				rationale: 'A is right'
			})
		);
		await h.caller(u2).annotation.submit(
			submitInput(v2.assignmentId, {
				label: { verdict: sideFor(await order(v2.assignmentId), 'B') },
				rationale: 'B is right'
			})
		);
		// An imported vote stored the other way round (answer_a = the baseline): flipped into the task's terms.
		await h.db
			.insertInto('annotation')
			.values({
				project_id: f.projectId,
				dataset_id: f.datasetId,
				item_id: task.item_id,
				answer_a_id: task.answer_b_id!,
				answer_b_id: task.answer_a_id,
				external_annotator: 'llmbar-expert',
				external_key: 'gold',
				source: 'imported',
				verdict: 'A',
				metadata: '{}',
				import_id: null,
				revision: null
			})
			.execute();
		const admin = h.caller(f.admin);
		const page = await admin.annotation.adjudication({ projectId: f.projectId, queueId: q.id });
		expect(page.items).toHaveLength(1);
		const item = page.items[0];
		expect(item.taskId).toBe(task.id);
		expect(item.systemB).toBe('s1');
		expect(item.labels.map((l) => [l.source, l.verdict, l.rationale ?? l.annotator]).sort()).toEqual([
			['imported', 'B', 'llmbar-expert'],
			['ui', 'A', 'A is right'],
			['ui', 'B', 'B is right']
		]);
		expect(item.disagreement).toBeCloseTo(1 / 3, 3);
		expect(item.gold).toBeNull();
		// A higher threshold hides it: 1/3 is not above 0.5.
		const strict = await queue({ disagreementThreshold: 0.5 });
		expect((await admin.annotation.adjudication({ projectId: f.projectId, queueId: strict.id })).items).toEqual([]);

		const gold = await admin.annotation.adjudicate({
			projectId: f.projectId,
			queueId: q.id,
			taskId: task.id,
			label: { verdict: 'B' },
			rationale: 'B cites the source'
		});
		expect(gold.version).toBe(1);
		expect(
			await codeOf(
				admin.annotation.adjudicate({
					projectId: f.projectId,
					queueId: q.id,
					taskId: task.id,
					label: { verdict: 'A' },
					rationale: 'stale'
				})
			)
		).toBe('CONFLICT');
		const revised = await admin.annotation.adjudicate({
			projectId: f.projectId,
			queueId: q.id,
			taskId: task.id,
			label: { verdict: 'tie' },
			rationale: 'on reflection',
			expectedVersion: 1
		});
		expect(revised.version).toBe(2);
		const after = await admin.annotation.adjudication({ projectId: f.projectId, queueId: q.id });
		expect(after.items[0].gold).toMatchObject({
			source: 'gold',
			verdict: 'tie',
			rationale: 'on reflection',
			version: 2
		});
		// Gold and Concord labels appear beside imported ones in the item's results, source marked.
		const results = await admin.results.item({ projectId: f.projectId, datasetId: f.datasetId, itemId: task.item_id });
		const sources = new Set(JSON.stringify(results).match(/"source":"(gold|ui|imported)"/g));
		expect(sources).toEqual(new Set(['"source":"gold"', '"source":"ui"', '"source":"imported"']));
		// Annotators cannot adjudicate or list.
		expect(await codeOf(h.caller(u1).annotation.adjudication({ projectId: f.projectId, queueId: q.id }))).toBe(
			'FORBIDDEN'
		);
	});

	it('lists my history newest first, in pages', async () => {
		const q = await queue({ overlapK: 1 });
		const c = h.caller(f.annotators[3]);
		for (let i = 0; i < 5; i++) {
			const view = (await c.annotation.next({ projectId: f.projectId, queueId: q.id }))!;
			await c.annotation.submit(submitInput(view.assignmentId));
		}
		const first = await c.annotation.history({ projectId: f.projectId, queueId: q.id, limit: 3 });
		expect(first.entries).toHaveLength(3);
		const second = await c.annotation.history({
			projectId: f.projectId,
			queueId: q.id,
			limit: 3,
			cursor: first.nextCursor!
		});
		expect(second.entries).toHaveLength(2);
		expect(second.nextCursor).toBeNull();
		const ids = [...first.entries, ...second.entries].map((e) => e.assignmentId);
		expect(new Set(ids).size).toBe(5);
		expect(first.entries.every((e) => e.labelVersion === 1)).toBe(true);
	});

	it('selects the items a judge run was unsure on, and flags tasks where the judge disagrees with the annotators', async () => {
		const run = await h.db
			.insertInto('judge_run')
			.values({
				project_id: f.projectId,
				dataset_id: f.datasetId,
				source: 'imported',
				name: `run-${key().slice(0, 6)}`,
				judge_model: null,
				mode: 'pairwise',
				metadata: '{}'
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const answers = await h.db
			.selectFrom('candidate_answer as a')
			.innerJoin('system as s', 's.id', 'a.system_id')
			.select(['a.id', 'a.item_id', 's.name'])
			.where('a.dataset_id', '=', f.datasetId)
			.execute();
		const of = (item: string, system: string) =>
			answers.find((a) => a.item_id === f.items[item] && a.name === system)!.id;
		const judge = (item: string, a: string, b: string, order: 'ab' | 'ba', verdict: 'A' | 'B', sample = 0) =>
			h.db
				.insertInto('judgment')
				.values({
					run_id: run.id,
					item_id: f.items[item],
					answer_a_id: of(item, a),
					answer_b_id: of(item, b),
					presented_order: order,
					sample,
					verdict,
					import_id: null,
					revision: null
				})
				.execute();
		// q1 s2-vs-s1: the verdict flips with the order (unsure). q2 s2-vs-s1: consistent (sure), stored as (s1, s2).
		await judge('q1', 's2', 's1', 'ab', 'A');
		await judge('q1', 's2', 's1', 'ba', 'B');
		await judge('q2', 's1', 's2', 'ab', 'A');
		await judge('q2', 's1', 's2', 'ba', 'A');
		const unsure = await queue({ selection: { kind: 'judge-unsure', judgeRunId: run.id } });
		expect(unsure.taskCount).toBe(1);
		const t = await h.db
			.selectFrom('annotation_task')
			.select(['item_id'])
			.where('queue_id', '=', unsure.id)
			.executeTakeFirstOrThrow();
		expect(t.item_id).toBe(f.items.q1);

		// q2: the judge prefers s1 consistently; one annotator prefers s2 → listed for adjudication.
		const q = await queue({
			overlapK: 1,
			judgeRunId: run.id,
			pairing: 'baseline',
			baselineSystemId: f.systems.s1,
			selection: { kind: 'all' }
		});
		const c = h.caller(f.annotators[2]);
		for (;;) {
			const view = await c.annotation.next({ projectId: f.projectId, queueId: q.id });
			if (!view) break;
			const row = await h.db
				.selectFrom('annotation_assignment as a')
				.innerJoin('annotation_task as t', 't.id', 'a.task_id')
				.select(['t.item_id', 't.answer_a_id', 'a.presented_order'])
				.where('a.id', '=', view.assignmentId)
				.executeTakeFirstOrThrow();
			// answer_a is the contender (s2 or s3); pick it.
			const side = row.presented_order === 'ba' ? 'right' : 'left';
			await c.annotation.submit(submitInput(view.assignmentId, { label: { verdict: side } }));
		}
		const page = await h.caller(f.admin).annotation.adjudication({ projectId: f.projectId, queueId: q.id });
		const byJudge = page.items.filter((i) => i.judgeDisagrees);
		expect(byJudge.map((i) => [i.itemExternalId, i.systemA])).toEqual([['q2', 's2']]);
		expect(byJudge[0].judgments.map((j) => j.verdict)).toEqual(['B', 'B']);
		// Anything else listed is there because an imported label disagrees with ours (an earlier test planted one).
		for (const other of page.items.filter((i) => !i.judgeDisagrees))
			expect(other.labels.map((l) => l.source).sort()).toEqual(['imported', 'ui']);
	});
});
