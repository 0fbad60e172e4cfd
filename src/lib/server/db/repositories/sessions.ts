/**
 * Queries on `auth_session`. Only SHA-256 of a session's secret is stored;
 * checking it and the expiry rules live in `auth/sessions.ts`.
 */
import { sql } from 'kysely';
import { prepared, type Db } from '../client';
import type { ProjectRole } from '../schema';
import type { Membership, PrefetchedMemberships } from './members';
import type { UserRow } from './users';

export interface SessionRow {
	id: string;
	secretHash: Uint8Array;
	userId: string;
	createdAt: Date;
	lastVerifiedAt: Date;
}

export async function insertSession(
	db: Db,
	row: SessionRow & { userAgent: string | null; clientAddress: string | null }
): Promise<void> {
	await db
		.insertInto('auth_session')
		.values({
			id: row.id,
			secret_hash: row.secretHash,
			user_id: row.userId,
			created_at: row.createdAt,
			last_verified_at: row.lastVerifiedAt,
			user_agent: row.userAgent,
			client_address: row.clientAddress
		})
		.execute();
}

/**
 * The session and its user; with `projectIds`, also the user's memberships in those projects
 * (null where not a member), in the same query.
 */
export async function findSessionWithUser(
	db: Db,
	id: string,
	projectIds: string[] = []
): Promise<{ session: SessionRow; user: UserRow; memberships: PrefetchedMemberships } | undefined> {
	// Every request's first statement: prepared (planned once per connection, one shape whatever
	// the number of projects: an empty array finds no membership).
	const r = await sql<{
		id: string;
		secretHash: Uint8Array;
		userId: string;
		createdAt: Date;
		lastVerifiedAt: Date;
		email: string;
		displayName: string;
		isInstanceAdmin: boolean;
		locale: string | null;
		roles: { projectId: string; role: ProjectRole }[] | null;
	}>`${prepared}
		select s.id, s.secret_hash as "secretHash", s.user_id as "userId", s.created_at as "createdAt",
			s.last_verified_at as "lastVerifiedAt", u.email, u.display_name as "displayName",
			u.is_instance_admin as "isInstanceAdmin", u.locale,
			(select json_agg(json_build_object('projectId', m.project_id, 'role', m.role))
				from project_member m where m.user_id = s.user_id and m.project_id = any(${projectIds}::uuid[])) as roles
		from auth_session s join app_user u on u.id = s.user_id
		where s.id = ${id}`.execute(db);
	const row = r.rows[0];
	if (!row) return undefined;
	const byProject = new Map<string, Membership | null>(projectIds.map((p) => [p, null]));
	for (const m of row.roles ?? [])
		byProject.set(m.projectId, { projectId: m.projectId, userId: row.userId, role: m.role });
	return {
		session: {
			id: row.id,
			secretHash: row.secretHash,
			userId: row.userId,
			createdAt: row.createdAt,
			lastVerifiedAt: row.lastVerifiedAt
		},
		user: {
			id: row.userId,
			email: row.email,
			displayName: row.displayName,
			isInstanceAdmin: row.isInstanceAdmin,
			locale: row.locale
		},
		memberships: { userId: row.userId, byProject }
	};
}

export async function touchSession(db: Db, id: string, at: Date): Promise<void> {
	await db.updateTable('auth_session').set({ last_verified_at: at }).where('id', '=', id).execute();
}

export async function deleteSession(db: Db, id: string): Promise<void> {
	await db.deleteFrom('auth_session').where('id', '=', id).execute();
}

/** Deletes every session of `userId` except `keepId`; returns how many went. */
export async function deleteOtherSessions(db: Db, userId: string, keepId: string): Promise<number> {
	const result = await db
		.deleteFrom('auth_session')
		.where('user_id', '=', userId)
		.where('id', '!=', keepId)
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}

/** Housekeeping at sign-in: drops the user's sessions that can no longer validate. */
export async function deleteExpiredSessions(
	db: Db,
	userId: string,
	limits: { idleBefore: Date; createdBefore: Date }
): Promise<void> {
	await db
		.deleteFrom('auth_session')
		.where('user_id', '=', userId)
		.where((eb) =>
			eb.or([eb('last_verified_at', '<=', limits.idleBefore), eb('created_at', '<=', limits.createdBefore)])
		)
		.execute();
}

export interface SessionListRow {
	id: string;
	createdAt: Date;
	lastVerifiedAt: Date;
	userAgent: string | null;
	clientAddress: string | null;
}

export async function listUserSessions(db: Db, userId: string): Promise<SessionListRow[]> {
	return db
		.selectFrom('auth_session')
		.select([
			'id',
			'created_at as createdAt',
			'last_verified_at as lastVerifiedAt',
			'user_agent as userAgent',
			'client_address as clientAddress'
		])
		.where('user_id', '=', userId)
		.orderBy('last_verified_at', 'desc')
		.execute();
}
