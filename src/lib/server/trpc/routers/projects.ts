/**
 * Projects. `create` is open to every signed-in user (see services/projects.ts
 * for why); everything else is scoped to one project through `projectProcedure`.
 */
import { CreateProjectSchema, UpdateProjectSchema } from '../../../schemas/project';
import * as projects from '../../services/projects';
import { authedProcedure, projectProcedure, router } from '../init';

export const projectsRouter = router({
	/** Projects the caller belongs to, with their role and the member count. */
	list: authedProcedure.query(({ ctx }) => projects.listProjects(ctx.db, ctx.user.id)),

	/** Creates a project; the caller becomes its admin. */
	create: authedProcedure
		.input(CreateProjectSchema)
		.mutation(({ ctx, input }) =>
			projects.createProject(ctx, { name: input.name, description: input.description, userId: ctx.user.id })
		),

	get: projectProcedure('member').query(({ ctx }) => projects.getProject(ctx.db, ctx.membership)),

	update: projectProcedure('admin')
		.input(UpdateProjectSchema)
		.mutation(({ ctx, input }) =>
			projects.updateProject(ctx.db, ctx.membership, { name: input.name, description: input.description })
		),

	/** Cached counts from the `project.refresh-stats` job; null until it first ran. */
	stats: projectProcedure('readResults').query(({ ctx }) =>
		projects.readProjectStats(ctx.db, ctx.membership.projectId)
	),

	/** Queues a statistics refresh (deduplicated per project while pending). */
	refreshStats: projectProcedure('admin').mutation(({ ctx }) =>
		projects.refreshStats(ctx.queue, ctx.membership.projectId)
	)
});
