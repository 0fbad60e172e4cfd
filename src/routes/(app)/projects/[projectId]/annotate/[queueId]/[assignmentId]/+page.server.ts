import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

/** One of my tasks (reserved, or labelled earlier and open for revision) and my recent labels for j / k. */
export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const { queueId, assignmentId } = event.params;
	const [task, history] = await Promise.all([
		loadOrThrow(event.url, () => caller.annotation.task({ projectId: project.id, assignmentId })),
		loadOrThrow(event.url, () => caller.annotation.history({ projectId: project.id, queueId, limit: 50 }))
	]);
	return { task, history: history.entries };
};
