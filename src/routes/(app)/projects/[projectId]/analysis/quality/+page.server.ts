import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { chooseDataset, chooseRun, chooseSource } from '../load-choice';
import type { PageServerLoad } from './$types';
import { LIMIT, readChoice, selectItems } from './quality-view';

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const datasets = await loadOrThrow(event.url, () => caller.datasets.list({ projectId: project.id }));
	const dataset = chooseDataset(datasets, event.url);
	const humanSource = chooseSource(event.url);
	const ask = (judgeRunId: string | undefined) =>
		caller.analysis.quality({ projectId: project.id, datasetId: dataset!.id, judgeRunId, humanSource });
	// A run from another dataset (the dataset was changed in the form) falls back to this dataset's default run.
	const result = dataset
		? await loadOrThrow(event.url, () => ask(chooseRun(event.url)).catch(() => ask(undefined)))
		: null;
	if (!result)
		return {
			datasets: [],
			result: null,
			humanSource,
			choice: null,
			rows: [],
			matching: 0,
			queues: {}
		};
	const choice = readChoice(event.url, result.flagged);
	const selected = selectItems(result.items, choice);
	const rows = selected.slice(0, LIMIT);
	// Adjudication is an admin page: only admins get the links.
	const queues: Record<string, string> = project.capabilities.admin
		? await loadOrThrow(event.url, () =>
				caller.analysis.itemQueues({
					projectId: project.id,
					datasetId: result.dataset.id,
					itemIds: rows.map((r) => r.itemId)
				})
			)
		: {};
	const { items, ...rest } = result;
	return {
		datasets: datasets.map((d) => ({ id: d.id, name: d.name })),
		result: { ...rest, total: items.length },
		humanSource,
		choice,
		rows,
		matching: selected.length,
		queues
	};
};
