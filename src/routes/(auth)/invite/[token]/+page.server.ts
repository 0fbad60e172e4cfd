import { redirect } from '@sveltejs/kit';
import { signIn, signUp } from '$lib/server/services/accounts';
import { acceptInvitation, inspectInvitation, type Joined } from '$lib/server/services/invitations';
import { getRuntime } from '$lib/server/runtime';
import {
	chosenLocale,
	clientOf,
	currentToken,
	failForm,
	field,
	messageFor,
	runtimeDb,
	signInFieldErrors,
	signUpFieldErrors,
	startSession,
	statusOf
} from '../../auth-forms.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const invitation = await inspectInvitation(await runtimeDb(), params.token);
	const user = locals.user ? { displayName: locals.user.displayName, email: locals.user.email } : null;
	return { invitation, user };
};

/** Where a new member lands: the project they joined. */
function afterJoining(joined: Joined | null): never {
	redirect(303, joined?.projectId ? `/projects/${joined.projectId}` : '/projects');
}

/** An already-member is told so on this page (their role was kept) rather than silently redirected. */
function joinedResult(joined: Joined) {
	if (joined.alreadyMember) {
		return {
			form: 'accept' as const,
			alreadyMember: { projectId: joined.projectId, projectName: joined.projectName, role: joined.role }
		};
	}
	afterJoining(joined);
}

function refusal(formName: string, err: unknown, echo: { email?: string; displayName?: string } = {}) {
	const message = messageFor(err);
	if (!message) throw err;
	return failForm(statusOf(err), { form: formName, message, fieldErrors: {}, ...echo });
}

export const actions: Actions = {
	/** A signed-in user joins with one button. */
	accept: async (event) => {
		const { locals, params } = event;
		if (!locals.user) redirect(303, `/invite/${encodeURIComponent(params.token)}`);
		let joined: Joined;
		try {
			joined = await acceptInvitation(await getRuntime(), { token: params.token, user: locals.user });
		} catch (err) {
			return refusal('accept', err);
		}
		return joinedResult(joined);
	},

	/** A visitor without an account creates one; the invitation is used up in the same transaction. */
	signUp: async (event) => {
		const form = await event.request.formData();
		const values = {
			email: field(form, 'email'),
			displayName: field(form, 'displayName'),
			password: field(form, 'password')
		};
		const echo = { email: values.email.slice(0, 320), displayName: values.displayName.slice(0, 200) };
		const fieldErrors = signUpFieldErrors(values);
		if (Object.keys(fieldErrors).length > 0) return failForm(400, { form: 'signUp', fieldErrors, ...echo });
		let result;
		try {
			result = await signUp(await getRuntime(), {
				...values,
				invitationToken: event.params.token,
				locale: chosenLocale(event),
				currentToken: currentToken(event),
				client: clientOf(event)
			});
		} catch (err) {
			return refusal('signUp', err, echo);
		}
		startSession(event, result.issued);
		afterJoining(result.joined);
	},

	/** A visitor with an account signs in and accepts in one step. */
	signIn: async (event) => {
		const form = await event.request.formData();
		const values = { email: field(form, 'email'), password: field(form, 'password') };
		const echo = { email: values.email.slice(0, 320) };
		const fieldErrors = signInFieldErrors(values);
		if (Object.keys(fieldErrors).length > 0) return failForm(400, { form: 'signIn', fieldErrors, ...echo });
		const runtime = await getRuntime();
		let issued;
		try {
			issued = await signIn(runtime.db, { ...values, currentToken: currentToken(event), client: clientOf(event) });
		} catch (err) {
			return refusal('signIn', err, echo);
		}
		startSession(event, issued);
		// Signed in from here on, also for the page rendered with this action's result.
		event.locals.user = issued.user;
		event.locals.session = issued.session;
		let joined: Joined;
		try {
			joined = await acceptInvitation(runtime, { token: event.params.token, user: issued.user });
		} catch (err) {
			return refusal('accept', err);
		}
		return joinedResult(joined);
	}
};
