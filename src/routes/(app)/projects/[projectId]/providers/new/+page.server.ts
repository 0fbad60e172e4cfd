import { error, redirect } from '@sveltejs/kit';
import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { m } from '$lib/paraglide/messages.js';
import { providerFailure } from '../form-failure';
import { providerInput } from '../form-values';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	if (!project.capabilities.admin) error(403, { message: m.common_error_forbidden(), code: 'FORBIDDEN' });
	const caller = await serverCaller(event);
	const keyStorage = await loadOrThrow(event.url, () => caller.providers.keyStorage({ projectId: project.id }));
	return { canStoreKeys: keyStorage.available };
};

export const actions: Actions = {
	save: async (event) => {
		const form = await event.request.formData();
		let providerId: string;
		try {
			const caller = await serverCaller(event);
			providerId = (await caller.providers.create({ projectId: event.params.projectId, ...providerInput(form) })).id;
		} catch (err) {
			return providerFailure(err, form);
		}
		redirect(303, `/projects/${event.params.projectId}/providers/${providerId}?created=1`);
	}
};
