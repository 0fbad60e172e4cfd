import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { chooseSource, loadForDataset } from '../load-choice';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const humanSource = chooseSource(event.url);
	const { datasets, result } = await loadForDataset(
		event.url,
		() => caller.datasets.list({ projectId: project.id }),
		(datasetId, judgeRunId) => caller.analysis.agreement({ projectId: project.id, datasetId, judgeRunId, humanSource })
	);
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
	return { datasets, result, scores, humanSource, queues };
};
