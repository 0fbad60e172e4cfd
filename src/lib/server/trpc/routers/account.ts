/**
 * The signed-in user's own account: profile and language. Sessions and
 * passwords are the `auth` router's.
 */
import { DisplayNameSchema, LocaleSchema } from '../../../schemas/project';
import { z } from 'zod';
import * as account from '../../services/user-preferences';
import { authedProcedure, router } from '../init';

export const accountRouter = router({
	me: authedProcedure.query(({ ctx }) => account.getProfile(ctx.db, ctx.user.id)),

	/** Stores the language for this user and sets Paraglide's cookie for this browser. */
	setLocale: authedProcedure.input(z.object({ locale: LocaleSchema })).mutation(async ({ ctx, input }) => {
		await account.setLocale(ctx.db, ctx.user.id, input.locale);
		ctx.request.setCookie?.(account.LOCALE_COOKIE, input.locale, account.localeCookieOptions);
		return { locale: input.locale };
	}),

	updateProfile: authedProcedure
		.input(z.object({ displayName: DisplayNameSchema }))
		.mutation(async ({ ctx, input }) => {
			await account.setDisplayName(ctx.db, ctx.user.id, input.displayName);
			return { displayName: input.displayName };
		})
});
