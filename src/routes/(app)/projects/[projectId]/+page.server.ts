import { failAction, loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { m } from '$lib/paraglide/messages.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	// Statistics are results (auth/policy.ts): annotators never receive them, and the procedure refuses them too.
	if (!project.capabilities.readResults) return { stats: null, canReadStats: false };
	const caller = await serverCaller(event);
	const stats = await loadOrThrow(event.url, () => caller.projects.stats({ projectId: project.id }));
	return { stats, canReadStats: true };
};

export const actions: Actions = {
	refreshStats: async (event) => {
		try {
			await (await serverCaller(event)).projects.refreshStats({ projectId: event.params.projectId });
		} catch (err) {
			return failAction(err, { form: 'refresh' });
		}
		return { form: 'refresh', success: m.project_stats_refresh_queued() };
	},
	update: async (event) => {
		const form = await event.request.formData();
		const values = { name: String(form.get('name') ?? ''), description: String(form.get('description') ?? '') };
		try {
			await (await serverCaller(event)).projects.update({ projectId: event.params.projectId, ...values });
		} catch (err) {
			return failAction(err, { form: 'update', values });
		}
		return { form: 'update', success: m.project_saved() };
	}
};
