import { redirect } from '@sveltejs/kit';
import { failAction, loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';
import { readQueueForm } from './queue-form';

/** The project's annotation queues, and what the create form offers: datasets, rubric versions, people, judge runs. */
export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const projectId = project.id;
	const [queues, datasets, rubrics, members, runs] = await Promise.all([
		loadOrThrow(event.url, () => caller.annotation.queues({ projectId })),
		loadOrThrow(event.url, () => caller.datasets.list({ projectId })),
		loadOrThrow(event.url, () => caller.rubrics.list({ projectId, includeArchived: false })),
		loadOrThrow(event.url, () => caller.members.list({ projectId })),
		loadOrThrow(event.url, () => caller.judgeRuns.list({ projectId }))
	]);
	// Systems per dataset, for the baseline of a pairwise queue (cached per dataset revision).
	const systems = await Promise.all(
		datasets.map((d) =>
			loadOrThrow(event.url, () => caller.datasets.systems({ projectId, datasetId: d.id })).then((list) =>
				list.map((s) => ({ id: s.id, name: s.name }))
			)
		)
	);
	return {
		queues,
		datasets: datasets.map((d, i) => ({ id: d.id, name: d.name, systems: systems[i] })),
		rubrics: rubrics.map((r) => ({
			versionId: r.currentVersionId,
			name: r.name,
			version: r.currentVersion,
			mode: r.mode
		})),
		people: members
			.filter((p) => p.role !== 'viewer')
			.map((p) => ({ userId: p.userId, displayName: p.displayName, role: p.role })),
		runs: runs.map((r) => ({ id: r.id, name: r.name, datasetId: r.datasetId }))
	};
};

export const actions: Actions = {
	create: async (event) => {
		const form = await event.request.formData();
		const { input, values } = readQueueForm(form);
		let id: string;
		try {
			const caller = await serverCaller(event);
			({ id } = await caller.annotation.createQueue({ projectId: event.params.projectId, ...input }));
		} catch (err) {
			return failAction(err, { form: 'create', values });
		}
		redirect(303, `/projects/${event.params.projectId}/queues/${id}`);
	}
};
