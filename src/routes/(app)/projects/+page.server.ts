import { redirect } from '@sveltejs/kit';
import { failAction, loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const caller = await serverCaller(event);
	return { projectList: await loadOrThrow(event.url, () => caller.projects.list()) };
};

export const actions: Actions = {
	create: async (event) => {
		const form = await event.request.formData();
		const input = { name: String(form.get('name') ?? ''), description: String(form.get('description') ?? '') };
		let id: string;
		try {
			id = (await (await serverCaller(event)).projects.create(input)).id;
		} catch (err) {
			return failAction(err, { form: 'create', values: input });
		}
		redirect(303, `/projects/${id}`);
	}
};
