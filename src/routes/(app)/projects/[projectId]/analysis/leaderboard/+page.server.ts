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
		(datasetId, judgeRunId) =>
			caller.analysis.leaderboard({ projectId: project.id, datasetId, judgeRunId, humanSource })
	);
	return { datasets, result, humanSource };
};
