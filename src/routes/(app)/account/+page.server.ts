import { failAction, loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { m } from '$lib/paraglide/messages.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const caller = await serverCaller(event);
	const [me, sessions] = await Promise.all([
		loadOrThrow(event.url, () => caller.account.me()),
		loadOrThrow(event.url, () => caller.auth.sessions())
	]);
	return { me, sessions };
};

export const actions: Actions = {
	profile: async (event) => {
		const form = await event.request.formData();
		const values = { displayName: String(form.get('displayName') ?? '') };
		try {
			await (await serverCaller(event)).account.updateProfile(values);
		} catch (err) {
			return failAction(err, { form: 'profile', values });
		}
		return { form: 'profile', success: m.account_profile_saved() };
	},
	signOutOthers: async (event) => {
		try {
			const { ended } = await (await serverCaller(event)).auth.signOutOthers();
			return { form: 'sessions', success: m.account_sessions_ended({ count: ended }) };
		} catch (err) {
			return failAction(err, { form: 'sessions' });
		}
	}
};
