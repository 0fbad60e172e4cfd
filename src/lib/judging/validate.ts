/**
 * Validation of a rubric's content: structure by zod, then the rules across fields. Every issue
 * names its field as a path (`templates.user`, `examples[2].score`) so the rubric editor can point
 * at it and the loader can translate it into a file name.
 */
import type { z } from 'zod';
import { RubricContentSchema } from './rubric-schema';
import { availablePlaceholders, placeholdersIn, requiredPlaceholders } from './template';
import type { FewShotExample, RubricContent, ScoreScale } from './types';

export interface ValidationIssue {
	/** Dotted path into the checked object: `output.categories[1]`, `examples[0].score`. */
	field: string;
	message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/** `a.b[2].c` from a zod issue path. */
export function fieldPath(path: readonly PropertyKey[]): string {
	let out = '';
	for (const part of path) {
		if (typeof part === 'number') out += `[${part}]`;
		else out += out === '' ? String(part) : `.${String(part)}`;
	}
	return out;
}

/**
 * A criterion answered with a label lists its labels in `categories` (see CriterionSchema). Other
 * spellings an author may reach for are refused with this message instead of zod's
 * "Unrecognized key", so the editor and the judge loader say what to write.
 */
const CATEGORICAL_CRITERION_KEYS = ['labels', 'options', 'kind'];
export const CATEGORICAL_CRITERION_MESSAGE =
	'a categorical criterion lists its labels in "categories" (e.g. "categories": ["formal", "casual"]); ' +
	'its scale is then 0 to n − 1 and may be left out';

/** One zod issue as a field and message, with categorical criteria explained (see above). */
export function zodIssue(issue: z.core.$ZodIssue): ValidationIssue {
	const path = issue.path;
	if (
		issue.code === 'unrecognized_keys' &&
		path.length === 2 &&
		path[0] === 'criteria' &&
		typeof path[1] === 'number'
	) {
		const key = issue.keys.find((k) => CATEGORICAL_CRITERION_KEYS.includes(k));
		if (key) return { field: `${fieldPath(path)}.${key}`, message: CATEGORICAL_CRITERION_MESSAGE };
	}
	return { field: fieldPath(path), message: issue.message };
}

export function zodIssues(error: z.ZodError): ValidationIssue[] {
	return error.issues.map(zodIssue);
}

/** Parse and check a rubric content (from JSON, a form, a DB row). */
export function validateRubric(input: unknown): ValidationResult<RubricContent> {
	const parsed = RubricContentSchema.safeParse(input);
	if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error) };
	const issues = rubricRuleIssues(parsed.data);
	return issues.length > 0 ? { ok: false, issues } : { ok: true, value: parsed.data };
}

/** Like `validateRubric`, but throws one error listing every issue. */
export function assertRubric(input: unknown): RubricContent {
	const result = validateRubric(input);
	if (!result.ok) throw new Error(`invalid rubric: ${formatIssues(result.issues)}`);
	return result.value;
}

export function formatIssues(issues: ValidationIssue[]): string {
	return issues.map((i) => `${i.field || '(root)'}: ${i.message}`).join('; ');
}

/** Empty or duplicate labels (compared trimmed and case-folded), each named by its index. */
function categoryListIssues(categories: string[], field: string): ValidationIssue[] {
	const issues: ValidationIssue[] = [];
	if (categories.length === 0) issues.push({ field, message: 'at least one category is required' });
	const seen = new Set<string>();
	categories.forEach((category, i) => {
		const key = category.trim().toLowerCase();
		if (key === '') issues.push({ field: `${field}[${i}]`, message: 'a category cannot be empty' });
		else if (seen.has(key)) issues.push({ field: `${field}[${i}]`, message: `duplicate category "${category}"` });
		else seen.add(key);
	});
	return issues;
}

function scaleIssues(scale: ScoreScale, field: string): ValidationIssue[] {
	return scale.min < scale.max ? [] : [{ field, message: `min (${scale.min}) must be below max (${scale.max})` }];
}

const onScale = (value: number, scale: ScoreScale) =>
	Number.isInteger(value) && value >= scale.min && value <= scale.max;

