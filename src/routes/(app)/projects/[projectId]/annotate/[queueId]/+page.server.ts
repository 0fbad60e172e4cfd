import { redirect } from '@sveltejs/kit';
import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

/**
 * "Next item": reserves my next task (or returns the one I hold) and opens it. The address of a
 * task is its assignment, so a reload, j / k and the browser's history all reopen the same one.
 * Links here turn preloading off: hovering must not reserve anything.
 */
export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const { queueId } = event.params;
	const task = await loadOrThrow(event.url, () => caller.annotation.next({ projectId: project.id, queueId }));
	if (task) redirect(303, `/projects/${project.id}/annotate/${queueId}/${task.assignmentId}`);
	// Nothing left for me: say so, with my latest label to go back to.
	const [queues, history] = await Promise.all([
		loadOrThrow(event.url, () => caller.annotation.myQueues({ projectId: project.id })),
		loadOrThrow(event.url, () => caller.annotation.history({ projectId: project.id, queueId, limit: 1 }))
	]);
	return { queueId, queue: queues.find((q) => q.id === queueId) ?? null, last: history.entries[0] ?? null };
};
