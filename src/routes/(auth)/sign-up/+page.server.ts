import { redirect } from '@sveltejs/kit';
import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { failAuthForm, signUpValues } from '../auth-forms.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	if (event.locals.user) redirect(303, '/projects');
	return { mode: await loadOrThrow(event.url, async () => (await serverCaller(event)).auth.signUpMode()) };
};

export const actions: Actions = {
	default: async (event) => {
		const values = signUpValues(await event.request.formData());
		try {
			// Refused before any password hashing when an invitation is needed (403); sets the session cookie.
			await (await serverCaller(event)).auth.signUp(values);
		} catch (err) {
			return failAuthForm(err, { values });
		}
		redirect(303, '/projects');
	}
};
