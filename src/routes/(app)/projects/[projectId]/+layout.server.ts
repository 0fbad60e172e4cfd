import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import type { LayoutServerLoad } from './$types';

/** The project, the viewer's role and capabilities (auth/policy.ts) in it, for every page of the project (404 for non-members). */
export const load: LayoutServerLoad = async (event) => {
	const caller = await serverCaller(event);
	const project = await loadOrThrow(event.url, () => caller.projects.get({ projectId: event.params.projectId }));
	return { project };
};
