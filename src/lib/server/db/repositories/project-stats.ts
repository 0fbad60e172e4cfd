import type { Db } from '../client';

export async function computeProjectCounts(db: Db, projectId: string) {
	const members = await db
		.selectFrom('project_member')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('project_id', '=', projectId)
		.executeTakeFirstOrThrow();
	// Items and answers are denormalised on `dataset` by the import transaction.
	const datasets = await db
		.selectFrom('dataset')
		.select((eb) => [
			eb.fn.countAll<number>().as('datasets'),
			eb.fn.coalesce(eb.fn.sum<number>('item_count'), eb.lit(0)).as('items'),
			eb.fn.coalesce(eb.fn.sum<number>('answer_count'), eb.lit(0)).as('answers')
		])
		.where('project_id', '=', projectId)
		.executeTakeFirstOrThrow();
	return {
		memberCount: Number(members.n),
		counts: { datasets: Number(datasets.datasets), items: Number(datasets.items), answers: Number(datasets.answers) }
	};
}

export async function upsertProjectStats(
	db: Db,
	row: { projectId: string; memberCount: number; counts: Record<string, number>; worker: string }
) {
	await db
		.insertInto('project_stats')
		.values({
			project_id: row.projectId,
			member_count: row.memberCount,
			counts: JSON.stringify(row.counts),
			refreshed_at: new Date(),
			refreshed_by_worker: row.worker
		})
		.onConflict((oc) =>
			oc.column('project_id').doUpdateSet((eb) => ({
				member_count: eb.ref('excluded.member_count'),
				counts: eb.ref('excluded.counts'),
				refreshed_at: eb.ref('excluded.refreshed_at'),
				refreshed_by_worker: eb.ref('excluded.refreshed_by_worker')
			}))
		)
		.execute();
}

export async function findProjectStats(db: Db, projectId: string) {
	return db.selectFrom('project_stats').selectAll().where('project_id', '=', projectId).executeTakeFirst();
}
