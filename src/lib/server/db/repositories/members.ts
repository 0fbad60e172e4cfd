import type { Db } from '../client';
import type { ProjectRole } from '../schema';

export async function findMembership(db: Db, projectId: string, userId: string) {
	return db
		.selectFrom('project_member')
		.select(['project_id as projectId', 'user_id as userId', 'role'])
		.where('project_id', '=', projectId)
		.where('user_id', '=', userId)
		.executeTakeFirst();
}

export type Membership = { projectId: string; userId: string; role: ProjectRole };
