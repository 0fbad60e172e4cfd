/**
 * The criterion values of the "attach example" form: `scores.<id>` fields are numbers (a scale),
 * `labels.<id>` fields are a categorical criterion's label, kept as text even when it is all digits
 * (a label "1" is a label, not the score 1). Empty fields are left out.
 */
export function exampleScores(form: FormData): Record<string, number | string> {
	const scores: Record<string, number | string> = {};
	for (const [key, value] of form.entries()) {
		const text = String(value).trim();
		if (text === '') continue;
		if (key.startsWith('scores.')) scores[key.slice('scores.'.length)] = Number(text);
		else if (key.startsWith('labels.')) scores[key.slice('labels.'.length)] = text;
	}
	return scores;
}
