import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { chooseDataset, chooseRun } from '../load-choice';
import type { PageServerLoad } from './$types';

const TARGETS = ['auto', 'gold', 'consensus'] as const;
type Target = (typeof TARGETS)[number];

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const datasets = await loadOrThrow(event.url, () => caller.datasets.list({ projectId: project.id }));
	const dataset = chooseDataset(datasets, event.url);
	const asked = event.url.searchParams.get('target') as Target | null;
	const target: Target = asked && TARGETS.includes(asked) ? asked : 'auto';
	const ask = (judgeRunId: string | undefined) =>
		caller.analysis.calibration({ projectId: project.id, datasetId: dataset!.id, judgeRunId, target });
	// A run from another dataset (the dataset was changed in the form) falls back to this dataset's default run.
	const result = dataset
		? await loadOrThrow(event.url, () => ask(chooseRun(event.url)).catch(() => ask(undefined)))
		: null;
	return { datasets: datasets.map((d) => ({ id: d.id, name: d.name })), result, target };
};
