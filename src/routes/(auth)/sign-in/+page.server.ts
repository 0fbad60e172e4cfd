import { redirect } from '@sveltejs/kit';
import { safeRedirectTarget } from '$lib/server/auth/redirect';
import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { failAuthForm, field, signInValues } from '../auth-forms.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const redirectTo = safeRedirectTarget(event.url.searchParams.get('redirectTo'));
	if (event.locals.user) redirect(303, redirectTo);
	const signUpMode = await loadOrThrow(event.url, async () => (await serverCaller(event)).auth.signUpMode());
	return { redirectTo, signUpMode };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const values = signInValues(form);
		const redirectTo = safeRedirectTarget(field(form, 'redirectTo'));
		try {
			// The procedure rotates the session and sets the cookie.
			await (await serverCaller(event)).auth.signIn(values);
		} catch (err) {
			return failAuthForm(err, { values });
		}
		redirect(303, redirectTo);
	}
};
