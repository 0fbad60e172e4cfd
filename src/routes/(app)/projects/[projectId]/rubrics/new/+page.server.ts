import { error, redirect } from '@sveltejs/kit';
import { failAction, loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { JudgeLocaleSchema } from '$lib/judging/rubric-schema';
import { m } from '$lib/paraglide/messages.js';
import { scratchRubric } from './scratch';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	if (!project.capabilities.admin) error(403, { message: m.common_error_forbidden(), code: 'FORBIDDEN' });
	const caller = await serverCaller(event);
	const builtins = await loadOrThrow(event.url, () => caller.rubrics.builtins({ projectId: project.id }));
	return { builtins };
};

const str = (form: FormData, key: string) => String(form.get(key) ?? '').trim();

export const actions: Actions = {
	create: async (event) => {
		const form = await event.request.formData();
		const values = {
			source: str(form, 'source'),
			judgeId: str(form, 'judgeId'),
			locale: str(form, 'locale'),
			name: str(form, 'name')
		};
		const parsedLocale = JudgeLocaleSchema.safeParse(values.locale);
		const locale = parsedLocale.success ? parsedLocale.data : 'en';
		let rubricId: string;
		try {
			const caller = await serverCaller(event);
			const name = values.name || undefined;
			const projectId = event.params.projectId;
			const made =
				values.source === 'scratch'
					? await caller.rubrics.create({ projectId, name, fromScratch: scratchRubric(locale) })
					: await caller.rubrics.create({ projectId, name, fromBuiltin: { judgeId: values.judgeId, locale } });
			rubricId = made.rubricId;
		} catch (err) {
			return failAction(err, { form: 'create', values });
		}
		redirect(303, `/projects/${event.params.projectId}/rubrics/${rubricId}`);
	}
};
