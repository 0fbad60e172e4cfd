/**
 * API tokens of the signed-in user: create (shown once), list, revoke. Creating
 * needs a membership in the project and a role within it (`roleWithin`); the
 * secret is returned once and never stored (auth/api-tokens.ts).
 */
import type { CreateApiToken } from '../../schemas/api-token';
import { generateApiToken } from '../auth/api-tokens';
import { roleWithin } from '../auth/policy';
import type { Db } from '../db/client';
import * as repo from '../db/repositories/api-tokens';
import { findMembership } from '../db/repositories/members';
import { AppError } from '../errors';

const DAY = 24 * 60 * 60 * 1000;

export async function createToken(db: Db, userId: string, input: CreateApiToken, now = new Date()) {
	const membership = await findMembership(db, input.projectId, userId);
	if (!membership) throw new AppError('NOT_FOUND', 'Project not found.');
	if (!roleWithin(input.role, membership.role))
		throw new AppError(
			'FORBIDDEN',
			`A token's role can be at most your own role in the project (${membership.role}).`,
			{
				field: 'role'
			}
		);
	const { id, secretHash, token } = generateApiToken();
	const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * DAY) : null;
	await repo.insertApiToken(db, {
		id,
		secretHash,
		userId,
		projectId: input.projectId,
		role: input.role,
		name: input.name,
		expiresAt
	});
	// The only time the secret exists outside the caller's hands.
	return { id, token, name: input.name, projectId: input.projectId, role: input.role, expiresAt };
}

export async function listTokens(db: Db, userId: string, now = new Date()) {
	const rows = await repo.listUserTokens(db, userId);
	return rows.map((r) => ({
		...r,
		state: r.revokedAt
			? ('revoked' as const)
			: r.expiresAt && r.expiresAt <= now
				? ('expired' as const)
				: ('active' as const)
	}));
}

export async function revokeToken(db: Db, userId: string, id: string): Promise<void> {
	if (!(await repo.revokeUserToken(db, userId, id))) throw new AppError('NOT_FOUND', 'Token not found.');
}
