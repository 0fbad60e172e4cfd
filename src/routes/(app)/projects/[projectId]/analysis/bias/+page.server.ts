import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { chooseRun } from '../load-choice';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const runs = await loadOrThrow(event.url, () => caller.analysis.runs({ projectId: project.id }));
	const asked = chooseRun(event.url);
	const run = runs.find((r) => r.id === asked) ?? runs[0] ?? null;
	const result = run
		? await loadOrThrow(event.url, () => caller.analysis.bias({ projectId: project.id, judgeRunId: run.id }))
		: null;
	return { runs: runs.map((r) => ({ id: r.id, name: `${r.datasetName} · ${r.name}` })), result };
};
