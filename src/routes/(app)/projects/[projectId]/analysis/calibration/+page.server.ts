import { serverCaller } from '$lib/server/trpc/caller';
import { loadForDataset } from '../load-choice';
import type { PageServerLoad } from './$types';

const TARGETS = ['auto', 'gold', 'consensus'] as const;
type Target = (typeof TARGETS)[number];

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const asked = event.url.searchParams.get('target') as Target | null;
	const target: Target = asked && TARGETS.includes(asked) ? asked : 'auto';
	const { datasets, result } = await loadForDataset(
		event.url,
		() => caller.datasets.list({ projectId: project.id }),
		(datasetId, judgeRunId) => caller.analysis.calibration({ projectId: project.id, datasetId, judgeRunId, target })
	);
	return { datasets, result, target };
};
