/**
 * POST /sign-out: ends the session server-side, clears the cookie and goes to
 * the sign-in page (or to the form's same-site `redirectTo`). POST only (GET answers 405), so a link or an image on
 * another site cannot sign anyone out; the Origin check in hooks covers the rest.
 */
import { redirect } from '@sveltejs/kit';
import { deleteSessionCookie } from '$lib/server/auth/cookies';
import { safeRedirectTarget } from '$lib/server/auth/redirect';
import { serverCaller } from '$lib/server/trpc/caller';
import { guardedEndpoint } from '$lib/server/http/guarded-endpoint';
import type { RequestEvent } from './$types';

// Public: signing out without a session only clears a stale cookie.
export const POST = guardedEndpoint({
	policy: { kind: 'public' },
	handler: async (event: RequestEvent) => {
		// The session handle has already validated the cookie; a dead one has no row left to delete,
		// so only a live session goes through the procedure (which also clears the cookie).
		if (event.locals.session) await (await serverCaller(event)).auth.signOut();
		deleteSessionCookie(event.cookies, event.url);
		event.locals.user = null;
		event.locals.session = null;
		// A form may ask to come back (the invite page: "sign out to use another account").
		const form = await event.request.formData().catch(() => null);
		const back = form?.get('redirectTo');
		redirect(303, safeRedirectTarget(typeof back === 'string' ? back : null, '/sign-in'));
	}
});
