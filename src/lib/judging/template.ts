/**
 * `{{placeholder}}` templates: which names a rubric may use, which it must use, and a single-pass
 * substitution (a value is never scanned again, so an answer containing `{{reference}}` stays
 * literal text instead of pulling the reference in).
 */
import type { RubricContent } from './types';

/** `{{ name }}`; names are lowercase with underscores. */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g;

/** Every placeholder name Concord knows, with what it renders. */
export const PLACEHOLDER_HELP: Record<string, string> = {
	question: 'the judged user message (fenced as data)',
	answer: 'the judged answer (pointwise, fenced as data)',
	answer_a: 'the answer shown first (pairwise, fenced as data)',
	answer_b: 'the answer shown second (pairwise, fenced as data)',
	reference: 'the reference answer (only when the rubric uses references)',
	conversation: 'the earlier turns of a multi-turn item (fenced as data)',
	rubric: 'the rubric text annotators see',
	criteria: 'the list of criteria with their scales (rubrics with criteria)',
	examples: 'the few-shot examples (empty when there are none)',
	scale_min: 'lowest score (score output)',
	scale_max: 'highest score (score output)',
	categories: 'the allowed labels (categorical output)'
};

const answerPlaceholders = (mode: RubricContent['mode']) =>
	mode === 'pointwise' ? ['answer'] : ['answer_a', 'answer_b'];

/** Names a template of this rubric may use. */
export function availablePlaceholders(rubric: Pick<RubricContent, 'mode' | 'output' | 'criteria' | 'usesReference'>) {
	const names = new Set(['question', 'conversation', 'rubric', 'examples', ...answerPlaceholders(rubric.mode)]);
	if (rubric.usesReference) names.add('reference');
	if (rubric.criteria.length > 0) names.add('criteria');
	if (rubric.output.kind === 'score') {
		names.add('scale_min');
		names.add('scale_max');
	} else names.add('categories');
	return names;
}

/**
 * Names the templates (system + user together) must use: without them the judge would not see
 * the answer, the reference it is told to use, the shared rubric, the criteria it must score, or
 * the examples attached to the version.
 */
export function requiredPlaceholders(
	rubric: Pick<RubricContent, 'mode' | 'criteria' | 'usesReference' | 'examples'>
): Set<string> {
	const names = new Set(['question', 'rubric', ...answerPlaceholders(rubric.mode)]);
	if (rubric.usesReference) names.add('reference');
	if (rubric.criteria.length > 0) names.add('criteria');
	if (rubric.examples.length > 0) names.add('examples');
	return names;
}

/** Placeholder names used in a template, in order of first use. */
export function placeholdersIn(template: string): string[] {
	const seen = new Set<string>();
	for (const match of template.matchAll(PLACEHOLDER)) seen.add(match[1]);
	return [...seen];
}

/** Replace every `{{name}}` in one pass; a name without a value is an error (validation prevents it). */
export function fillTemplate(template: string, values: Record<string, string>): string {
	return template.replace(PLACEHOLDER, (_match, name: string) => {
		const value = values[name];
		if (value === undefined) throw new Error(`template placeholder {{${name}}} has no value`);
		return value;
	});
}
