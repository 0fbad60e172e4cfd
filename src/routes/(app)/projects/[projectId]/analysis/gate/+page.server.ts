import { failAction, loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { m } from '$lib/paraglide/messages.js';
import type { Actions, PageServerLoad } from './$types';
import { readThresholds, thresholdQuery } from './thresholds';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidParam = (url: URL, name: string) => {
	const v = url.searchParams.get(name);
	return v && UUID.test(v) ? v : undefined;
};

/** The gate of one rubric: its calibration sets, evaluations, certifications and corrected pass rates. */
export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const { thresholds, use } = readThresholds(event.url.searchParams);
	const ask = (rubricId: string | undefined, setId: string | undefined, runId: string | undefined) =>
		caller.gate.overview({ projectId: project.id, rubricId, setId, runId, thresholds });
	const url = event.url;
	// A stale choice (another rubric's set or run in the query) falls back to the defaults.
	const overview = await loadOrThrow(url, () =>
		ask(uuidParam(url, 'rubric'), uuidParam(url, 'set'), uuidParam(url, 'run')).catch(() =>
			ask(uuidParam(url, 'rubric'), undefined, undefined).catch(() => ask(undefined, undefined, undefined))
		)
	);
	const admin = project.capabilities.admin;
	const [datasets, providers] = admin
		? await Promise.all([
				loadOrThrow(url, () => caller.datasets.list({ projectId: project.id })),
				loadOrThrow(url, () => caller.providers.list({ projectId: project.id, includeArchived: false }))
			])
		: [[], []];
	return {
		overview,
		use,
		query: thresholdQuery(thresholds, use),
		datasets: datasets.map((d) => ({ id: d.id, name: d.name })),
		providers: providers.map((p) => ({ id: p.id, name: p.name, model: p.model }))
	};
};

const text = (form: FormData, name: string) => String(form.get(name) ?? '');

const reasons = () => ({
	below_threshold: m.gate_error_below_threshold(),
	set_superseded: m.gate_error_set_superseded(),
	evaluation_unfinished: m.gate_error_unfinished(),
	nothing_to_pin: m.gate_error_nothing_to_pin(),
	pairwise_rubric: m.gate_error_pairwise()
});

export const actions: Actions = {
	pin: async (event) => {
		const form = await event.request.formData();
		try {
			const caller = await serverCaller(event);
			await caller.gate.pinSet({
				projectId: event.params.projectId,
				rubricId: text(form, 'rubricId'),
				datasetId: text(form, 'datasetId'),
				name: text(form, 'name'),
				reference: text(form, 'reference') as 'auto' | 'gold' | 'consensus',
				minLabels: Number(text(form, 'minLabels') || 2)
			});
		} catch (err) {
			return failAction(err, { form: 'pin', messages: reasons() });
		}
		return { form: 'pin', done: true };
	},
	evaluate: async (event) => {
		const form = await event.request.formData();
		try {
			const caller = await serverCaller(event);
			await caller.gate.evaluate({
				projectId: event.params.projectId,
				setId: text(form, 'setId'),
				rubricVersionId: text(form, 'rubricVersionId'),
				providerId: text(form, 'providerId'),
				samples: 1
			});
		} catch (err) {
			return failAction(err, { form: 'evaluate', messages: reasons() });
		}
		return { form: 'evaluate', done: true };
	},
	certify: async (event) => {
		const form = await event.request.formData();
		const { thresholds, use } = readThresholds(new URLSearchParams([...form].map(([k, v]) => [k, String(v)])));
		try {
			const caller = await serverCaller(event);
			await caller.gate.certify({
				projectId: event.params.projectId,
				setId: text(form, 'setId'),
				runId: text(form, 'runId'),
				use,
				thresholds
			});
		} catch (err) {
			return failAction(err, { form: 'certify', messages: reasons() });
		}
		return { form: 'certify', done: true };
	},
	revoke: async (event) => {
		const form = await event.request.formData();
		try {
			const caller = await serverCaller(event);
			await caller.gate.revoke({ projectId: event.params.projectId, certificationId: text(form, 'certificationId') });
		} catch (err) {
			return failAction(err, { form: 'revoke', messages: reasons() });
		}
		return { form: 'revoke', done: true };
	}
};
