import { error, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { signUp, signUpMode } from '$lib/server/services/accounts';
import { getRuntime } from '$lib/server/runtime';
import {
	chosenLocale,
	failForm,
	clientOf,
	currentToken,
	field,
	messageFor,
	runtimeDb,
	signUpFieldErrors,
	startSession,
	statusOf
} from '../auth-forms.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	if (locals.user) redirect(303, '/projects');
	return { mode: await signUpMode(await runtimeDb()) };
};

export const actions: Actions = {
	default: async (event) => {
		const runtime = await getRuntime();
		// Checked again inside the transaction; this only spares a pointless argon2 hash.
		if ((await signUpMode(runtime.db)) === 'invitation_only')
			error(403, { message: m.auth_error_invitation_required(), code: 'FORBIDDEN' });
		const form = await event.request.formData();
		const values = {
			email: field(form, 'email'),
			displayName: field(form, 'displayName'),
			password: field(form, 'password')
		};
		const echo = { email: values.email.slice(0, 320), displayName: values.displayName.slice(0, 200) };
		const fieldErrors = signUpFieldErrors(values);
		if (Object.keys(fieldErrors).length > 0)
			return failForm(400, { ...echo, fieldErrors, message: m.auth_error_check_fields() });

		let result;
		try {
			result = await signUp(runtime, {
				...values,
				locale: chosenLocale(event),
				currentToken: currentToken(event),
				client: clientOf(event)
			});
		} catch (err) {
			const message = messageFor(err);
			if (!message) throw err;
			return failForm(statusOf(err), { ...echo, fieldErrors: {}, message });
		}
		startSession(event, result.issued);
		redirect(303, '/projects');
	}
};