/** The rules zod cannot express: they span several fields. */
export function rubricRuleIssues(rubric: RubricContent): ValidationIssue[] {
	const issues: ValidationIssue[] = [];
	const add = (field: string, message: string) => issues.push({ field, message });
	const { output } = rubric;

	if (output.kind === 'score') issues.push(...scaleIssues(output.scale, 'output.scale'));
	else issues.push(...categoryListIssues(output.categories, 'output.categories'));
	if (rubric.mode === 'pairwise') {
		if (output.kind !== 'categories') add('output.kind', 'a pairwise judge outputs categories (A, B, tie)');
		else {
			for (const [i, c] of output.categories.entries()) {
				if (!['A', 'B', 'tie'].includes(c))
					add(`output.categories[${i}]`, `pairwise categories are A, B and tie, not "${c}"`);
			}
			for (const needed of ['A', 'B']) {
				if (!output.categories.includes(needed)) add('output.categories', `a pairwise judge needs category ${needed}`);
			}
		}
		if (rubric.criteria.length > 0) add('criteria', 'pairwise judges have no per-criterion scores');
	}

	const criterionIds = new Set<string>();
	rubric.criteria.forEach((c, i) => {
		const at = `criteria[${i}]`;
		if (criterionIds.has(c.id)) add(`${at}.id`, `duplicate criterion id "${c.id}"`);
		criterionIds.add(c.id);
		if (c.categories !== undefined) {
			issues.push(...categoryListIssues(c.categories, `${at}.categories`));
			const n = c.categories.length;
			if (n > 0 && (c.scale.min !== 0 || c.scale.max !== n - 1)) {
				add(`${at}.scale`, `a categorical criterion's scale is 0–${n - 1} (its labels' indexes); leave it out`);
			}
			if (c.redLine) add(`${at}.redLine`, 'a categorical criterion cannot be a red line: its labels have no order');
			if (c.passMin !== undefined) add(`${at}.passMin`, 'a categorical criterion has no passMin');
			return;
		}
		issues.push(...scaleIssues(c.scale, `${at}.scale`));
		if (c.redLine && c.passMin === undefined) add(`${at}.passMin`, 'a red-line criterion needs passMin');
		if (c.passMin !== undefined && !onScale(c.passMin, c.scale)) {
			add(`${at}.passMin`, `passMin ${c.passMin} is off the scale ${c.scale.min}–${c.scale.max}`);
		}
	});
	if (rubric.criteria.length > 0 && output.kind !== 'score') {
		add(
			'output.kind',
			'criteria need output.kind "score" (the overall score is the mean of the numeric criteria); a rubric whose ' +
				'output is categories has no criteria: give a per-criterion label set as criteria[i].categories instead'
		);
	}
	if (rubric.criteria.length > 0 && rubric.criteria.every((c) => c.categories !== undefined)) {
		add(
			'criteria',
			'at least one criterion needs a numeric scale: the overall score is their mean (categorical criteria have no mean)'
		);
	}

	if (rubric.templates.user.trim() === '') add('templates.user', 'the user message is empty');
	const available = availablePlaceholders(rubric);
	const used = new Set<string>();
	for (const key of ['system', 'user'] as const) {
		for (const name of placeholdersIn(rubric.templates[key])) {
			used.add(name);
			if (!available.has(name)) {
				add(`templates.${key}`, `placeholder {{${name}}} is not declared for this rubric (${whyUnavailable(name)})`);
			}
		}
	}
	for (const name of requiredPlaceholders(rubric)) {
		if (!used.has(name)) add('templates.user', `placeholder {{${name}}} is required but unused in both templates`);
	}

	const exampleIds = new Set<string>();
	rubric.examples.forEach((example, i) => {
		if (exampleIds.has(example.id)) add(`examples[${i}].id`, `duplicate example id "${example.id}"`);
		exampleIds.add(example.id);
		issues.push(...exampleIssues(rubric, example, `examples[${i}]`));
	});
	return issues;
}

function whyUnavailable(name: string): string {
	const reasons: Record<string, string> = {
		answer: 'pairwise judges use {{answer_a}} and {{answer_b}}',
		answer_a: 'pointwise judges use {{answer}}',
		answer_b: 'pointwise judges use {{answer}}',
		reference: 'usesReference is false',
		criteria: 'the rubric has no criteria',
		scale_min: 'the output is categorical',
		scale_max: 'the output is categorical',
		categories: 'the output is a score'
	};
	return reasons[name] ?? 'unknown placeholder';
}

function exampleIssues(rubric: RubricContent, ex: FewShotExample, at: string): ValidationIssue[] {
	const issues: ValidationIssue[] = [];
	const add = (field: string, message: string) => issues.push({ field: `${at}${field}`, message });
	if (rubric.usesReference && !ex.reference) add('.reference', 'the rubric uses references: the example needs one');
	if (rubric.mode === 'pairwise') {
		if (!ex.answerA) add('.answerA', 'a pairwise example needs answerA');
		if (!ex.answerB) add('.answerB', 'a pairwise example needs answerB');
		if (!ex.winner) add('.winner', 'a pairwise example needs a winner');
		else if (rubric.output.kind === 'categories' && !rubric.output.categories.includes(ex.winner)) {
			add('.winner', `winner "${ex.winner}" is not one of ${rubric.output.categories.join(', ')}`);
		}
		return issues;
	}
	if (!ex.answer) add('.answer', 'a pointwise example needs an answer');
	const { output } = rubric;
	if (output.kind === 'categories') {
		if (ex.category === undefined) add('.category', 'the example needs a category');
		else if (!output.categories.includes(ex.category)) {
			add('.category', `category "${ex.category}" is not one of ${output.categories.join(', ')}`);
		}
	} else if (rubric.criteria.length > 0) {
		for (const c of rubric.criteria) {
			const value = ex.scores?.[c.id];
			if (value === undefined) add(`.scores.${c.id}`, `the example needs a score for criterion "${c.id}"`);
			else if (c.categories !== undefined) {
				if (typeof value !== 'string' || !c.categories.includes(value)) {
					add(`.scores.${c.id}`, `${JSON.stringify(value)} is not one of the labels ${c.categories.join(', ')}`);
				}
			} else if (typeof value !== 'number') add(`.scores.${c.id}`, `score ${JSON.stringify(value)} is not a number`);
			else if (!onScale(value, c.scale)) {
				add(`.scores.${c.id}`, `score ${value} is off the scale ${c.scale.min}–${c.scale.max}`);
			}
		}
		for (const key of Object.keys(ex.scores ?? {})) {
			if (!rubric.criteria.some((c) => c.id === key)) add(`.scores.${key}`, `unknown criterion "${key}"`);
		}
	} else if (ex.score === undefined) add('.score', 'the example needs a score');
	else if (!onScale(ex.score, output.scale)) {
		add('.score', `score ${ex.score} is off the scale ${output.scale.min}–${output.scale.max}`);
	}
	return issues;
}
