/**
 * Invitation links: how accounts come to exist after the first one, and how
 * people join projects.
 *
 * - The link carries a 192-bit random token; only SHA-256 of it is stored, so
 *   the table cannot be turned back into working links. The token is returned
 *   once, at creation.
 * - Links expire after 7 days, can be revoked while pending, and are used at
 *   most once (consumed by a single conditional UPDATE).
 * - A link bound to an email works only for an account with that email.
 * - A project link adds the member with the invited role; someone already in
 *   the project keeps their current role (an invitation never changes a role).
 */
import type { Db } from '../db/client';
import * as invitationsRepo from '../db/repositories/invitations';
import { addMember, findMembership } from '../db/repositories/members';
import { findProjectById } from '../db/repositories/projects';
import type { ProjectRole } from '../db/schema';
import { systemClock, type Clock } from '../auth/sessions';
import { generateInvitationToken, hashSecret, isInvitationTokenShape } from '../auth/tokens';
import { AppError } from '../errors';
import type { Queue } from '../jobs/queue';
import { logger } from '../logger';
import { refreshStatsQuietly } from './projects';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface ClockOptions {
	now?: Clock;
}

export interface CreatedInvitation {
	id: string;
	/** Relative: `/invite/<token>`. The token appears nowhere else, ever. */
	url: string;
	expiresAt: Date;
}

export async function createInvitation(
	db: Db,
	input: { projectId: string | null; role: ProjectRole | null; email?: string | null; createdBy: string },
	options: ClockOptions = {}
): Promise<CreatedInvitation> {
	if ((input.projectId === null) !== (input.role === null))
		throw new AppError('BAD_REQUEST', 'A project invitation needs a role; an instance invitation has none.');
	const now = (options.now ?? systemClock)();
	const token = generateInvitationToken();
	const email = input.email?.trim() || null;
	const row = await invitationsRepo.insertInvitation(db, {
		tokenHash: hashSecret(token),
		email,
		projectId: input.projectId,
		role: input.role,
		createdBy: input.createdBy,
		createdAt: now,
		expiresAt: new Date(now.getTime() + INVITATION_TTL_MS)
	});
	logger.info('invitation created', {
		invitationId: row.id,
		projectId: input.projectId,
		role: input.role,
		by: input.createdBy,
		emailBound: email !== null
	});
	return { id: row.id, url: `/invite/${token}`, expiresAt: row.expiresAt };
}

export interface PendingInvitation {
	id: string;
	email: string | null;
	role: ProjectRole;
	invitedBy: string | null;
	createdAt: Date;
	expiresAt: Date;
}

export async function listPendingInvitations(
	db: Db,
	projectId: string,
	options: ClockOptions = {}
): Promise<PendingInvitation[]> {
	const rows = await invitationsRepo.listPendingInvitations(db, projectId, (options.now ?? systemClock)());
	return rows.map((r) => ({
		id: r.id,
		email: r.email,
		role: r.role!,
		invitedBy: r.invitedBy,
		createdAt: r.createdAt,
		expiresAt: r.expiresAt
	}));
}

export async function revokeInvitation(
	db: Db,
	input: { projectId: string; invitationId: string; by: string },
	options: ClockOptions = {}
): Promise<void> {
	const revoked = await invitationsRepo.revokeInvitation(db, { ...input, now: (options.now ?? systemClock)() });
	if (!revoked) throw new AppError('NOT_FOUND', 'No pending invitation with that id in this project.');
	logger.info('invitation revoked', { invitationId: input.invitationId, projectId: input.projectId, by: input.by });
}

export type InvitationProblem = 'not_found' | 'expired' | 'revoked' | 'accepted';

export type InvitationPreview =
	| {
			valid: true;
			projectId: string | null;
			projectName: string | null;
			role: ProjectRole | null;
			email: string | null;
			invitedBy: string | null;
			expiresAt: Date;
	  }
	| { valid: false; reason: InvitationProblem };

function problemOf(row: invitationsRepo.InvitationRow | undefined, now: Date): InvitationProblem | null {
	if (!row) return 'not_found';
	if (row.acceptedAt) return 'accepted';
	if (row.revokedAt) return 'revoked';
	if (row.expiresAt <= now) return 'expired';
	return null;
}

async function findByToken(db: Db, token: string) {
	// A malformed token cannot match; skip the query.
	return isInvitationTokenShape(token) ? invitationsRepo.findInvitationByTokenHash(db, hashSecret(token)) : undefined;
}

