import { checkDatabase } from '../../services/health';
import { publicProcedure, router } from '../init';

export const systemRouter = router({
	/** Liveness of the API and its database, for the UI's status line. */
	health: publicProcedure.query(async ({ ctx }) => {
		await checkDatabase(ctx.db);
		return { ok: true as const };
	})
});
