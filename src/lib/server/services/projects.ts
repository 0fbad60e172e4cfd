/**
 * Projects: creation (the creator becomes its first admin), listing, reading
 * and renaming. Who may call what is decided by the procedure builders in
 * `trpc/init.ts`; this module enforces what roles cannot express.
 *
 * Creating a project: any signed-in user may. Accounts exist only through the
 * first-admin sign-up, an invitation or an explicitly opened sign-up, so
 * everyone signed in is already trusted by the instance; a new project is
 * private to its creator until they invite others. Instance admins therefore
 * need no special path here.
 */
import { capabilitiesOf, type Capabilities } from '../auth/policy';
import type { Db } from '../db/client';
import { addMember, countMembers, type Membership } from '../db/repositories/members';
import * as projectsRepo from '../db/repositories/projects';
import type { ProjectRole } from '../db/schema';
import { AppError } from '../errors';
import type { Queue } from '../jobs/queue';
import { logger } from '../logger';
import { getProjectStats, requestStatsRefresh } from './project-stats';

export interface ProjectSummary {
	id: string;
	name: string;
	description: string;
	createdAt: Date;
	role: ProjectRole;
	memberCount: number;
}

/** One project as its member sees it: pages decide what to show from `capabilities`, never from the role name. */
export interface ProjectView extends ProjectSummary {
	capabilities: Capabilities;
}

export async function listProjects(db: Db, userId: string): Promise<ProjectSummary[]> {
	const rows = await projectsRepo.listProjectsOfUser(db, userId);
	return rows.map((r) => ({
		id: r.id,
		name: r.name,
		description: r.description,
		createdAt: r.createdAt,
		role: r.role,
		memberCount: Number(r.memberCount)
	}));
}

export async function createProject(
	deps: { db: Db; queue: Queue },
	input: { name: string; description: string; userId: string }
): Promise<ProjectSummary> {
	const project = await deps.db.transaction().execute(async (trx) => {
		const row = await projectsRepo.insertProject(trx, {
			name: input.name,
			description: input.description,
			createdBy: input.userId
		});
		await addMember(trx, { projectId: row.id, userId: input.userId, role: 'admin' });
		return row;
	});
	logger.info('project created', { projectId: project.id, userId: input.userId });
	await refreshStatsQuietly(deps.queue, project.id);
	return { ...project, role: 'admin', memberCount: 1 };
}

/** The project as seen by one of its members (`membership` comes from the procedure builder). */
export async function getProject(db: Db, membership: Membership): Promise<ProjectView> {
	const project = await projectsRepo.findProjectById(db, membership.projectId);
	if (!project) throw new AppError('NOT_FOUND', 'Project not found.');
	const memberCount = await countMembers(db, project.id);
	return { ...project, role: membership.role, memberCount, capabilities: capabilitiesOf(membership) };
}

export async function updateProject(
	db: Db,
	membership: Membership,
	patch: { name?: string; description?: string }
): Promise<ProjectSummary> {
	const row = await projectsRepo.updateProject(db, membership.projectId, patch);
	if (!row) throw new AppError('NOT_FOUND', 'Project not found.');
	return { ...row, role: membership.role, memberCount: await countMembers(db, row.id) };
}

export async function readProjectStats(db: Db, projectId: string) {
	return getProjectStats(db, projectId);
}

export async function refreshStats(queue: Queue, projectId: string): Promise<{ jobId: string }> {
	const job = await requestStatsRefresh(queue, projectId);
	return { jobId: job.id };
}

/**
 * Membership changes make cached statistics stale; a refresh is requested, but
 * a queue hiccup must not undo a change that has already been committed.
 */
export async function refreshStatsQuietly(queue: Queue, projectId: string): Promise<void> {
	try {
		await requestStatsRefresh(queue, projectId);
	} catch (error) {
		logger.warn('could not enqueue stats refresh', { projectId, error });
	}
}
