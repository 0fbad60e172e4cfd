import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { chooseDataset, chooseRun, chooseSource } from '../load-choice';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const datasets = await loadOrThrow(event.url, () => caller.datasets.list({ projectId: project.id }));
	const dataset = chooseDataset(datasets, event.url);
	const humanSource = chooseSource(event.url);
	const ask = (judgeRunId: string | undefined) =>
		caller.analysis.agreement({ projectId: project.id, datasetId: dataset!.id, judgeRunId, humanSource });
	// A run from another dataset (the dataset was changed in the form) falls back to this dataset's default run.
	const result = dataset
		? await loadOrThrow(event.url, () => ask(chooseRun(event.url)).catch(() => ask(undefined)))
		: null;
	// A pointwise run (chosen, or the only kind with results) is analysed as scores.
	const pointwise =
		result?.run?.mode === 'pointwise'
			? result.run
			: !result?.run
				? result?.runs.find((r) => r.mode === 'pointwise' && r.okCount > 0)
				: undefined;
	const scores =
		result && pointwise
			? await loadOrThrow(event.url, () =>
					caller.analysis.scoreAgreement({
						projectId: project.id,
						datasetId: result.dataset.id,
						judgeRunId: pointwise.id,
						humanSource
					})
				)
			: null;
	// The largest disagreements link to adjudication (an admin page) where a queue has the item.
	const shown = scores?.disagreements ?? result?.disagreements ?? [];
	const queues: Record<string, string> =
		result && project.capabilities.admin && shown.length > 0
			? await loadOrThrow(event.url, () =>
					caller.analysis.itemQueues({
						projectId: project.id,
						datasetId: result.dataset.id,
						itemIds: [...new Set(shown.map((d) => d.itemId))]
					})
				)
			: {};
	return { datasets: datasets.map((d) => ({ id: d.id, name: d.name })), result, scores, humanSource, queues };
};
