import { sql, type Kysely } from 'kysely';

/**
 * Annotation hot path (issue 11, bench:annotate): "next" and "submit" in one or two statements.
 *
 * - At most one live reservation per annotator and queue, as a unique partial index. "next" no
 *   longer takes an advisory lock before reading: two simultaneous calls of one annotator both
 *   try to insert, the index lets one through, and the other reads the winner's reservation.
 *   Existing duplicates (only possible when an expired reservation had not been reclaimed yet)
 *   are expired first, their slots given back.
 * - "Is there an expired reservation to reclaim?" is a probe of the existing partial index
 *   `annotation_assignment_reserved_idx` (queue_id, reserved_until): no new index needed.
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`
		with dup as (
			update annotation_assignment a set status = 'expired'
			where a.status = 'reserved' and exists (
				select 1 from annotation_assignment b
				where b.queue_id = a.queue_id and b.user_id = a.user_id and b.status = 'reserved'
					and (b.started_at, b.id) > (a.started_at, a.id))
			returning a.task_id
		), per_task as (select task_id, count(*)::int as n from dup group by task_id)
		update annotation_task t set open_slots = t.open_slots + p.n from per_task p where t.id = p.task_id`.execute(db);
	await sql`create unique index annotation_assignment_one_live_key on annotation_assignment (queue_id, user_id) where status = 'reserved'`.execute(
		db
	);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index if exists annotation_assignment_one_live_key`.execute(db);
}
