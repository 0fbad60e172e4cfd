/**
 * The new-run form's fields → `judgeRuns.start` options. Empty fields mean "not set" (the
 * server's defaults apply); ticking no system or category means all of them. A pointwise
 * rubric ignores the pairwise fields, and so does the server.
 */
import type { JudgeRunOptions } from '$lib/schemas/judge-run';

const int = (v: FormDataEntryValue | null): number | undefined => {
	const s = typeof v === 'string' ? v.trim() : '';
	if (!/^-?\d+$/.test(s)) return undefined;
	return Number(s);
};

export function optionsFromForm(form: FormData): JudgeRunOptions {
	const pairing = form.get('pairing') === 'baseline' ? 'baseline' : 'all-pairs';
	const systemIds = form.getAll('systemIds').map(String).filter(Boolean);
	const categories = form.getAll('categories').map(String).filter(Boolean);
	const baseline = String(form.get('baselineSystemId') ?? '');
	return {
		bothOrders: form.get('bothOrders') === 'on',
		samples: int(form.get('samples')) ?? 1,
		pairing,
		baselineSystemId: pairing === 'baseline' && baseline ? baseline : undefined,
		systemIds: systemIds.length > 0 ? systemIds : undefined,
		categories: categories.length > 0 ? categories : undefined,
		sampleItems: int(form.get('sampleItems')),
		sampleSeed: int(form.get('sampleItems')) === undefined ? undefined : int(form.get('sampleSeed'))
	};
}
