/**
 * Queries on `project_member`: who belongs to a project and with which role.
 * Rules (last admin, who may change what) live in `services/members.ts`.
 */
import type { Db } from '../client';
import type { ProjectRole } from '../schema';

export type Membership = { projectId: string; userId: string; role: ProjectRole };

/** One user's memberships in some projects (null: not a member), read along with their session. */
export interface PrefetchedMemberships {
	userId: string;
	byProject: ReadonlyMap<string, Membership | null>;
}

export async function findMembership(db: Db, projectId: string, userId: string): Promise<Membership | undefined> {
	return db
		.selectFrom('project_member')
		.select(['project_id as projectId', 'user_id as userId', 'role'])
		.where('project_id', '=', projectId)
		.where('user_id', '=', userId)
		.executeTakeFirst();
}

/**
 * Adds `userId` to the project. An existing membership is left untouched (an
 * invitation must not silently change someone's role); `added` says which happened.
 */
export async function addMember(db: Db, row: Membership): Promise<{ added: boolean }> {
	const inserted = await db
		.insertInto('project_member')
		.values({ project_id: row.projectId, user_id: row.userId, role: row.role })
		.onConflict((oc) => oc.columns(['project_id', 'user_id']).doNothing())
		.returning('user_id')
		.executeTakeFirst();
	return { added: inserted !== undefined };
}

export interface MemberRow {
	userId: string;
	displayName: string;
	email: string;
	role: ProjectRole;
	joinedAt: Date;
}

/** Members ordered admins first, then by name. */
export async function listMembers(db: Db, projectId: string): Promise<MemberRow[]> {
	return db
		.selectFrom('project_member as m')
		.innerJoin('app_user as u', 'u.id', 'm.user_id')
		.select(['m.user_id as userId', 'u.display_name as displayName', 'u.email', 'm.role', 'm.created_at as joinedAt'])
		.where('m.project_id', '=', projectId)
		.orderBy((eb) =>
			eb.case().when('m.role', '=', 'admin').then(0).when('m.role', '=', 'annotator').then(1).else(2).end()
		)
		.orderBy('u.display_name')
		.orderBy('m.user_id')
		.execute();
}

export async function countMembers(db: Db, projectId: string, role?: ProjectRole): Promise<number> {
	let query = db
		.selectFrom('project_member')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('project_id', '=', projectId);
	if (role) query = query.where('role', '=', role);
	const row = await query.executeTakeFirstOrThrow();
	return Number(row.n);
}

export async function updateMemberRole(db: Db, row: Membership): Promise<boolean> {
	const result = await db
		.updateTable('project_member')
		.set({ role: row.role })
		.where('project_id', '=', row.projectId)
		.where('user_id', '=', row.userId)
		.executeTakeFirst();
	return result.numUpdatedRows > 0n;
}

export async function deleteMember(db: Db, projectId: string, userId: string): Promise<boolean> {
	const result = await db
		.deleteFrom('project_member')
		.where('project_id', '=', projectId)
		.where('user_id', '=', userId)
		.executeTakeFirst();
	return result.numDeletedRows > 0n;
}
