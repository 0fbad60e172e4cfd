import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const datasets = await loadOrThrow(event.url, () => caller.datasets.list({ projectId: project.id }));
	return { datasets, isAdmin: project.role === 'admin' };
};
