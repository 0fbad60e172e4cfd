/**
 * Project membership rules:
 * - every project keeps at least one admin: the last admin can be neither
 *   demoted, removed, nor leave (CONFLICT, details.reason = 'last_admin');
 * - admins see members' e-mail addresses, other members only names and roles
 *   (enough to know who they work with, without handing out contact data);
 * - any member may leave; only admins change roles or remove others.
 *
 * Changes run in a transaction that first locks the project row, so two admins
 * demoting each other at the same moment cannot leave a project without one.
 */
import { can } from '../auth/policy';
import type { Db } from '../db/client';
import * as membersRepo from '../db/repositories/members';
import type { Membership } from '../db/repositories/members';
import { lockProject } from '../db/repositories/projects';
import type { ProjectRole } from '../db/schema';
import { AppError } from '../errors';
import type { Queue } from '../jobs/queue';
import { logger } from '../logger';
import { refreshStatsQuietly } from './projects';

export interface MemberView {
	userId: string;
	displayName: string;
	/** Only for admins. */
	email?: string;
	role: ProjectRole;
	joinedAt: Date;
	isYou: boolean;
}

export async function listMembers(db: Db, viewer: Membership): Promise<MemberView[]> {
	const rows = await membersRepo.listMembers(db, viewer.projectId);
	// Email addresses are an admin's tool (auth/policy.ts).
	const admin = can(viewer, 'admin');
	return rows.map((r) => ({
		userId: r.userId,
		displayName: r.displayName,
		...(admin ? { email: r.email } : {}),
		role: r.role,
		joinedAt: r.joinedAt,
		isYou: r.userId === viewer.userId
	}));
}

const lastAdmin = () =>
	new AppError('CONFLICT', 'A project needs at least one admin: make someone else admin first.', {
		reason: 'last_admin'
	});
const notMember = () =>
	new AppError('NOT_FOUND', 'That user is not a member of this project.', { reason: 'not_member' });

/** Runs `change` with the project locked; `target` is the member's current row. */
async function withLockedMember<T>(
	db: Db,
	projectId: string,
	userId: string,
	change: (trx: Db, target: Membership) => Promise<T>
): Promise<T> {
	return db.transaction().execute(async (trx) => {
		if (!(await lockProject(trx, projectId))) throw new AppError('NOT_FOUND', 'Project not found.');
		const target = await membersRepo.findMembership(trx, projectId, userId);
		if (!target) throw notMember();
		return change(trx, target);
	});
}

async function assertNotLastAdmin(trx: Db, target: Membership): Promise<void> {
	if (target.role === 'admin' && (await membersRepo.countMembers(trx, target.projectId, 'admin')) <= 1)
		throw lastAdmin();
}

export async function changeRole(
	db: Db,
	actor: Membership,
	input: { userId: string; role: ProjectRole }
): Promise<void> {
	await withLockedMember(db, actor.projectId, input.userId, async (trx, target) => {
		if (target.role === input.role) return;
		if (input.role !== 'admin') await assertNotLastAdmin(trx, target);
		await membersRepo.updateMemberRole(trx, { ...target, role: input.role });
	});
	logger.info('member role changed', {
		projectId: actor.projectId,
		by: actor.userId,
		userId: input.userId,
		role: input.role
	});
}

export async function removeMember(deps: { db: Db; queue: Queue }, actor: Membership, userId: string): Promise<void> {
	await withLockedMember(deps.db, actor.projectId, userId, async (trx, target) => {
		await assertNotLastAdmin(trx, target);
		await membersRepo.deleteMember(trx, target.projectId, target.userId);
	});
	logger.info('member removed', { projectId: actor.projectId, by: actor.userId, userId });
	await refreshStatsQuietly(deps.queue, actor.projectId);
}

export async function leaveProject(deps: { db: Db; queue: Queue }, member: Membership): Promise<void> {
	await removeMember(deps, member, member.userId);
}
