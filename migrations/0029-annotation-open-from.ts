import { sql, type Kysely } from 'kysely';

/**
 * Annotation hot path, part 2 (issue 11, bench:annotate): "next" starts its walk of the open
 * tasks at a per-queue lower bound instead of at the queue's first task.
 *
 * Every hand-out and every label updates a task row, and each update leaves a dead entry in
 * the partial index of open tasks (`annotation_task_open_idx`) until vacuum removes it. While
 * any transaction on the server is older than those updates (an import, a long export: in any
 * database, since it holds back the snapshots of all), vacuum cannot remove them and index
 * scans cannot mark them dead, and the walk from the first task visits every one of them:
 * thousands of heap pages per "next" after an hour of labelling.
 *
 * - `annotation_queue.open_from`: no task of the queue with `seq < open_from` has a free slot.
 *   "next" adds `seq >= open_from` to its index condition, so the walk starts past the filled
 *   tasks. `next` raises it now and then (the minimum seq among open tasks, read after locking
 *   the queue row).
 * - A trigger lowers it whenever a task's `open_slots` grows (expiry, skip, release, or any later
 *   feature that frees slots), updating the queue row unconditionally so that a raise, which
 *   locks that row first, either sees the freed slot or is followed by this lowering.
 * - Tasks are only ever added with a larger `seq` (an identity column), so inserts need nothing.
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`alter table annotation_queue add column open_from bigint not null default 0`.execute(db);
	await sql`
		create function annotation_task_slot_freed() returns trigger language plpgsql as $$
		begin
			update annotation_queue set open_from = least(open_from, new.seq) where id = new.queue_id;
			return null;
		end $$`.execute(db);
	await sql`
		create trigger annotation_task_slot_freed after update of open_slots on annotation_task
		for each row when (new.open_slots > old.open_slots) execute function annotation_task_slot_freed()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop trigger if exists annotation_task_slot_freed on annotation_task`.execute(db);
	await sql`drop function if exists annotation_task_slot_freed()`.execute(db);
	await sql`alter table annotation_queue drop column if exists open_from`.execute(db);
}
