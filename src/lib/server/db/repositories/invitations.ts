/**
 * Queries on `invitation`. Only SHA-256 of an invitation token is stored
 * (`token_hash`); a row with `project_id` null invites to the instance only.
 * "Pending" means not accepted, not revoked and not expired at `now`.
 */
import { sql } from 'kysely';
import type { Db } from '../client';
import type { ProjectRole } from '../schema';

export interface InvitationRow {
	id: string;
	email: string | null;
	projectId: string | null;
	projectName: string | null;
	role: ProjectRole | null;
	invitedBy: string | null;
	createdAt: Date;
	expiresAt: Date;
	acceptedAt: Date | null;
	revokedAt: Date | null;
}

export async function insertInvitation(
	db: Db,
	row: {
		tokenHash: Uint8Array;
		email: string | null;
		projectId: string | null;
		role: ProjectRole | null;
		createdBy: string;
		createdAt: Date;
		expiresAt: Date;
	}
): Promise<{ id: string; expiresAt: Date }> {
	return db
		.insertInto('invitation')
		.values({
			token_hash: row.tokenHash,
			email: row.email,
			project_id: row.projectId,
			role: row.role,
			created_by: row.createdBy,
			created_at: row.createdAt,
			expires_at: row.expiresAt
		})
		.returning(['id', 'expires_at as expiresAt'])
		.executeTakeFirstOrThrow();
}

function selectInvitations(db: Db) {
	return db
		.selectFrom('invitation as i')
		.leftJoin('project as p', 'p.id', 'i.project_id')
		.leftJoin('app_user as u', 'u.id', 'i.created_by')
		.select([
			'i.id',
			'i.email',
			'i.project_id as projectId',
			'p.name as projectName',
			'i.role',
			'u.display_name as invitedBy',
			'i.created_at as createdAt',
			'i.expires_at as expiresAt',
			'i.accepted_at as acceptedAt',
			'i.revoked_at as revokedAt'
		]);
}

export async function findInvitationByTokenHash(db: Db, tokenHash: Uint8Array): Promise<InvitationRow | undefined> {
	return selectInvitations(db).where('i.token_hash', '=', tokenHash).executeTakeFirst();
}

export async function listPendingInvitations(db: Db, projectId: string, now: Date): Promise<InvitationRow[]> {
	return selectInvitations(db)
		.where('i.project_id', '=', projectId)
		.where('i.accepted_at', 'is', null)
		.where('i.revoked_at', 'is', null)
		.where('i.expires_at', '>', now)
		.orderBy('i.created_at', 'desc')
		.execute();
}

/** Revokes a pending invitation of `projectId`; false when there is none with that id. */
export async function revokeInvitation(
	db: Db,
	input: { projectId: string; invitationId: string; now: Date }
): Promise<boolean> {
	const result = await db
		.updateTable('invitation')
		.set({ revoked_at: input.now })
		.where('id', '=', input.invitationId)
		.where('project_id', '=', input.projectId)
		.where('accepted_at', 'is', null)
		.where('revoked_at', 'is', null)
		.executeTakeFirst();
	return result.numUpdatedRows > 0n;
}

/**
 * Marks the invitation accepted by `userId` if, at this instant, it is still
 * pending and (when bound to an email) addressed to `email`. One statement, so
 * two people racing for one link cannot both get it.
 */
export async function consumeInvitation(
	db: Db,
	input: { tokenHash: Uint8Array; userId: string; email: string; now: Date }
): Promise<{ id: string; projectId: string | null; role: ProjectRole | null } | undefined> {
	return db
		.updateTable('invitation')
		.set({ accepted_at: input.now, accepted_by: input.userId })
		.where('token_hash', '=', input.tokenHash)
		.where('accepted_at', 'is', null)
		.where('revoked_at', 'is', null)
		.where('expires_at', '>', input.now)
		.where((eb) =>
			eb.or([eb('email', 'is', null), eb(sql<string>`lower(email)`, '=', input.email.trim().toLowerCase())])
		)
		.returning(['id', 'project_id as projectId', 'role'])
		.executeTakeFirst();
}
