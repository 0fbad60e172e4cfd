import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

/** The queues I may label in, with my own counts only (never anyone else's work). */
export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const queues = await loadOrThrow(event.url, () => caller.annotation.myQueues({ projectId: project.id }));
	return { queues };
};
