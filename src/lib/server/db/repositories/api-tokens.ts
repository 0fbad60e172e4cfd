/**
 * Queries on `api_token`. Checking a secret, scope and role lives in
 * `auth/api-tokens.ts`; rules about who may create what in `services/api-tokens.ts`.
 */
import { sql } from 'kysely';
import type { Db } from '../client';
import type { ProjectRole } from '../schema';
import type { UserRow } from './users';

export interface NewApiToken {
	id: string;
	secretHash: Uint8Array;
	userId: string;
	projectId: string;
	role: ProjectRole;
	name: string;
	expiresAt: Date | null;
}

export async function insertApiToken(db: Db, t: NewApiToken): Promise<void> {
	await db
		.insertInto('api_token')
		.values({
			id: t.id,
			secret_hash: t.secretHash,
			user_id: t.userId,
			project_id: t.projectId,
			role: t.role,
			name: t.name,
			expires_at: t.expiresAt
		})
		.execute();
}

export interface TokenWithUser {
	id: string;
	secretHash: Uint8Array;
	projectId: string;
	role: ProjectRole;
	expiresAt: Date | null;
	revokedAt: Date | null;
	lastUsedAt: Date | null;
	/** The owner's current role in the token's project (null: no longer a member). */
	memberRole: ProjectRole | null;
	user: UserRow;
}

export async function findTokenWithUser(db: Db, id: string): Promise<TokenWithUser | undefined> {
	const row = await db
		.selectFrom('api_token as t')
		.innerJoin('app_user as u', 'u.id', 't.user_id')
		.leftJoin('project_member as m', (j) =>
			j.onRef('m.project_id', '=', 't.project_id').onRef('m.user_id', '=', 't.user_id')
		)
		.select([
			't.id',
			't.secret_hash as secretHash',
			't.project_id as projectId',
			't.role',
			't.expires_at as expiresAt',
			't.revoked_at as revokedAt',
			't.last_used_at as lastUsedAt',
			'm.role as memberRole',
			'u.id as userId',
			'u.email',
			'u.display_name as displayName',
			'u.is_instance_admin as isInstanceAdmin',
			'u.locale'
		])
		.where('t.id', '=', id)
		.executeTakeFirst();
	if (!row) return undefined;
	const { userId, email, displayName, isInstanceAdmin, locale, ...token } = row;
	return { ...token, user: { id: userId, email, displayName, isInstanceAdmin, locale } };
}

/** Records a use, at most once a minute per token (no write per request). */
export async function touchApiToken(db: Db, id: string): Promise<void> {
	await db
		.updateTable('api_token')
		.set({ last_used_at: sql`now()` })
		.where('id', '=', id)
		.where((eb) =>
			eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)])
		)
		.execute();
}

export interface ApiTokenListRow {
	id: string;
	name: string;
	projectId: string;
	projectName: string;
	role: ProjectRole;
	createdAt: Date;
	expiresAt: Date | null;
	lastUsedAt: Date | null;
	revokedAt: Date | null;
}

export async function listUserTokens(db: Db, userId: string): Promise<ApiTokenListRow[]> {
	return db
		.selectFrom('api_token as t')
		.innerJoin('project as p', 'p.id', 't.project_id')
		.select([
			't.id',
			't.name',
			't.project_id as projectId',
			'p.name as projectName',
			't.role',
			't.created_at as createdAt',
			't.expires_at as expiresAt',
			't.last_used_at as lastUsedAt',
			't.revoked_at as revokedAt'
		])
		.where('t.user_id', '=', userId)
		.orderBy('t.created_at', 'desc')
		.execute();
}

/** Revokes the user's own token; false when it is not theirs (or unknown). */
export async function revokeUserToken(db: Db, userId: string, id: string): Promise<boolean> {
	const result = await db
		.updateTable('api_token')
		.set({ revoked_at: sql`coalesce(revoked_at, now())` })
		.where('id', '=', id)
		.where('user_id', '=', userId)
		.executeTakeFirst();
	return result.numUpdatedRows > 0n;
}
