/** A gold-label form's fields → `annotation.adjudicate`'s input (answer terms: A is the task's first answer). */
import type { AdjudicateInput } from '$lib/schemas/annotation';

export function readGoldForm(form: FormData): {
	input: Omit<AdjudicateInput, 'queueId'>;
	values: Record<string, string>;
} {
	const str = (key: string) => String(form.get(key) ?? '').trim();
	const values: Record<string, string> = {};
	for (const [key, value] of form.entries()) if (typeof value === 'string') values[key] = value;
	const verdict = str('verdict');
	let label: AdjudicateInput['label'];
	if (verdict === 'A' || verdict === 'B' || verdict === 'tie') label = { verdict };
	else {
		const scores: Record<string, number> = {};
		const redLines: Record<string, boolean> = {};
		for (const [key, value] of form.entries()) {
			if (typeof value !== 'string' || value.trim() === '') continue;
			if (key.startsWith('score-')) scores[key.slice('score-'.length)] = Number(value);
			if (key.startsWith('redline-')) redLines[key.slice('redline-'.length)] = value === 'pass';
		}
		const overall = str('score');
		const category = str('category');
		label = {
			scores,
			redLines,
			...(overall !== '' ? { score: Number(overall) } : {}),
			...(category !== '' ? { category } : {})
		};
	}
	return {
		input: {
			taskId: str('taskId'),
			label,
			rationale: str('rationale'),
			expectedVersion: Number(str('expectedVersion') || '0')
		},
		values
	};
}
