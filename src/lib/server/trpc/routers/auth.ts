/**
 * The signed-in user's own session management. Signing in and up are form
 * actions on the (auth) pages (they work without JavaScript); signing out is
 * available both here and as POST /sign-out.
 */
import * as accounts from '../../services/accounts';
import { clearingSessionCookie } from '../../auth/cookies';
import { authedProcedure, publicProcedure, router } from '../init';

export const authRouter = router({
	/** The current user, or null when signed out. */
	me: publicProcedure.query(({ ctx }) => ctx.user),

	/** The caller's live sessions, most recent first; `current` marks this one. */
	sessions: authedProcedure.query(({ ctx }) => accounts.sessionsOf(ctx.db, ctx.user.id, ctx.session.id)),

	/** Ends this session server-side and clears its cookie. */
	signOut: authedProcedure.mutation(async ({ ctx }) => {
		await accounts.signOut(ctx.db, ctx.session.id);
		if (ctx.request.secure !== undefined) {
			const cookie = clearingSessionCookie(ctx.request.secure);
			ctx.request.setCookie?.(cookie.name, cookie.value, cookie.options);
		}
		return { ok: true as const };
	}),

	/** Ends every other session of the caller (other browsers, devices); keeps this one. */
	signOutOthers: authedProcedure.mutation(({ ctx }) =>
		accounts.signOutOtherSessions(ctx.db, ctx.user.id, ctx.session.id)
	)
});
