/**
 * The queue's `open_from` (migration 0029): "next" walks open tasks only from there, so it must
 * stay at or below every task with a free slot. Raised past filled tasks, lowered again by the
 * trigger when a slot below it is freed (release, skip, expiry), and the freed task is handed out.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseOpenFrom, reclaimExpired } from '../../../src/lib/server/db/repositories/annotation-assignments';
import { createHarness, type Harness } from '../support/harness';
import { createQueueFor, key, makeAnnotationFixture, type AnnotationFixture } from './support';

let h: Harness;
let f: AnnotationFixture;

beforeAll(async () => {
	h = await createHarness();
	f = await makeAnnotationFixture(h.db, { items: 6, extraAnnotators: 2 });
});
afterAll(async () => {
	await h.close();
});

async function openFrom(queueId: string): Promise<number> {
	const r = await sql<{ open_from: number }>`select open_from from annotation_queue where id = ${queueId}`.execute(
		h.db
	);
	return Number(r.rows[0].open_from);
}
async function seqOf(assignmentId: string): Promise<number> {
	const r = await sql<{ seq: number }>`
		select t.seq from annotation_assignment a join annotation_task t on t.id = a.task_id where a.id = ${assignmentId}`.execute(
		h.db
	);
	return Number(r.rows[0].seq);
}

describe('annotation open_from', () => {
	it('is raised past filled tasks and lowered when a slot below it is freed', async () => {
		const queue = await createQueueFor(h, f, { overlapK: 1 });
		const [u1, u2, u3] = f.annotators;
		const c1 = h.caller(u1);
		const next = (c: ReturnType<typeof h.caller>) => c.annotation.next({ projectId: f.projectId, queueId: queue.id });
		const submit = (c: ReturnType<typeof h.caller>, assignmentId: string) =>
			c.annotation.submit({
				projectId: f.projectId,
				assignmentId,
				label: { verdict: 'left' },
				activeSeconds: 1,
				idempotencyKey: key()
			});
		// u1 labels two tasks and holds the third.
		const a1 = (await next(c1))!;
		await submit(c1, a1.assignmentId);
		const a2 = (await next(c1))!;
		await submit(c1, a2.assignmentId);
		const held = (await next(c1))!;
		const heldSeq = await seqOf(held.assignmentId);
		// seq is one identity over all queues; next may already have raised it (far past 0).
		expect(await openFrom(queue.id)).toBeLessThanOrEqual(heldSeq);
		await raiseOpenFrom(h.db, queue.id);
		// The held task's slot is taken (k = 1): the first free slot is after it.
		expect(await openFrom(queue.id)).toBe(heldSeq + 1);

		// Released: its slot is free again below open_from, so the trigger lowers it, and the task goes to u2 first.
		await c1.annotation.release({ projectId: f.projectId, assignmentId: held.assignmentId });
		expect(await openFrom(queue.id)).toBe(heldSeq);
		const b = (await next(h.caller(u2)))!;
		expect(await seqOf(b.assignmentId)).toBe(heldSeq);

		// Skipped by u2: lowered again, and u3 gets it.
		await raiseOpenFrom(h.db, queue.id);
		expect(await openFrom(queue.id)).toBeGreaterThan(heldSeq);
		await h.caller(u2).annotation.skip({ projectId: f.projectId, assignmentId: b.assignmentId, reason: 'unclear' });
		expect(await openFrom(queue.id)).toBe(heldSeq);
		const c = (await next(h.caller(u3)))!;
		expect(await seqOf(c.assignmentId)).toBe(heldSeq);

		// Expired: reclaimed below open_from, lowered again.
		await raiseOpenFrom(h.db, queue.id);
		expect(await openFrom(queue.id)).toBeGreaterThan(heldSeq);
		await sql`update annotation_assignment set reserved_until = now() - interval '1 second' where id = ${c.assignmentId}`.execute(
			h.db
		);
		expect(await reclaimExpired(h.db, queue.id)).toBe(1);
		expect(await openFrom(queue.id)).toBe(heldSeq);
	});

	it('keeps open_from when no task has a free slot', async () => {
		const queue = await createQueueFor(h, f, { overlapK: 1, selection: { kind: 'random', n: 1, seed: 'full' } });
		const c1 = h.caller(f.annotators[0]);
		for (;;) {
			const v = await c1.annotation.next({ projectId: f.projectId, queueId: queue.id });
			if (!v) break;
			await c1.annotation.submit({
				projectId: f.projectId,
				assignmentId: v.assignmentId,
				label: { verdict: 'tie' },
				activeSeconds: 1,
				idempotencyKey: key()
			});
		}
		const before = await openFrom(queue.id);
		await raiseOpenFrom(h.db, queue.id);
		expect(await openFrom(queue.id)).toBe(before);
	});
});
