import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import type { PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Admins only. `?dataset=<id>` preselects the target; `?import=<id>` reopens an import where it stands. */
export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	if (!project.capabilities.admin) error(403, { message: m.import_admin_only(), code: 'FORBIDDEN' });
	const caller = await serverCaller(event);
	const importParam = event.url.searchParams.get('import');
	const datasetParam = event.url.searchParams.get('dataset');
	const [datasets, job] = await loadOrThrow(event.url, () =>
		Promise.all([
			caller.datasets.list({ projectId: project.id }),
			importParam && UUID.test(importParam)
				? caller.imports.get({ projectId: project.id, importId: importParam })
				: Promise.resolve(null)
		])
	);
	return {
		datasets: datasets.map((d) => ({ id: d.id, name: d.name })),
		datasetId: datasetParam && UUID.test(datasetParam) ? datasetParam : null,
		job
	};
};