/** What the invite page shows. Public: whoever holds the link may see where it leads. */
export async function inspectInvitation(db: Db, token: string, options: ClockOptions = {}): Promise<InvitationPreview> {
	const row = await findByToken(db, token);
	const reason = problemOf(row, (options.now ?? systemClock)());
	if (reason || !row) return { valid: false, reason: reason ?? 'not_found' };
	return {
		valid: true,
		projectId: row.projectId,
		projectName: row.projectName,
		role: row.role,
		email: row.email,
		invitedBy: row.invitedBy,
		expiresAt: row.expiresAt
	};
}

const problemMessages: Record<InvitationProblem | 'email_mismatch', string> = {
	not_found: 'This invitation link is not valid.',
	expired: 'This invitation has expired. Ask for a new one.',
	revoked: 'This invitation was withdrawn.',
	accepted: 'This invitation has already been used.',
	email_mismatch: 'This invitation is for a different email address.'
};

function invitationError(reason: InvitationProblem | 'email_mismatch'): AppError {
	const code = reason === 'email_mismatch' ? 'FORBIDDEN' : reason === 'not_found' ? 'NOT_FOUND' : 'CONFLICT';
	return new AppError(code, problemMessages[reason], { reason });
}

/**
 * A cheap look before expensive work (argon2): throws the reason an account
 * could not be created from this link for `email` right now. The transaction
 * that consumes the link checks again; this only keeps bogus links from
 * costing a password hash.
 */
export async function assertInvitationUsable(
	db: Db,
	input: { token: string; email: string; now: Date }
): Promise<void> {
	const preview = await inspectInvitation(db, input.token, { now: () => input.now });
	if (!preview.valid) throw invitationError(preview.reason);
	if (preview.email && preview.email.trim().toLowerCase() !== input.email.trim().toLowerCase())
		throw invitationError('email_mismatch');
}

export interface Joined {
	projectId: string | null;
	projectName: string | null;
	role: ProjectRole | null;
	/** True when the user was already a member: their existing role was kept. */
	alreadyMember: boolean;
}

/**
 * Consumes the invitation for `user` inside the caller's transaction and adds
 * the project membership. Throws AppError (details.reason) when the link is
 * unusable; the caller's transaction then rolls back whatever it did.
 */
export async function redeemInvitation(
	trx: Db,
	input: { token: string; user: { id: string; email: string }; now: Date }
): Promise<Joined> {
	const tokenHash = isInvitationTokenShape(input.token) ? hashSecret(input.token) : null;
	const consumed = tokenHash
		? await invitationsRepo.consumeInvitation(trx, {
				tokenHash,
				userId: input.user.id,
				email: input.user.email,
				now: input.now
			})
		: undefined;
	if (!consumed) {
		const row = tokenHash ? await invitationsRepo.findInvitationByTokenHash(trx, tokenHash) : undefined;
		throw invitationError(problemOf(row, input.now) ?? 'email_mismatch');
	}
	if (!consumed.projectId || !consumed.role)
		return { projectId: null, projectName: null, role: null, alreadyMember: false };
	const { added } = await addMember(trx, { projectId: consumed.projectId, userId: input.user.id, role: consumed.role });
	const role = added
		? consumed.role
		: ((await findMembership(trx, consumed.projectId, input.user.id))?.role ?? consumed.role);
	const project = await findProjectById(trx, consumed.projectId);
	logger.info('invitation accepted', {
		invitationId: consumed.id,
		projectId: consumed.projectId,
		userId: input.user.id,
		added
	});
	return { projectId: consumed.projectId, projectName: project?.name ?? null, role, alreadyMember: !added };
}

/** Membership counts feed the project statistics; a new member makes them stale. */
export async function afterJoin(queue: Queue | undefined, joined: Joined): Promise<void> {
	if (queue && joined.projectId && !joined.alreadyMember) await refreshStatsQuietly(queue, joined.projectId);
}

/** A signed-in user accepts a project invitation. Instance-only links are for new accounts. */
export async function acceptInvitation(
	deps: { db: Db; queue?: Queue },
	input: { token: string; user: { id: string; email: string } },
	options: ClockOptions = {}
): Promise<Joined> {
	const now = (options.now ?? systemClock)();
	const preview = await inspectInvitation(deps.db, input.token, { now: () => now });
	if (preview.valid && preview.projectId === null) {
		throw new AppError('CONFLICT', 'This invitation is for creating an account, and you already have one.', {
			reason: 'already_registered'
		});
	}
	const joined = await deps.db.transaction().execute((trx) => redeemInvitation(trx, { ...input, now }));
	await afterJoin(deps.queue, joined);
	return joined;
}
