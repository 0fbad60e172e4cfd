import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { readCursor, readFilters } from '../filters';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 50;

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const ref = { projectId: project.id, datasetId: event.params.datasetId };
	const filters = readFilters(event.url.searchParams);
	const cursor = readCursor(event.url.searchParams);
	const [dataset, page, systems, facets] = await loadOrThrow(event.url, () =>
		Promise.all([
			caller.datasets.get(ref),
			caller.datasets.items({ ...ref, ...filters, ...cursor, limit: PAGE_SIZE }),
			caller.datasets.systems(ref),
			caller.datasets.categories({ ...ref, ...filters })
		])
	);
	// Judge runs and label sources are results (auth/policy.ts): annotators are never sent them (the procedure refuses them too).
	const sources = project.capabilities.readResults
		? await loadOrThrow(event.url, () => caller.results.datasetSources(ref))
		: null;
	return { dataset, page, systems, facets, sources, filters, isAdmin: project.capabilities.admin };
};
