import { sql, type Kysely } from 'kysely';

/**
 * `dataset.judgment_count` counted imported verdicts only: live runs' 'ok' judgments were never
 * added. From now on the executor's result write adds them as they turn 'ok'
 * (repositories/judge-runs.ts writeResults); this adds the ones written before.
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`
		update dataset d set judgment_count = d.judgment_count + c.n
		from (
			select r.dataset_id, count(*)::int as n
			from judgment j join judge_run r on r.id = j.run_id
			where r.source = 'live' and j.status = 'ok'
			group by r.dataset_id
		) c
		where c.dataset_id = d.id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`
		update dataset d set judgment_count = greatest(0, d.judgment_count - c.n)
		from (
			select r.dataset_id, count(*)::int as n
			from judgment j join judge_run r on r.id = j.run_id
			where r.source = 'live' and j.status = 'ok'
			group by r.dataset_id
		) c
		where c.dataset_id = d.id`.execute(db);
}
