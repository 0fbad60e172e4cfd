import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The project's judge runs, live and imported, newest first; `?dataset=<id>` narrows them to
 * one dataset. Runs are results: `judgeRuns.list` refuses annotators (403), so they never get here.
 */
export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	event.depends('concord:runs');
	const caller = await serverCaller(event);
	const datasetParam = event.url.searchParams.get('dataset');
	const datasetId = datasetParam && UUID.test(datasetParam) ? datasetParam : undefined;
	const [runs, datasets] = await loadOrThrow(event.url, () =>
		Promise.all([
			caller.judgeRuns.list({ projectId: project.id, datasetId }),
			caller.datasets.list({ projectId: project.id })
		])
	);
	return {
		runs,
		datasets: datasets.map((d) => ({ id: d.id, name: d.name })),
		datasetId: datasetId ?? null,
		isAdmin: project.capabilities.admin
	};
};
