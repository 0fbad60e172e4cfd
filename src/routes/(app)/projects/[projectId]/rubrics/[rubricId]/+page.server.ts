import { error, fail } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { AppError } from '$lib/server/errors';
import { failAction, loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { m } from '$lib/paraglide/messages.js';
import type { Actions, PageServerLoad } from './$types';
import { exampleScores } from './example-scores';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A uuid from the query string, or null (a hand-edited URL must not become a 400). */
const param = (url: URL, key: string) => {
	const v = url.searchParams.get(key);
	return v && uuid.test(v) ? v : null;
};

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const projectId = project.id;
	const rubric = await loadOrThrow(event.url, () => caller.rubrics.get({ projectId, rubricId: event.params.rubricId }));
	const versionId = param(event.url, 'version');
	const shown =
		versionId && versionId !== rubric.current.id
			? await loadOrThrow(event.url, () => caller.rubrics.version({ projectId, versionId }))
			: rubric.current;
	if (shown.rubricId !== rubric.id) error(404, { message: m.common_error_not_found(), code: 'NOT_FOUND' });

	// The preview (admins): dataset → item → answer(s) → rendered messages, all in the query string.
	let preview = null;
	if (project.capabilities.admin) {
		const datasetId = param(event.url, 'dataset');
		const itemId = param(event.url, 'item');
		const asked = [param(event.url, 'a'), param(event.url, 'b')].filter((x): x is string => x !== null);
		const order = event.url.searchParams.get('order') === 'ba' ? ('ba' as const) : ('ab' as const);
		const datasets = await loadOrThrow(event.url, () => caller.datasets.list({ projectId }));
		const dataset = datasets.find((d) => d.id === datasetId) ?? null;
		const items = dataset
			? (await loadOrThrow(event.url, () => caller.datasets.items({ projectId, datasetId: dataset.id, limit: 200 })))
					.items
			: [];
		const item =
			dataset && itemId && items.some((i) => i.id === itemId)
				? await loadOrThrow(event.url, () => caller.datasets.item({ projectId, datasetId: dataset.id, itemId }))
				: null;
		// Answers left over from a previously chosen item are dropped, not reported.
		const answerIds = item ? asked.filter((id) => item.answers.some((a) => a.id === id && a.available)) : [];
		const wanted = shown.mode === 'pairwise' ? 2 : 1;
		let rendered = null;
		let renderError: string | null = null;
		if (item && answerIds.length >= wanted) {
			try {
				rendered = await caller.rubrics.preview({
					projectId,
					versionId: shown.id,
					itemId: item.id,
					answerIds: answerIds.slice(0, wanted),
					order
				});
			} catch (err) {
				if (!(err instanceof TRPCError) || err.code === 'INTERNAL_SERVER_ERROR') throw err;
				renderError = err.message;
			}
		}
		preview = {
			datasets: datasets.map((d) => ({ id: d.id, name: d.name })),
			datasetId: dataset?.id ?? null,
			items: items.map((i) => ({ id: i.id, externalId: i.externalId, preview: i.preview })),
			itemId: item?.id ?? null,
			// The preview is for admins, who always get system names; the id stands in only to satisfy the type.
			answers: item
				? item.answers
						.filter((a) => a.available)
						.map((a) => ({ id: a.id, systemName: a.systemName ?? a.id.slice(0, 8) }))
				: [],
			answerIds,
			order,
			rendered,
			renderError
		};
	}
	return { rubric, shown, preview };
};

const str = (form: FormData, key: string) => String(form.get(key) ?? '');
const num = (form: FormData, key: string) => {
	const v = str(form, key).trim();
	return v === '' ? undefined : Number(v);
};

/** A failure carrying the rubric's problems named by field, when the service sent them. */
function failWithIssues(err: unknown, formName: string) {
	const failed = failAction(err, { form: formName, messages: { stale_version: m.rubric_error_stale() } });
	const cause = err instanceof TRPCError ? err.cause : undefined;
	const details =
		cause instanceof AppError ? (cause.details as { issues?: { field: string; message: string }[] }) : undefined;
	return fail(failed.status, { ...failed.data, issues: details?.issues ?? [] });
}

export const actions: Actions = {
	save: async (event) => {
		const form = await event.request.formData();
		let content: unknown;
		try {
			content = JSON.parse(str(form, 'content'));
		} catch {
			return fail(400, { form: 'save', message: m.common_error_check_fields(), issues: [] });
		}
		try {
			const caller = await serverCaller(event);
			const saved = await caller.rubrics.saveVersion({
				projectId: event.params.projectId,
				rubricId: event.params.rubricId,
				content: content as Record<string, unknown>,
				note: str(form, 'note'),
				baseVersion: Number(str(form, 'baseVersion'))
			});
			return {
				form: 'save',
				success: saved.created
					? m.rubric_saved({ version: saved.version })
					: m.rubric_unchanged({ version: saved.version })
			};
		} catch (err) {
			return failWithIssues(err, 'save');
		}
	},
	attachExample: async (event) => {
		const form = await event.request.formData();
		const answerIds = form.getAll('answerId').map(String).filter(Boolean);
		const scores = exampleScores(form);
		const example = {
			itemId: str(form, 'itemId'),
			answerIds,
			explanation: str(form, 'explanation'),
			...(form.has('score') ? { score: num(form, 'score') } : {}),
			...(Object.keys(scores).length > 0 ? { scores } : {}),
			...(form.has('category') ? { category: str(form, 'category') } : {}),
			...(form.has('winner') ? { winner: str(form, 'winner') as 'A' | 'B' | 'tie' } : {})
		};
		try {
			const caller = await serverCaller(event);
			const saved = await caller.rubrics.attachExamples({
				projectId: event.params.projectId,
				rubricId: event.params.rubricId,
				baseVersion: Number(str(form, 'baseVersion')),
				examples: [example]
			});
			return { form: 'example', success: m.rubric_example_added({ version: saved.version }) };
		} catch (err) {
			return failWithIssues(err, 'example');
		}
	},
	archive: async (event) => {
		try {
			const caller = await serverCaller(event);
			await caller.rubrics.archive({ projectId: event.params.projectId, rubricId: event.params.rubricId });
		} catch (err) {
			return failAction(err, { form: 'archive' });
		}
		return { form: 'archive', success: m.rubric_archived() };
	}
};
