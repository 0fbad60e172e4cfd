import { sql } from 'kysely';
import { publicProcedure, router } from '../init';

export const systemRouter = router({
	/** Liveness of the API and its database, for the UI's status line. */
	health: publicProcedure.query(async ({ ctx }) => {
		await sql`select 1`.execute(ctx.db);
		return { ok: true as const };
	})
});
