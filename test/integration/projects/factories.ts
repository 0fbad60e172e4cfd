/**
 * Test users and projects created straight in the database (the sign-up flow
 * has its own tests); each call makes fresh rows so test files never collide.
 */
import type { SessionUser } from '../../../src/lib/server/auth/types';
import type { Db } from '../../../src/lib/server/db/client';
import { addMember } from '../../../src/lib/server/db/repositories/members';
import { insertProject } from '../../../src/lib/server/db/repositories/projects';
import type { ProjectRole } from '../../../src/lib/server/db/schema';
import { uniqueEmail } from '../support/harness';

export async function makeUser(db: Db, opts: { name?: string; isInstanceAdmin?: boolean } = {}): Promise<SessionUser> {
	const email = uniqueEmail(opts.name ?? 'user');
	const row = await db
		.insertInto('app_user')
		.values({
			email,
			display_name: opts.name ?? email.split('@')[0],
			password_hash: 'not-a-real-hash',
			is_instance_admin: opts.isInstanceAdmin ?? false,
			locale: null
		})
		.returning(['id', 'email', 'display_name', 'is_instance_admin', 'locale'])
		.executeTakeFirstOrThrow();
	return {
		id: row.id,
		email: row.email,
		displayName: row.display_name,
		isInstanceAdmin: row.is_instance_admin,
		locale: row.locale
	};
}

export interface ProjectWithMembers {
	projectId: string;
	admin: SessionUser;
	annotator: SessionUser;
	viewer: SessionUser;
	outsider: SessionUser;
}

/** A project with one member per role, plus a signed-in user who is not a member. */
export async function makeProjectWithMembers(db: Db, name = 'Project'): Promise<ProjectWithMembers> {
	const [admin, annotator, viewer, outsider] = await Promise.all([
		makeUser(db, { name: 'admin' }),
		makeUser(db, { name: 'annotator' }),
		makeUser(db, { name: 'viewer' }),
		makeUser(db, { name: 'outsider' })
	]);
	const project = await insertProject(db, { name, description: '', createdBy: admin.id });
	const roles: [SessionUser, ProjectRole][] = [
		[admin, 'admin'],
		[annotator, 'annotator'],
		[viewer, 'viewer']
	];
	for (const [user, role] of roles) await addMember(db, { projectId: project.id, userId: user.id, role });
	return { projectId: project.id, admin, annotator, viewer, outsider };
}
