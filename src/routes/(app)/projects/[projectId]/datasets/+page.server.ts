import { failAction, loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	event.depends('concord:imports');
	const caller = await serverCaller(event);
	const isAdmin = project.capabilities.admin;
	const [datasets, imports] = await loadOrThrow(event.url, () =>
		Promise.all([
			caller.datasets.list({ projectId: project.id }),
			isAdmin ? caller.imports.list({ projectId: project.id, limit: 10 }) : Promise.resolve([])
		])
	);
	return {
		datasets,
		isAdmin,
		imports: imports.map((i) => ({
			id: i.id,
			fileName: i.fileName,
			status: i.status,
			datasetId: i.datasetId,
			newDatasetName: i.newDatasetName,
			errorCount: i.errorCount,
			progress: i.progress,
			createdAt: i.createdAt
		}))
	};
};

export const actions: Actions = {
	/** Discard an upload that was never imported (or a failed or cancelled import), with its stored file. */
	discard: async (event) => {
		const form = await event.request.formData();
		const caller = await serverCaller(event);
		try {
			await caller.imports.discard({ projectId: event.params.projectId, importId: String(form.get('importId') ?? '') });
		} catch (error) {
			return failAction(error, { form: 'discard' });
		}
		return { discarded: true };
	}
};
