import { redirect } from '@sveltejs/kit';
import { failAction, loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { readJudgmentFilters } from './judgment-filters';
import type { Actions, PageServerLoad } from './$types';

const JUDGMENT_PAGE_SIZE = 50;

/**
 * One run: its settings, progress (the page then polls `judgeRuns.progress`), per-system summary
 * and the first page of judgments under the URL's filters. Every call needs `readResults`, so
 * annotators are refused (403). Admins also get the providers and rubrics a clone may switch to.
 */
export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	event.depends('concord:run');
	const caller = await serverCaller(event);
	const ref = { projectId: project.id, runId: event.params.runId };
	const filters = readJudgmentFilters(event.url.searchParams);
	const isAdmin = project.capabilities.admin;
	const [run, summary, page, dataset, systems] = await loadOrThrow(event.url, async () => {
		const run = await caller.judgeRuns.get(ref);
		const datasetRef = { projectId: project.id, datasetId: run.datasetId };
		return Promise.all([
			run,
			caller.judgeRuns.summary(ref),
			caller.judgeRuns.judgments({ ...ref, ...filters, limit: JUDGMENT_PAGE_SIZE }),
			caller.datasets.get(datasetRef),
			caller.datasets.systems(datasetRef)
		]);
	});
	const [providers, rubrics] =
		isAdmin && run.source === 'live'
			? await loadOrThrow(event.url, () =>
					Promise.all([
						caller.providers.list({ projectId: project.id, includeArchived: false }),
						caller.rubrics.list({ projectId: project.id, includeArchived: false })
					])
				)
			: [[], []];
	return {
		run,
		summary,
		page,
		datasetName: dataset.name,
		filters,
		pageSize: JUDGMENT_PAGE_SIZE,
		systems: systems.map((s) => ({ id: s.id, name: s.name })),
		isAdmin,
		cloneChoices: {
			providers: providers.map((p) => ({ id: p.id, name: p.name, model: p.model, simulated: p.simulated })),
			rubricVersions: rubrics
				.filter((r) => r.mode === run.mode && r.currentVersionId)
				.map((r) => ({ id: r.currentVersionId!, name: r.name, version: r.currentVersion }))
		}
	};
};

const runRef = (event: { params: { projectId: string; runId: string } }) => ({
	projectId: event.params.projectId,
	runId: event.params.runId
});

export const actions: Actions = {
	cancel: async (event) => {
		try {
			await (await serverCaller(event)).judgeRuns.cancel(runRef(event));
		} catch (err) {
			return failAction(err, { form: 'cancel' });
		}
		return { form: 'cancel' };
	},
	resume: async (event) => {
		try {
			await (await serverCaller(event)).judgeRuns.resume(runRef(event));
		} catch (err) {
			return failAction(err, { form: 'resume' });
		}
		return { form: 'resume' };
	},
	/** A new run of the same units with another provider and/or rubric version; opens it. */
	clone: async (event) => {
		const form = await event.request.formData();
		const values = {
			providerId: String(form.get('providerId') ?? ''),
			rubricVersionId: String(form.get('rubricVersionId') ?? ''),
			name: String(form.get('name') ?? '').trim()
		};
		let runId: string;
		try {
			({ runId } = await (
				await serverCaller(event)
			).judgeRuns.clone({
				...runRef(event),
				providerId: values.providerId || undefined,
				rubricVersionId: values.rubricVersionId || undefined,
				name: values.name || undefined
			}));
		} catch (err) {
			return failAction(err, { form: 'clone', values });
		}
		redirect(303, `/projects/${event.params.projectId}/runs/${runId}`);
	}
};
