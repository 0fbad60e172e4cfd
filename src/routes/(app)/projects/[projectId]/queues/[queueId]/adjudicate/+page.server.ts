import { error } from '@sveltejs/kit';
import { failAction, loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { m } from '$lib/paraglide/messages.js';
import type { Actions, PageServerLoad } from './$types';
import { readGoldForm } from './gold-form';

/** Tasks over the queue's disagreement thresholds, each with every label, the judge's output and the gold label so far. */
export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const { queueId } = event.params;
	const cursor = event.url.searchParams.get('after') ?? undefined;
	const [queues, page] = await Promise.all([
		loadOrThrow(event.url, () => caller.annotation.queues({ projectId: project.id })),
		loadOrThrow(event.url, () => caller.annotation.adjudication({ projectId: project.id, queueId, cursor }))
	]);
	const queue = queues.find((q) => q.id === queueId);
	if (!queue) error(404, { message: m.common_error_not_found(), code: 'NOT_FOUND' });
	const version = await loadOrThrow(event.url, () =>
		caller.rubrics.version({ projectId: project.id, versionId: queue.rubricVersionId })
	);
	const { content } = version;
	return {
		queue,
		rubric: { name: content.name, criteria: content.criteria, output: content.output },
		items: page.items,
		nextCursor: page.nextCursor
	};
};

export const actions: Actions = {
	adjudicate: async (event) => {
		const form = await event.request.formData();
		const { input, values } = readGoldForm(form);
		const name = `gold:${input.taskId}`;
		try {
			const caller = await serverCaller(event);
			await caller.annotation.adjudicate({
				projectId: event.params.projectId,
				queueId: event.params.queueId,
				...input
			});
		} catch (err) {
			return failAction(err, { form: name, values });
		}
		return { form: name, success: m.adjud_saved() };
	}
};
