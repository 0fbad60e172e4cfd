import { redirect } from '@sveltejs/kit';
import { safeRedirectTarget } from '$lib/server/auth/redirect';
import { signIn, signUpMode } from '$lib/server/services/accounts';
import {
	clientOf,
	currentToken,
	failForm,
	field,
	messageFor,
	runtimeDb,
	signInFieldErrors,
	startSession,
	statusOf
} from '../auth-forms.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const redirectTo = safeRedirectTarget(url.searchParams.get('redirectTo'));
	if (locals.user) redirect(303, redirectTo);
	return { redirectTo, signUpMode: await signUpMode(await runtimeDb()) };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const values = { email: field(form, 'email'), password: field(form, 'password') };
		const redirectTo = safeRedirectTarget(field(form, 'redirectTo'));
		// Never echo the password back; a long email is cut so the page stays small.
		const echo = { email: values.email.slice(0, 320) };
		const fieldErrors = signInFieldErrors(values);
		if (Object.keys(fieldErrors).length > 0) return failForm(400, { ...echo, fieldErrors });

		let issued;
		try {
			issued = await signIn(await runtimeDb(), {
				...values,
				currentToken: currentToken(event),
				client: clientOf(event)
			});
		} catch (error) {
			const message = messageFor(error);
			if (!message) throw error;
			return failForm(statusOf(error), { ...echo, fieldErrors: {}, message });
		}
		startSession(event, issued);
		redirect(303, redirectTo);
	}
};
