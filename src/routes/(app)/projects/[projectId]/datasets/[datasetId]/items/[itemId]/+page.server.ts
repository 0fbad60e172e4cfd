import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { readFilters } from '../../../filters';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const filters = readFilters(event.url.searchParams);
	const item = await loadOrThrow(event.url, () =>
		caller.datasets.item({
			projectId: project.id,
			datasetId: event.params.datasetId,
			itemId: event.params.itemId,
			...filters
		})
	);
	return { item, filters };
};
