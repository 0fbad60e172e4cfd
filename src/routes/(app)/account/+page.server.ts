import { failAction, loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { m } from '$lib/paraglide/messages.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const caller = await serverCaller(event);
	const [me, sessions, tokens, projects] = await Promise.all([
		loadOrThrow(event.url, () => caller.account.me()),
		loadOrThrow(event.url, () => caller.auth.sessions()),
		loadOrThrow(event.url, () => caller.apiTokens.list()),
		loadOrThrow(event.url, () => caller.projects.list())
	]);
	return { me, sessions, tokens, projects: projects.map((p) => ({ id: p.id, name: p.name, role: p.role })) };
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
	createToken: async (event) => {
		const form = await event.request.formData();
		const values = {
			name: String(form.get('name') ?? ''),
			projectId: String(form.get('projectId') ?? ''),
			role: String(form.get('role') ?? '')
		};
		const days = String(form.get('expiresInDays') ?? '');
		try {
			const created = await (
				await serverCaller(event)
			).apiTokens.create({
				...values,
				role: values.role as 'viewer',
				expiresInDays: days ? Number(days) : null
			});
			// The only time the token is shown; it is not kept anywhere.
			return { form: 'tokens', created: created.token };
		} catch (err) {
			return failAction(err, { form: 'tokens', values });
		}
	},
	revokeToken: async (event) => {
		const form = await event.request.formData();
		try {
			await (await serverCaller(event)).apiTokens.revoke({ id: String(form.get('id') ?? '') });
			return { form: 'tokens', success: m.tokens_revoked() };
		} catch (err) {
			return failAction(err, { form: 'tokens' });
		}
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
