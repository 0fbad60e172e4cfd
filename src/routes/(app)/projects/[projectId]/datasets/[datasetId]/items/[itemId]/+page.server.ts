import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { readFilters } from '../../../filters';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const filters = readFilters(event.url.searchParams);
	const ref = { projectId: project.id, datasetId: event.params.datasetId, itemId: event.params.itemId };
	const [item, results] = await Promise.all([
		loadOrThrow(event.url, () => caller.datasets.item({ ...ref, ...filters })),
		// Verdicts and labels are results (auth/policy.ts): annotators are never sent them (the procedure refuses them too).
		project.capabilities.readResults ? loadOrThrow(event.url, () => caller.results.item(ref)) : null
	]);
	return { item, results, filters };
};
