import { failAction, loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { m } from '$lib/paraglide/messages.js';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
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
	nothing_to_pin: m.gate_error_nothing_to_pin()
});

type Caller = Awaited<ReturnType<typeof serverCaller>>;

/**
 * One gate form action: read the form, call the gate with it, and answer `{ form, done }` or the
 * refusal in the page's words (failAction), tagged with the form it came from.
 */
function gateAction(name: string, call: (caller: Caller, form: FormData, projectId: string) => Promise<unknown>) {
	return async (event: RequestEvent) => {
		const form = await event.request.formData();
		try {
			await call(await serverCaller(event), form, event.params.projectId ?? '');
		} catch (err) {
			return failAction(err, { form: name, messages: reasons() });
		}
		return { form: name, done: true };
	};
}

export const actions: Actions = {
	pin: gateAction('pin', (caller, form, projectId) =>
		caller.gate.pinSet({
			projectId,
			rubricId: text(form, 'rubricId'),
			datasetId: text(form, 'datasetId'),
			name: text(form, 'name'),
			reference: text(form, 'reference') as 'auto' | 'gold' | 'consensus',
			minLabels: Number(text(form, 'minLabels') || 2)
		})
	),
	evaluate: gateAction('evaluate', (caller, form, projectId) =>
		caller.gate.evaluate({
			projectId,
			setId: text(form, 'setId'),
			rubricVersionId: text(form, 'rubricVersionId'),
			providerId: text(form, 'providerId'),
			samples: 1,
			bothOrders: form.get('bothOrders') === 'on'
		})
	),
	certify: gateAction('certify', (caller, form, projectId) => {
		const { thresholds, use } = readThresholds(new URLSearchParams([...form].map(([k, v]) => [k, String(v)])));
		return caller.gate.certify({ projectId, setId: text(form, 'setId'), runId: text(form, 'runId'), use, thresholds });
	}),
	revoke: gateAction('revoke', (caller, form, projectId) =>
		caller.gate.revoke({ projectId, certificationId: text(form, 'certificationId') })
	)
};
