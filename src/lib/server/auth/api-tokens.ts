/**
 * API tokens for scripts and pipelines (`Authorization: Bearer concord_<id>.<secret>`).
 *
 * Security model, as for sessions (sessions.ts): the id is the row key, the secret
 * is shown once at creation and only SHA-256(secret) is stored, compared in
 * constant time. A token is scoped to ONE project and carries a role no wider
 * than its owner's membership; both are checked at EVERY use against the current
 * membership, so demoting or removing the owner narrows or kills their tokens.
 * Revoked or expired tokens are refused. A token request is authenticated by the
 * header alone: cookies are ignored on it (hooks.server.ts), so it carries no
 * ambient authority and the Origin check (origin-check.ts) has nothing to protect.
 *
 * What a token reaches: the procedures and endpoints of its project (projectProcedure,
 * guardedEndpoint 'project'), with its role. Account procedures (`authenticated`,
 * `instanceAdmin`: passwords, sessions, tokens themselves, new projects) refuse it, so
 * a leaked token cannot mint more tokens or outlive its revocation.
 */
import type { Db } from '../db/client';
import * as repo from '../db/repositories/api-tokens';
import { findMembership, type Membership } from '../db/repositories/members';
import { AppError } from '../errors';
import { requireCapability, roleWithin, type Capability } from './policy';
import { generateSessionToken, hashSecret, parseSessionToken, secretMatches } from './tokens';
import type { ApiTokenInfo, SessionUser } from './types';

export const API_TOKEN_PREFIX = 'concord_';

export function generateApiToken(): { id: string; secretHash: Uint8Array; token: string } {
	const { id, secret, token } = generateSessionToken();
	return { id, secretHash: hashSecret(secret), token: `${API_TOKEN_PREFIX}${token}` };
}

/** The token of an `Authorization: Bearer …` header, or null when there is none. */
export function bearerToken(header: string | null): string | null {
	const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
	return match ? match[1] : null;
}

export interface ValidApiToken {
	user: SessionUser;
	token: ApiTokenInfo;
}

/** The user and scope of a token, or null when it is malformed, unknown, wrong, revoked, expired or too wide now. */
export async function validateApiToken(db: Db, value: string, now = new Date()): Promise<ValidApiToken | null> {
	const parts = value.startsWith(API_TOKEN_PREFIX) ? parseSessionToken(value.slice(API_TOKEN_PREFIX.length)) : null;
	if (!parts) return null;
	const found = await repo.findTokenWithUser(db, parts.id);
	if (!found || !secretMatches(parts.secret, found.secretHash)) return null;
	if (found.revokedAt || (found.expiresAt && found.expiresAt <= now)) return null;
	// The owner left the project, or holds a narrower role than the token now.
	if (!found.memberRole || !roleWithin(found.role, found.memberRole)) return null;
	await repo.touchApiToken(db, found.id);
	return { user: found.user, token: { id: found.id, projectId: found.projectId, role: found.role } };
}

/**
 * The membership a caller acts with in `projectId`: their own, or, for a token, the
 * token's role in the token's project only (another project: NOT_FOUND, as for
 * non-members, even when the owner belongs to it). Then the capability check.
 */
export async function projectAccess(
	db: Db,
	caller: { user: SessionUser; apiToken: ApiTokenInfo | null },
	projectId: string,
	capability: Capability,
	/** Read along with the session (undefined: look it up; null: not a member). */
	prefetched?: Membership | null
): Promise<Membership> {
	if (caller.apiToken && caller.apiToken.projectId !== projectId) throw new AppError('NOT_FOUND', 'Project not found.');
	const found = prefetched !== undefined ? prefetched : await findMembership(db, projectId, caller.user.id);
	const membership = found ? { ...found } : undefined;
	if (!membership) throw new AppError('NOT_FOUND', 'Project not found.');
	if (caller.apiToken) {
		if (!roleWithin(caller.apiToken.role, membership.role))
			throw new AppError('FORBIDDEN', "This token's role is wider than your role in the project.");
		membership.role = caller.apiToken.role;
	}
	requireCapability(membership, capability);
	return membership;
}

/** Account-level procedures and endpoints refuse token callers. */
export const TOKEN_REFUSED = 'API tokens reach only the procedures and exports of their project.';
