import { error } from '@sveltejs/kit';
import { failAction, loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { m } from '$lib/paraglide/messages.js';
import { providerFailure } from '../form-failure';
import { providerInput } from '../form-values';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	if (!project.capabilities.admin) error(403, { message: m.common_error_forbidden(), code: 'FORBIDDEN' });
	const caller = await serverCaller(event);
	const ref = { projectId: project.id, providerId: event.params.providerId };
	const [provider, keyStorage] = await Promise.all([
		loadOrThrow(event.url, () => caller.providers.get(ref)),
		loadOrThrow(event.url, () => caller.providers.keyStorage({ projectId: project.id }))
	]);
	return { provider, canStoreKeys: keyStorage.available, created: event.url.searchParams.has('created') };
};

export const actions: Actions = {
	save: async (event) => {
		const form = await event.request.formData();
		try {
			const caller = await serverCaller(event);
			await caller.providers.update({
				projectId: event.params.projectId,
				providerId: event.params.providerId,
				...providerInput(form)
			});
		} catch (err) {
			return providerFailure(err, form);
		}
		return { form: 'save', success: m.provider_saved() };
	},
	test: async (event) => {
		try {
			const caller = await serverCaller(event);
			const test = await caller.providers.testConnection({
				projectId: event.params.projectId,
				providerId: event.params.providerId
			});
			return { form: 'test', test };
		} catch (err) {
			return failAction(err, { form: 'test' });
		}
	},
	archive: async (event) => {
		try {
			const caller = await serverCaller(event);
			await caller.providers.archive({ projectId: event.params.projectId, providerId: event.params.providerId });
		} catch (err) {
			return failAction(err, { form: 'archive' });
		}
		return { form: 'archive', success: m.provider_archived() };
	}
};
