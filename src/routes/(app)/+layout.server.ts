import { redirect } from '@sveltejs/kit';
import type { ProjectLink } from '$lib/components/types';
import { loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import type { LayoutServerLoad } from './$types';

/** Every page in (app) needs a signed-in user; the header's project switcher needs their projects. */
export const load: LayoutServerLoad = async (event) => {
	if (!event.locals.user) {
		redirect(303, `/sign-in?redirectTo=${encodeURIComponent(event.url.pathname + event.url.search)}`);
	}
	const caller = await serverCaller(event);
	const projects = await loadOrThrow(event.url, () => caller.projects.list());
	return { projects: projects.map((p): ProjectLink => ({ id: p.id, name: p.name, role: p.role })) };
};
