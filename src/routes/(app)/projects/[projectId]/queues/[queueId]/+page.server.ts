import { failAction, loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { m } from '$lib/paraglide/messages.js';
import { QueueStatusSchema } from '$lib/schemas/annotation';
import { readSelection } from '../queue-form';
import type { Actions, PageServerLoad } from './$types';

/** One queue's progress per annotator; the page polls it (`depends`) while visible. */
export const load: PageServerLoad = async (event) => {
	event.depends('annotation:progress');
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const [progress, runs] = await Promise.all([
		loadOrThrow(event.url, () => caller.annotation.progress({ projectId: project.id, queueId: event.params.queueId })),
		loadOrThrow(event.url, () => caller.judgeRuns.list({ projectId: project.id }))
	]);
	// The judge runs "add items" may select by (runs of the queue's dataset).
	const datasetRuns = runs
		.filter((r) => r.datasetId === progress.queue.datasetId)
		.map((r) => ({ id: r.id, name: r.name }));
	return { progress, runs: datasetRuns };
};

export const actions: Actions = {
	setStatus: async (event) => {
		const form = await event.request.formData();
		const status = QueueStatusSchema.catch('open').parse(String(form.get('status') ?? ''));
		try {
			const caller = await serverCaller(event);
			await caller.annotation.setStatus({ projectId: event.params.projectId, queueId: event.params.queueId, status });
		} catch (err) {
			return failAction(err, { form: 'status' });
		}
		return { form: 'status', success: m.queue_status_saved() };
	},
	addItems: async (event) => {
		const form = await event.request.formData();
		try {
			const caller = await serverCaller(event);
			const added = await caller.annotation.addItems({
				projectId: event.params.projectId,
				queueId: event.params.queueId,
				selection: readSelection(form)
			});
			return { form: 'add', success: m.queue_items_added({ count: added.added }) };
		} catch (err) {
			return failAction(err, { form: 'add' });
		}
	}
};
