/**
 * The demo project: instance administrators only (it creates a project with
 * sample data; see services/demo.ts).
 */
import { createDemoProject } from '../../services/demo';
import { instanceAdminProcedure, router } from '../init';

export const demoRouter = router({
	/** Creates a new demo project (the caller becomes its admin) and queues its two imports. */
	create: instanceAdminProcedure.mutation(({ ctx }) => createDemoProject(ctx, ctx.user.id))
});
