/**
 * Assignment on real PostgreSQL: overlap k under 20 concurrent annotators (no task over k, no
 * annotator twice), one reservation per annotator, expiry, skip and release, pause/close,
 * selections and adding items later.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../../src/lib/server/auth/types';
import { createHarness, type Harness } from '../support/harness';
import { codeOf, createQueueFor, key, makeAnnotationFixture, widePool, type AnnotationFixture } from './support';

let h: Harness;
let f: AnnotationFixture;
let wide: ReturnType<typeof widePool>;
const wideCaller = (user: SessionUser) => wide.caller(user);

beforeAll(async () => {
	h = await createHarness();
	wide = widePool(h, 24);
	f = await makeAnnotationFixture(h.db, { items: 6, extraAnnotators: 19 });
});
afterAll(async () => {
	await wide.close();
	await h.close();
});

const createQueue = (extra: Record<string, unknown> = {}) => createQueueFor(h, f, extra);

async function slotCounts(queueId: string) {
	const r = await sql<{ task_id: string; n: number; users: number }>`
		select task_id, count(*)::int as n, count(distinct user_id)::int as users from annotation_assignment
		where queue_id = ${queueId} and status in ('reserved', 'submitted') group by task_id`.execute(h.db);
	return r.rows;
}

describe('annotation assignment', () => {
	it('builds tasks from the rubric mode and pairing', async () => {
		const pairs = await createQueue();
		expect(pairs.taskCount).toBe(18); // 6 items × 3 pairs of 3 systems
		const baseline = await createQueue({ pairing: 'baseline', baselineSystemId: f.systems.s1 });
		expect(baseline.taskCount).toBe(12); // 6 items × 2 contenders
		const pointwise = await createQueue({ rubricVersionId: f.pointwiseRubric });
		expect(pointwise.taskCount).toBe(18); // 6 items × 3 answers
		const random = await createQueue({ selection: { kind: 'random', n: 2, seed: 'x' } });
		expect(random.taskCount).toBe(6); // 2 items × 3 pairs
		const byCategory = await createQueue({ selection: { kind: 'stratified', by: 'category', n: 2, seed: 'x' } });
		const cats = await sql<{ category: string }>`
			select distinct i.category from annotation_task t join dataset_item i on i.id = t.item_id
			where t.queue_id = ${byCategory.id}`.execute(h.db);
		expect(cats.rows.map((r) => r.category).sort()).toEqual(['math', 'writing']);
		expect(byCategory.taskCount).toBe(6);
		const bySystem = await createQueue({
			rubricVersionId: f.pointwiseRubric,
			selection: { kind: 'stratified', by: 'system', n: 6, seed: 'y' }
		});
		expect(bySystem.taskCount).toBe(6);
	});

	it('never hands a task to more than k annotators nor twice to one, with 20 annotators at once', async () => {
		const queue = await createQueue();
		const seen = new Map<string, Set<string>>();
		let submitted = 0;
		await Promise.all(
			f.annotators.map(async (user) => {
				const c = wideCaller(user);
				const mine = new Set<string>();
				seen.set(user.id, mine);
				for (;;) {
					const view = await c.annotation.next({ projectId: f.projectId, queueId: queue.id });
					if (!view) break;
					const row = await h.db
						.selectFrom('annotation_assignment')
						.select('task_id')
						.where('id', '=', view.assignmentId)
						.executeTakeFirstOrThrow();
					expect(mine.has(row.task_id)).toBe(false);
					mine.add(row.task_id);
					await c.annotation.submit({
						projectId: f.projectId,
						assignmentId: view.assignmentId,
						label: { verdict: 'left' },
						activeSeconds: 3,
						idempotencyKey: key()
					});
					submitted++;
				}
			})
		);
		expect(submitted).toBe(18 * 3);
		const counts = await slotCounts(queue.id);
		expect(counts).toHaveLength(18);
		for (const c of counts) {
			expect(c.n).toBe(3);
			expect(c.users).toBe(3);
		}
		const tasks = await h.db
			.selectFrom('annotation_task')
			.select(['open_slots', 'submitted_count'])
			.where('queue_id', '=', queue.id)
			.execute();
		expect(tasks.every((t) => t.open_slots === 0 && t.submitted_count === 3)).toBe(true);
		const progress = await h.caller(f.admin).annotation.progress({ projectId: f.projectId, queueId: queue.id });
		expect(progress.queue.done).toBe(54);
		expect(progress.annotators.reduce((s, a) => s + a.done, 0)).toBe(54);
		expect(progress.annotators.every((a) => a.medianSeconds === 3)).toBe(true);
	});

	it('gives 20 simultaneous first calls at most k × tasks reservations', async () => {
		const queue = await createQueue({ overlapK: 1, selection: { kind: 'random', n: 2, seed: 'burst' } });
		expect(queue.taskCount).toBe(6);
		const views = await Promise.all(
			f.annotators.map((u) => wideCaller(u).annotation.next({ projectId: f.projectId, queueId: queue.id }))
		);
		expect(views.filter(Boolean)).toHaveLength(6);
		const counts = await slotCounts(queue.id);
		expect(counts.every((c) => c.n === 1)).toBe(true);
	});

	it('returns my live reservation instead of a second one, even to a double click', async () => {
		const queue = await createQueue();
		const c = wideCaller(f.annotators[1]);
		const [a, b] = await Promise.all([
			c.annotation.next({ projectId: f.projectId, queueId: queue.id }),
			c.annotation.next({ projectId: f.projectId, queueId: queue.id })
		]);
		expect(a?.assignmentId).toBe(b?.assignmentId);
		const again = await c.annotation.next({ projectId: f.projectId, queueId: queue.id });
		expect(again?.assignmentId).toBe(a?.assignmentId);
	});

	it('returns expired reservations to the pool; the late submit is refused when the slot is gone', async () => {
		const queue = await createQueue({
			overlapK: 1,
			selection: { kind: 'random', n: 1, seed: 'exp' },
			pairing: 'baseline',
			baselineSystemId: f.systems.s1
		});
		expect(queue.taskCount).toBe(2);
		const [u1, u2, u3] = f.annotators;
		const first = (await h.caller(u1).annotation.next({ projectId: f.projectId, queueId: queue.id }))!;
		const second = (await h.caller(u2).annotation.next({ projectId: f.projectId, queueId: queue.id }))!;
		expect(await h.caller(u3).annotation.next({ projectId: f.projectId, queueId: queue.id })).toBeNull();
		await h.db
			.updateTable('annotation_assignment')
			.set({ reserved_until: new Date(Date.now() - 1000) })
			.where('id', '=', first.assignmentId)
			.execute();
		const third = (await h.caller(u3).annotation.next({ projectId: f.projectId, queueId: queue.id }))!;
		expect(third).not.toBeNull();
		const status = await h.db
			.selectFrom('annotation_assignment')
			.select('status')
			.where('id', '=', first.assignmentId)
			.executeTakeFirstOrThrow();
		expect(status.status).toBe('expired');
		const late = h.caller(u1).annotation.submit({
			projectId: f.projectId,
			assignmentId: first.assignmentId,
			label: { verdict: 'tie' },
			activeSeconds: 1,
			idempotencyKey: key()
		});
		expect(await codeOf(late)).toBe('CONFLICT');
		// u1 never gets that task again, and u2 still holds theirs.
		expect(await h.caller(u1).annotation.next({ projectId: f.projectId, queueId: queue.id })).toBeNull();
		expect(second.assignmentId).toBeTruthy();
		expect((await slotCounts(queue.id)).every((c) => c.n === 1)).toBe(true);
	});

	it('frees the slot on skip and release, and never offers the task back to the same annotator', async () => {
		const queue = await createQueue({
			overlapK: 1,
			selection: { kind: 'random', n: 1, seed: 'skip' },
			pairing: 'baseline',
			baselineSystemId: f.systems.s1
		});
		const [u1, u2] = f.annotators;
		const c1 = h.caller(u1);
		const a = (await c1.annotation.next({ projectId: f.projectId, queueId: queue.id }))!;
		await c1.annotation.skip({ projectId: f.projectId, assignmentId: a.assignmentId, reason: 'ambiguous' });
		const b = (await c1.annotation.next({ projectId: f.projectId, queueId: queue.id }))!;
		expect(b.assignmentId).not.toBe(a.assignmentId);
		await c1.annotation.release({ projectId: f.projectId, assignmentId: b.assignmentId });
		expect(await c1.annotation.next({ projectId: f.projectId, queueId: queue.id })).toBeNull();
		// Both tasks went back to the pool for someone else.
		const c2 = h.caller(u2);
		const x = (await c2.annotation.next({ projectId: f.projectId, queueId: queue.id }))!;
		await c2.annotation.submit({
			projectId: f.projectId,
			assignmentId: x.assignmentId,
			label: { verdict: 'left' },
			activeSeconds: 1,
			idempotencyKey: key()
		});
		expect(await c2.annotation.next({ projectId: f.projectId, queueId: queue.id })).not.toBeNull();
		const mine = await c1.annotation.myQueues({ projectId: f.projectId });
		expect(mine.find((q) => q.id === queue.id)).toMatchObject({ done: 0, skipped: 1 });
	});

	it('refuses next on a paused or closed queue', async () => {
		const queue = await createQueue();
		const admin = h.caller(f.admin);
		const c = h.caller(f.annotator);
		await admin.annotation.setStatus({ projectId: f.projectId, queueId: queue.id, status: 'paused' });
		expect(await codeOf(c.annotation.next({ projectId: f.projectId, queueId: queue.id }))).toBe('CONFLICT');
		await admin.annotation.setStatus({ projectId: f.projectId, queueId: queue.id, status: 'open' });
		const view = (await c.annotation.next({ projectId: f.projectId, queueId: queue.id }))!;
		await admin.annotation.setStatus({ projectId: f.projectId, queueId: queue.id, status: 'closed' });
		expect(await codeOf(c.annotation.next({ projectId: f.projectId, queueId: queue.id }))).toBe('CONFLICT');
		expect(
			await codeOf(
				c.annotation.submit({
					projectId: f.projectId,
					assignmentId: view.assignmentId,
					label: { verdict: 'left' },
					activeSeconds: 1,
					idempotencyKey: key()
				})
			)
		).toBe('CONFLICT');
		expect(
			await codeOf(admin.annotation.setStatus({ projectId: f.projectId, queueId: queue.id, status: 'open' }))
		).toBe('BAD_REQUEST');
	});

	it('adds items later without touching finished labels', async () => {
		const queue = await createQueue({ overlapK: 1, selection: { kind: 'random', n: 2, seed: 'later' } });
		const c = h.caller(f.annotator);
		const view = (await c.annotation.next({ projectId: f.projectId, queueId: queue.id }))!;
		const done = await c.annotation.submit({
			projectId: f.projectId,
			assignmentId: view.assignmentId,
			label: { verdict: 'right' },
			activeSeconds: 2,
			idempotencyKey: key()
		});
		const before = await h.db
			.selectFrom('annotation')
			.selectAll()
			.where('id', '=', done.labelId)
			.executeTakeFirstOrThrow();
		const added = await h
			.caller(f.admin)
			.annotation.addItems({ projectId: f.projectId, queueId: queue.id, selection: { kind: 'all' } });
		expect(added).toEqual({ added: 12, taskCount: 18 });
		const again = await h
			.caller(f.admin)
			.annotation.addItems({ projectId: f.projectId, queueId: queue.id, selection: { kind: 'all' } });
		expect(again.added).toBe(0);
		const after = await h.db
			.selectFrom('annotation')
			.selectAll()
			.where('id', '=', done.labelId)
			.executeTakeFirstOrThrow();
		expect(after).toEqual(before);
		const tasks = await h.db
			.selectFrom('annotation_task')
			.select(['open_slots', 'submitted_count'])
			.where('queue_id', '=', queue.id)
			.execute();
		expect(tasks.filter((t) => t.submitted_count === 1)).toHaveLength(1);
		expect(tasks.filter((t) => t.open_slots === 1)).toHaveLength(17);
		const list = await h.caller(f.admin).annotation.queues({ projectId: f.projectId });
		expect(list.find((q) => q.id === queue.id)).toMatchObject({ taskCount: 18, labelsNeeded: 18, done: 1 });
	});

	it('lets only listed members (and, without a list, every annotator) work on a queue', async () => {
		const listed = await createQueue({ memberUserIds: [f.annotators[2].id, f.admin.id] });
		expect(await codeOf(h.caller(f.annotator).annotation.next({ projectId: f.projectId, queueId: listed.id }))).toBe(
			'NOT_FOUND'
		);
		expect(
			await h.caller(f.annotators[2]).annotation.next({ projectId: f.projectId, queueId: listed.id })
		).not.toBeNull();
		expect(await h.caller(f.admin).annotation.next({ projectId: f.projectId, queueId: listed.id })).not.toBeNull();
		const open = await createQueue();
		expect(await codeOf(h.caller(f.admin).annotation.next({ projectId: f.projectId, queueId: open.id }))).toBe(
			'NOT_FOUND'
		);
		const mine = await h.caller(f.annotator).annotation.myQueues({ projectId: f.projectId });
		expect(mine.map((q) => q.id)).toContain(open.id);
		expect(mine.map((q) => q.id)).not.toContain(listed.id);
		expect(await codeOf(createQueue({ memberUserIds: [f.viewer.id] }))).toBe('BAD_REQUEST');
	});

	it('shows answers left/right in a recorded random placement, and stores labels in answer terms', async () => {
		const queue = await createQueue({ overlapK: 1 });
		const c = h.caller(f.annotator);
		const orders = new Set<string>();
		for (let i = 0; i < 18; i++) {
			const view = (await c.annotation.next({ projectId: f.projectId, queueId: queue.id }))!;
			expect(view.answers.map((a) => a.position)).toEqual(['left', 'right']);
			expect(JSON.stringify(view)).not.toMatch(/"s[123]"|systemName/);
			expect(view.item.reference).toBeNull(); // the pairwise rubric uses no reference
			const res = await c.annotation.submit({
				projectId: f.projectId,
				assignmentId: view.assignmentId,
				label: { verdict: 'left' },
				activeSeconds: 1,
				idempotencyKey: key()
			});
			const row = await h.db
				.selectFrom('annotation as n')
				.innerJoin('candidate_answer as a', 'a.id', 'n.answer_a_id')
				.innerJoin('candidate_answer as b', 'b.id', 'n.answer_b_id')
				.select(['n.verdict', 'n.presented_order', 'a.content as aText', 'b.content as bText'])
				.where('n.id', '=', res.labelId)
				.executeTakeFirstOrThrow();
			orders.add(row.presented_order!);
			const leftText = view.answers[0].content;
			expect(row.verdict).toBe(leftText === row.aText ? 'A' : 'B');
			expect(row.presented_order).toBe(leftText === row.aText ? 'ab' : 'ba');
		}
		expect(orders).toEqual(new Set(['ab', 'ba']));
		expect(await c.annotation.next({ projectId: f.projectId, queueId: queue.id })).toBeNull();
	});
});
