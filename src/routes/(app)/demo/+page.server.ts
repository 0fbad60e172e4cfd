/**
 * The demo project's form action (POST /demo), used by <CreateDemoButton />
 * wherever it is placed; the page itself explains the demo and offers the
 * button too (the URL the server log points at on an empty instance).
 */
import { redirect } from '@sveltejs/kit';
import { failAction } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => ({ canCreate: locals.user?.isInstanceAdmin === true });

export const actions: Actions = {
	default: async (event) => {
		let projectId: string;
		try {
			projectId = (await (await serverCaller(event)).demo.create()).projectId;
		} catch (err) {
			return failAction(err, { form: 'demo' });
		}
		redirect(303, `/projects/${projectId}/datasets`);
	}
};
