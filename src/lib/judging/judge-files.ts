/**
 * A built-in judge from the text of its files (pure: the node:fs loader in
 * lib/server/judging reads the folder and hands the texts over). Layout, per judges/README.md:
 *
 *   judges/<id>/judge.json             id, version, mode, output, criteria, usesReference, turns, settings, locales
 *   judges/<id>/<locale>/strings.json  name; criterion names and descriptions
 *   judges/<id>/<locale>/system.md     system message template
 *   judges/<id>/<locale>/user.md       user message template
 *   judges/<id>/<locale>/rubric.md     rubric text (annotators see the same)
 *   judges/<id>/<locale>/examples.json few-shot examples (optional)
 *
 * Every problem names the file (relative to judges/) and the field.
 */
import type { z } from 'zod';
import { JudgeExamplesFileSchema, JudgeFileSchema, JudgeStringsFileSchema } from './rubric-schema';
import type { JudgeDefinition, JudgeLocale, JudgeLocaleContent, RubricContent } from './types';
import { rubricRuleIssues, zodIssue } from './validate';

export interface JudgeFileIssue {
	/** Path relative to judges/, e.g. `single-1-10/zh-CN/user.md`. */
	file: string;
	/** Field inside the file (`output.categories[1]`, `[0].score`), or '' for the file as a whole. */
	field: string;
	message: string;
}

export type JudgeFilesResult = { ok: true; judge: JudgeDefinition } | { ok: false; issues: JudgeFileIssue[] };

export function formatJudgeFileIssue(issue: JudgeFileIssue): string {
	return `${issue.file}${issue.field ? ` (${issue.field})` : ''}: ${issue.message}`;
}

/** Markdown files end with a newline by convention; the template itself does not. */
const text = (raw: string) => raw.replace(/\s+$/, '');

function parseJson<T>(
	files: Record<string, string>,
	file: string,
	schema: z.ZodType<T>,
	issues: JudgeFileIssue[],
	prefix: string
): T | undefined {
	const raw = files[file];
	if (raw === undefined) return undefined;
	let data: unknown;
	try {
		data = JSON.parse(raw);
	} catch (error) {
		issues.push({ file: prefix + file, field: '', message: `not valid JSON: ${(error as Error).message}` });
		return undefined;
	}
	const parsed = schema.safeParse(data);
	if (parsed.success) return parsed.data;
	for (const issue of parsed.error.issues) issues.push({ file: prefix + file, ...zodIssue(issue) });
	return undefined;
}

/**
 * Parse and validate one judge folder.
 * @param dirName the folder name under judges/ (must equal judge.json's id)
 * @param files file texts by path relative to the folder (`judge.json`, `en/user.md`…)
 */
export function parseJudgeFiles(dirName: string, files: Record<string, string>): JudgeFilesResult {
	const issues: JudgeFileIssue[] = [];
	const prefix = `${dirName}/`;
	if (files['judge.json'] === undefined) {
		return { ok: false, issues: [{ file: `${prefix}judge.json`, field: '', message: 'missing file' }] };
	}
	const meta = parseJson(files, 'judge.json', JudgeFileSchema, issues, prefix);
	if (!meta) return { ok: false, issues };
	if (meta.id !== dirName) {
		issues.push({
			file: `${prefix}judge.json`,
			field: 'id',
			message: `id "${meta.id}" differs from folder "${dirName}"`
		});
	}

	const locales: JudgeDefinition['locales'] = {};
	for (const locale of meta.locales) {
		const at = (name: string) => `${locale}/${name}`;
		for (const name of ['strings.json', 'system.md', 'user.md', 'rubric.md']) {
			if (files[at(name)] === undefined) issues.push({ file: prefix + at(name), field: '', message: 'missing file' });
		}
		const strings = parseJson(files, at('strings.json'), JudgeStringsFileSchema, issues, prefix);
		const examples =
			files[at('examples.json')] === undefined
				? []
				: parseJson(files, at('examples.json'), JudgeExamplesFileSchema, issues, prefix);
		if (
			!strings ||
			!examples ||
			[at('system.md'), at('user.md'), at('rubric.md')].some((f) => files[f] === undefined)
		) {
			continue;
		}
		for (const c of meta.criteria) {
			if (!strings.criteria[c.id]) {
				issues.push({
					file: prefix + at('strings.json'),
					field: `criteria.${c.id}`,
					message: 'missing criterion text'
				});
			}
		}
		for (const key of Object.keys(strings.criteria)) {
			if (!meta.criteria.some((c) => c.id === key)) {
				issues.push({
					file: prefix + at('strings.json'),
					field: `criteria.${key}`,
					message: `criterion "${key}" is not declared in judge.json`
				});
			}
		}
		const content: JudgeLocaleContent = {
			name: strings.name,
			templates: { system: text(files[at('system.md')]), user: text(files[at('user.md')]) },
			rubricText: text(files[at('rubric.md')]),
			examples,
			criteria: strings.criteria
		};
		if (content.rubricText === '') {
			issues.push({ file: prefix + at('rubric.md'), field: '', message: 'the rubric text is empty' });
		}
		locales[locale] = content;
	}
	if (issues.length > 0) return { ok: false, issues };

	const judge: JudgeDefinition = { ...meta, locales };
	for (const locale of meta.locales) {
		for (const issue of rubricRuleIssues(rubricFromJudge(judge, locale))) {
			issues.push({ ...locateRubricIssue(issue.field, locale, prefix), message: issue.message });
		}
	}
	return issues.length > 0 ? { ok: false, issues } : { ok: true, judge };
}

/** Which file of the folder a rubric field comes from. */
function locateRubricIssue(field: string, locale: string, prefix: string): { file: string; field: string } {
	const inLocale = (name: string, rest: string) => ({ file: `${prefix}${locale}/${name}`, field: rest });
	if (field.startsWith('templates.system')) return inLocale('system.md', '');
	if (field.startsWith('templates.user')) return inLocale('user.md', '');
	if (field.startsWith('rubricText')) return inLocale('rubric.md', '');
	if (field.startsWith('examples')) return inLocale('examples.json', field.slice('examples'.length));
	return { file: `${prefix}judge.json`, field };
}

/** One language of a built-in judge, flattened into what a rubric version stores. */
export function rubricFromJudge(judge: JudgeDefinition, locale: JudgeLocale): RubricContent {
	const texts = judge.locales[locale];
	if (!texts) throw new Error(`judge ${judge.id} has no ${locale} variant`);
	return {
		format: 1,
		judgeId: judge.id,
		judgeVersion: judge.version,
		name: texts.name,
		locale,
		mode: judge.mode,
		output: judge.output,
		criteria: judge.criteria.map((c) => ({
			...c,
			name: texts.criteria[c.id]?.name ?? c.id,
			description: texts.criteria[c.id]?.description ?? ''
		})),
		usesReference: judge.usesReference,
		turns: judge.turns,
		templates: texts.templates,
		rubricText: texts.rubricText,
		examples: texts.examples,
		settings: judge.settings
	};
}
