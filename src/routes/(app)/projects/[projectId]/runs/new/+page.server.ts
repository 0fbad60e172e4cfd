import { error, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { failAction, loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { optionsFromForm } from './run-form';
import type { Actions, PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Admins only. The datasets, rubric versions (every version, newest first) and providers to choose from, and the
 * systems and categories of the preselected dataset (`?dataset=<id>`, else the first); the
 * page fetches them again through the tRPC client when another dataset is picked.
 */
export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	if (!project.capabilities.admin) error(403, { message: m.run_new_admin_only(), code: 'FORBIDDEN' });
	const caller = await serverCaller(event);
	const projectId = project.id;
	const [datasets, rubrics, providers] = await loadOrThrow(event.url, () =>
		Promise.all([
			caller.datasets.list({ projectId }),
			caller.rubrics.versionChoices({ projectId }),
			caller.providers.list({ projectId, includeArchived: false })
		])
	);
	const wanted = event.url.searchParams.get('dataset');
	const datasetId =
		(wanted && UUID.test(wanted) && datasets.find((d) => d.id === wanted)?.id) || datasets[0]?.id || null;
	const [systems, facets] = datasetId
		? await loadOrThrow(event.url, () =>
				Promise.all([
					caller.datasets.systems({ projectId, datasetId }),
					caller.datasets.categories({ projectId, datasetId })
				])
			)
		: [[], { categories: [] }];
	return {
		datasets: datasets.map((d) => ({ id: d.id, name: d.name, itemCount: d.itemCount, systemCount: d.systemCount })),
		// Every version of each rubric, newest first: the latest is preselected, older ones stay
		// choosable (to reproduce an earlier run or compare versions), told apart by hash and date.
		rubrics: rubrics
			.filter((r) => r.versions.length > 0)
			.map((r) => ({
				id: r.rubricId,
				name: r.name,
				versions: r.versions.map((v) => ({
					id: v.id,
					version: v.version,
					mode: v.mode,
					hash: v.contentHash.replace(/^sha256:/, '').slice(0, 8),
					createdAt: v.createdAt.toISOString()
				}))
			})),
		providers: providers.map((p) => ({ id: p.id, name: p.name, model: p.model, simulated: p.simulated })),
		datasetId,
		systems: systems.map((s) => ({ id: s.id, name: s.name })),
		categories: facets.categories.map((c) => ({ value: c.value, count: c.count }))
	};
};

export const actions: Actions = {
	start: async (event) => {
		const form = await event.request.formData();
		const values = Object.fromEntries(
			[
				'name',
				'datasetId',
				'rubricVersionId',
				'providerId',
				'samples',
				'pairing',
				'baselineSystemId',
				'sampleItems',
				'sampleSeed'
			].map((k) => [k, String(form.get(k) ?? '')])
		);
		let runId: string;
		try {
			({ runId } = await (
				await serverCaller(event)
			).judgeRuns.start({
				projectId: event.params.projectId,
				datasetId: values.datasetId,
				rubricVersionId: values.rubricVersionId,
				providerId: values.providerId,
				name: values.name.trim() || undefined,
				options: optionsFromForm(form)
			}));
		} catch (err) {
			return failAction(err, { form: 'start', values });
		}
		redirect(303, `/projects/${event.params.projectId}/runs/${runId}`);
	}
};
