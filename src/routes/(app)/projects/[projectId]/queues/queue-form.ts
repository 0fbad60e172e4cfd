/**
 * The create-queue form's fields → the `annotation.createQueue` input. Values pass through as
 * typed; the procedure's schema validates them and its errors come back per field.
 */
import type { CreateQueueInput } from '$lib/schemas/annotation';

type QueueFormInput = Omit<CreateQueueInput, 'selection'> & { selection: CreateQueueInput['selection'] };

const num = (value: FormDataEntryValue | null, fallback: number) => {
	const text = String(value ?? '').trim();
	return text === '' ? fallback : Number(text);
};

/** The selection fields (selection-fields.svelte) → a selection; shared with the "add items" form. */
export function readSelection(form: FormData): CreateQueueInput['selection'] {
	const str = (key: string) => String(form.get(key) ?? '').trim();
	const kind = str('selection');
	const n = num(form.get('n'), 0);
	return kind === 'random'
		? { kind, n, seed: '' }
		: kind === 'stratified'
			? { kind, n, by: str('by') === 'category' ? 'category' : 'system', seed: '' }
			: kind === 'judge-unsure'
				? { kind, judgeRunId: str('judgeRunId') }
				: { kind: 'all' };
}

export function readQueueForm(form: FormData): { input: QueueFormInput; values: Record<string, string> } {
	const str = (key: string) => String(form.get(key) ?? '').trim();
	const selection = readSelection(form);
	const members = form.getAll('memberUserIds').map(String);
	const input: QueueFormInput = {
		name: str('name'),
		datasetId: str('datasetId'),
		rubricVersionId: str('rubricVersionId'),
		overlapK: num(form.get('overlapK'), 1),
		memberUserIds: members.length > 0 ? members : undefined,
		selection,
		// Pairwise: every pair of systems per item, or each system against the chosen baseline.
		pairing: str('pairing') === 'baseline' ? 'baseline' : 'all-pairs',
		baselineSystemId: str('pairing') === 'baseline' && str('baselineSystemId') ? str('baselineSystemId') : undefined,
		revealAfterSubmit: form.get('revealAfterSubmit') === 'on',
		reservationSeconds: Math.round(num(form.get('reservationMinutes'), 30) * 60),
		disagreementThreshold: num(form.get('disagreementThreshold'), 0)
	};
	const values: Record<string, string> = {};
	for (const [key, value] of form.entries()) if (typeof value === 'string') values[key] = value;
	return { input, values };
}
