/**
 * The signed-in person's API tokens. Session only (`authedProcedure` refuses token
 * callers), so a token can never mint or extend another token.
 */
import { z } from 'zod';
import { CreateApiTokenSchema } from '../../../schemas/api-token';
import * as tokens from '../../services/api-tokens';
import { authedProcedure, router } from '../init';

export const apiTokensRouter = router({
	list: authedProcedure.query(({ ctx }) => tokens.listTokens(ctx.db, ctx.user.id)),

	/** Returns the token once; only its hash is kept. */
	create: authedProcedure
		.input(CreateApiTokenSchema)
		.mutation(({ ctx, input }) => tokens.createToken(ctx.db, ctx.user.id, input)),

	revoke: authedProcedure
		.input(z.object({ id: z.string().min(1).max(64) }))
		.mutation(({ ctx, input }) => tokens.revokeToken(ctx.db, ctx.user.id, input.id))
});
