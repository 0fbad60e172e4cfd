import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { chooseRun, chooseSource } from '../load-choice';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const runs = await loadOrThrow(event.url, () => caller.analysis.runs({ projectId: project.id }));
	const asked = chooseRun(event.url);
	const humanSource = chooseSource(event.url);
	const run = runs.find((r) => r.id === asked) ?? runs[0] ?? null;
	// The card carries the gate's certification of its judge (judge-card.ts), as its exports do.
	const card = run
		? await loadOrThrow(event.url, () =>
				caller.analysis.judgeCard({ projectId: project.id, judgeRunId: run.id, humanSource })
			)
		: null;
	return {
		runs: runs.map((r) => ({ id: r.id, name: `${r.datasetName} · ${r.name}` })),
		card,
		humanSource
	};
};
