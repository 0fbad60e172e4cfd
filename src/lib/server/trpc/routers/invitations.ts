/**
 * Invitation links. Project admins invite to their project; instance admins
 * can also invite someone to Concord without a project. `inspect` is public:
 * the invite page shows it to whoever holds the link.
 */
import { z } from 'zod';
import { EmailSchema, InvitationTokenSchema } from '../../../schemas/auth';
import { ProjectRoleSchema } from '../../../schemas/project';
import * as invitations from '../../services/invitations';
import { authedProcedure, instanceAdminProcedure, projectProcedure, publicProcedure, router } from '../init';

const OptionalEmailSchema = z.union([EmailSchema, z.literal('').transform(() => null), z.null()]).optional();

export const invitationsRouter = router({
	/** A link to join the project with `role`; bound to `email` when given. Returns the only copy of the token (in `url`). */
	create: projectProcedure('admin')
		.input(z.object({ role: ProjectRoleSchema, email: OptionalEmailSchema }))
		.mutation(({ ctx, input }) =>
			invitations.createInvitation(ctx.db, {
				projectId: ctx.membership.projectId,
				role: input.role,
				email: input.email,
				createdBy: ctx.user.id
			})
		),

	/** Pending (unused, unrevoked, unexpired) invitations of the project. */
	list: projectProcedure('admin').query(({ ctx }) =>
		invitations.listPendingInvitations(ctx.db, ctx.membership.projectId)
	),

	revoke: projectProcedure('admin')
		.input(z.object({ invitationId: z.string().uuid() }))
		.mutation(async ({ ctx, input }) => {
			await invitations.revokeInvitation(ctx.db, {
				projectId: ctx.membership.projectId,
				invitationId: input.invitationId,
				by: ctx.user.id
			});
			return { ok: true as const };
		}),

	/** A link to create an account without joining a project. */
	createInstance: instanceAdminProcedure
		.input(z.object({ email: OptionalEmailSchema }))
		.mutation(({ ctx, input }) =>
			invitations.createInvitation(ctx.db, { projectId: null, role: null, email: input.email, createdBy: ctx.user.id })
		),

	/** Where a link leads: project, role, bound email, or why it no longer works. */
	inspect: publicProcedure
		.input(z.object({ token: InvitationTokenSchema }))
		.query(({ ctx, input }) => invitations.inspectInvitation(ctx.db, input.token)),

	/** The signed-in caller accepts a project invitation; an existing membership keeps its role (`alreadyMember`). */
	accept: authedProcedure
		.input(z.object({ token: InvitationTokenSchema }))
		.mutation(({ ctx, input }) => invitations.acceptInvitation(ctx, { token: input.token, user: ctx.user }))
});
