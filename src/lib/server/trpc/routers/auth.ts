/**
 * Accounts and sessions. Sign-in and sign-up are public procedures that the
 * (auth) pages' form actions call through `serverCaller` (so they work without
 * JavaScript); they set the session cookie themselves through the context's
 * `setCookie` and never return the token. Signing out is available both here
 * and as POST /sign-out.
 */
import { SignInSchema, SignUpInputSchema } from '../../../schemas/auth';
import { LocaleSchema } from '../../../schemas/project';
import * as accounts from '../../services/accounts';
import { clearingSessionCookie, issuedSessionCookie, SESSION_COOKIE, SECURE_SESSION_COOKIE } from '../../auth/cookies';
import type { IssuedSession } from '../../auth/sessions';
import { LOCALE_COOKIE, localeCookieOptions } from '../../services/user-preferences';
import { authedProcedure, publicProcedure, router, type RequestInfo } from '../init';

/** The session cookie the browser sent, if any: ended at sign-in and sign-up (rotation). */
function presentedToken(request: RequestInfo): string | undefined {
	return request.getCookie?.(request.secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE);
}

const clientOf = (request: RequestInfo): accounts.ClientInfo => ({
	clientAddress: request.clientAddress,
	userAgent: request.userAgent
});

/**
 * Sends the new session's cookie and, when the account has a language,
 * Paraglide's cookie, so the very next page renders in it. Only the caller that
 * has a response (a page action, the HTTP adapter) can set them; the session
 * cookie's name and `Secure` follow the request's protocol (cookies.ts).
 */
function startSession(request: RequestInfo, issued: IssuedSession) {
	if (!request.setCookie || request.secure === undefined) return;
	const cookie = issuedSessionCookie(request.secure, issued.token, issued.expiresAt);
	request.setCookie(cookie.name, cookie.value, cookie.options);
	const locale = LocaleSchema.safeParse(issued.user.locale);
	if (locale.success) request.setCookie(LOCALE_COOKIE, locale.data, { ...localeCookieOptions, secure: request.secure });
}

/** What a new session tells the caller: never the token (it travels only in the HttpOnly cookie). */
const started = (issued: IssuedSession) => ({ user: issued.user, session: issued.session });

export const authRouter = router({
	/** The current user, or null when signed out. */
	me: publicProcedure.query(({ ctx }) => ctx.user),

	/** What /sign-up offers: the first administrator, anyone (open sign-up), or nobody without an invitation. */
	signUpMode: publicProcedure.query(({ ctx }) => accounts.signUpMode(ctx.db)),

	/** Throttled per account and client address (services/accounts.ts); rotates the presented session. */
	signIn: publicProcedure.input(SignInSchema).mutation(async ({ ctx, input }) => {
		const issued = await accounts.signIn(ctx.db, {
			...input,
			currentToken: presentedToken(ctx.request),
			client: clientOf(ctx.request)
		});
		startSession(ctx.request, issued);
		return started(issued);
	}),

	/**
	 * Creates an account (the first administrator, open sign-up, or from an
	 * invitation, which is used up in the same transaction) and signs it in.
	 * The language chosen before signing up is remembered for the account.
	 */
	signUp: publicProcedure.input(SignUpInputSchema).mutation(async ({ ctx, input }) => {
		const chosen = LocaleSchema.safeParse(ctx.request.getCookie?.(LOCALE_COOKIE));
		const result = await accounts.signUp(ctx, {
			...input,
			locale: chosen.success ? chosen.data : null,
			currentToken: presentedToken(ctx.request),
			client: clientOf(ctx.request)
		});
		startSession(ctx.request, result.issued);
		return { ...started(result.issued), joined: result.joined };
	}),

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
