/**
 * Project members. Any member may list them (admins also get e-mail
 * addresses) and leave; only admins change roles or remove others. Inviting
 * is the `invitations` router's job.
 */
import { z } from 'zod';
import { ProjectRoleSchema } from '../../../schemas/project';
import * as members from '../../services/members';
import { projectProcedure, router } from '../init';

const TargetSchema = z.object({ userId: z.string().uuid() });

export const membersRouter = router({
	list: projectProcedure('member').query(({ ctx }) => members.listMembers(ctx.db, ctx.membership)),

	/** Fails with CONFLICT (details.reason 'last_admin') when it would demote the last admin. */
	updateRole: projectProcedure('admin')
		.input(TargetSchema.extend({ role: ProjectRoleSchema }))
		.mutation(async ({ ctx, input }) => {
			await members.changeRole(ctx.db, ctx.membership, { userId: input.userId, role: input.role });
			return { ok: true as const };
		}),

	/** Removes a member (possibly the caller); never the last admin. */
	remove: projectProcedure('admin')
		.input(TargetSchema)
		.mutation(async ({ ctx, input }) => {
			await members.removeMember(ctx, ctx.membership, input.userId);
			return { ok: true as const };
		}),

	/** The caller leaves the project; the last admin cannot. */
	leave: projectProcedure('member').mutation(async ({ ctx }) => {
		await members.leaveProject(ctx, ctx.membership);
		return { ok: true as const };
	})
});
