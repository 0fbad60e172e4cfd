import { redirect } from '@sveltejs/kit';
import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import type { Joined } from '$lib/server/services/invitations';
import { failAuthForm, signInValues, signUpValues } from '../../auth-forms.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const invitation = await loadOrThrow(event.url, async () =>
		(await serverCaller(event)).invitations.inspect({ token: event.params.token })
	);
	const user = event.locals.user
		? { displayName: event.locals.user.displayName, email: event.locals.user.email }
		: null;
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

export const actions: Actions = {
	/** A signed-in user joins with one button. */
	accept: async (event) => {
		if (!event.locals.user) redirect(303, `/invite/${encodeURIComponent(event.params.token)}`);
		let joined: Joined;
		try {
			joined = await (await serverCaller(event)).invitations.accept({ token: event.params.token });
		} catch (err) {
			return failAuthForm(err, { form: 'accept' });
		}
		return joinedResult(joined);
	},

	/** A visitor without an account creates one; the invitation is used up in the same transaction. */
	signUp: async (event) => {
		const values = signUpValues(await event.request.formData());
		let joined: Joined | null;
		try {
			const created = await (await serverCaller(event)).auth.signUp({ ...values, invitationToken: event.params.token });
			joined = created.joined;
		} catch (err) {
			return failAuthForm(err, { form: 'signUp', values });
		}
		afterJoining(joined);
	},

	/** A visitor with an account signs in and accepts in one step. */
	signIn: async (event) => {
		const values = signInValues(await event.request.formData());
		try {
			const started = await (await serverCaller(event)).auth.signIn(values);
			// Signed in from here on: for the accept call below and the page rendered with this action's result.
			event.locals.user = started.user;
			event.locals.session = started.session;
		} catch (err) {
			return failAuthForm(err, { form: 'signIn', values });
		}
		let joined: Joined;
		try {
			joined = await (await serverCaller(event)).invitations.accept({ token: event.params.token });
		} catch (err) {
			return failAuthForm(err, { form: 'accept' });
		}
		return joinedResult(joined);
	}
};
