/**
 * Queries on `project`. Membership rows live in `members.ts`; statistics in
 * `project-stats.ts`.
 */
import type { Db } from '../client';
import type { ProjectRole } from '../schema';

export interface ProjectRow {
	id: string;
	name: string;
	description: string;
	createdAt: Date;
}

export async function insertProject(
	db: Db,
	row: { name: string; description: string; createdBy: string }
): Promise<ProjectRow> {
	return db
		.insertInto('project')
		.values({ name: row.name, description: row.description, created_by: row.createdBy })
		.returning(['id', 'name', 'description', 'created_at as createdAt'])
		.executeTakeFirstOrThrow();
}

export async function findProjectById(db: Db, projectId: string): Promise<ProjectRow | undefined> {
	return db
		.selectFrom('project')
		.select(['id', 'name', 'description', 'created_at as createdAt'])
		.where('id', '=', projectId)
		.executeTakeFirst();
}

/**
 * Locks the project row until the surrounding transaction ends. Membership
 * changes take this lock first so two concurrent demotions cannot both see
 * "another admin remains" and leave the project without one.
 */
export async function lockProject(db: Db, projectId: string): Promise<boolean> {
	const row = await db.selectFrom('project').select('id').where('id', '=', projectId).forUpdate().executeTakeFirst();
	return row !== undefined;
}

export async function updateProject(
	db: Db,
	projectId: string,
	patch: { name?: string; description?: string }
): Promise<ProjectRow | undefined> {
	return db
		.updateTable('project')
		.set(patch)
		.where('id', '=', projectId)
		.returning(['id', 'name', 'description', 'created_at as createdAt'])
		.executeTakeFirst();
}

export interface ProjectListRow extends ProjectRow {
	role: ProjectRole;
	memberCount: number;
}

/** The projects `userId` belongs to, newest first, with the user's role and a live member count. */
export async function listProjectsOfUser(db: Db, userId: string): Promise<ProjectListRow[]> {
	return db
		.selectFrom('project_member as mine')
		.innerJoin('project as p', 'p.id', 'mine.project_id')
		.select((eb) => [
			'p.id',
			'p.name',
			'p.description',
			'p.created_at as createdAt',
			'mine.role',
			eb
				.selectFrom('project_member as all')
				.select((sub) => sub.fn.countAll<number>().as('n'))
				.whereRef('all.project_id', '=', 'p.id')
				.$asScalar()
				.$notNull()
				.as('memberCount')
		])
		.where('mine.user_id', '=', userId)
		.orderBy('p.created_at', 'desc')
		.orderBy('p.id')
		.execute();
}
