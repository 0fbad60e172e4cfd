import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { chooseSource, loadForDataset } from '../load-choice';
import type { PageServerLoad } from './$types';
import { LIMIT, readChoice, selectItems } from './quality-view';

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const humanSource = chooseSource(event.url);
	const { datasets, result } = await loadForDataset(
		event.url,
		() => caller.datasets.list({ projectId: project.id }),
		(datasetId, judgeRunId) => caller.analysis.quality({ projectId: project.id, datasetId, judgeRunId, humanSource })
	);
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
		datasets,
		result: { ...rest, total: items.length },
		humanSource,
		choice,
		rows,
		matching: selected.length,
		queues
	};
};
