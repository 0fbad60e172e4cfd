/**
 * MT-Bench (FastChat llm_judge data), three JSON Lines files uploaded separately:
 * - question.jsonl: {question_id, category, turns: [..], reference?: [..]} → items
 *   (one turn: a prompt text; several: a conversation of user messages);
 * - model_answer/<model>.jsonl: {question_id, model_id, choices: [{turns: [..]}]} →
 *   answers (one response per turn) of system `model_id`;
 * - reference_answer/<judge>.jsonl: the same shape as answers → reference answers of
 *   existing items. It is told apart from answers by its file name ("reference")
 *   or by choosing the format explicitly.
 */
import { z } from 'zod';
import { FieldReader } from '../fields';
import { emptyRecord, makeAnswer, makeItem, makeReference } from '../normalized';
import type { FormatAdapter, MapResult } from './types';

const NoOptions = z.object({}).passthrough();
const ids = { idField: 'question_id', promptField: 'turns' };
const AnswerOptions = z.object({ systemName: z.string().trim().min(1).max(512).nullish() });

export const mtBenchQuestionsAdapter: FormatAdapter<z.infer<typeof NoOptions>> = {
	id: 'mt-bench-questions',
	label: 'MT-Bench questions (question.jsonl)',
	containers: ['jsonl', 'json'],
	detect: (f) => (f.has('question_id') && f.has('turns') && !f.has('choices') ? 0.9 : 0),
	options: NoOptions,
	suggest: () => ({}),
	mapper:
		(_o, ctx) =>
		(raw): MapResult => {
			const r = new FieldReader(raw.value, raw.line, ctx.limits);
			const id = r.id('question_id');
			const category = r.string('category');
			const turns = r.has('turns')
				? r.stringArray('turns', raw.value.turns, { minLength: 1 })
				: r.fail('turns', 'is required but missing.', 'import_err_field_missing');
			const reference = r.has('reference') ? r.stringArray('reference', raw.value.reference, { minLength: 1 }) : null;
			if (turns && reference && reference.length !== turns.length && reference.length !== 1) {
				r.fail('reference', `has ${reference.length} entries but the question has ${turns.length} turns.`);
			}
			if (!r.ok || id === null || !turns) return { record: null, issues: r.issues };
			const record = emptyRecord(raw.line, { value: id, field: 'question_id', label: `question_id ${id}` }, ids);
			record.item = makeItem({
				externalId: id,
				prompt: turns.length === 1 ? turns[0] : turns.map((content) => ({ role: 'user' as const, content })),
				reference,
				category
			});
			return { record, issues: [] };
		}
};

function readChoiceTurns(r: FieldReader): string[] | null {
	const choices = r.obj.choices;
	if (!Array.isArray(choices) || choices.length === 0)
		return r.fail('choices', 'must be a non-empty array of {turns: [..]}.');
	const first = choices[0] as Record<string, unknown> | null;
	if (!first || typeof first !== 'object' || Array.isArray(first))
		return r.fail('choices[0]', 'must be an object with "turns".');
	return r.stringArray('choices[0].turns', first.turns, { minLength: 1 });
}

export const mtBenchAnswersAdapter: FormatAdapter<z.infer<typeof AnswerOptions>> = {
	id: 'mt-bench-answers',
	label: 'MT-Bench model answers (model_answer/<model>.jsonl)',
	containers: ['jsonl', 'json'],
	detect: (f, fileName) => (f.has('question_id') && f.has('choices') ? (/reference/i.test(fileName) ? 0.5 : 0.85) : 0),
	options: AnswerOptions,
	suggest: () => ({ systemName: null }),
	mapper:
		(o, ctx) =>
		(raw): MapResult => {
			const r = new FieldReader(raw.value, raw.line, ctx.limits);
			const id = r.id('question_id');
			const system = o.systemName ?? r.name('model_id');
			const turns = readChoiceTurns(r);
			const metadata = r.metadata(['answer_id', 'tstamp'].filter((k) => r.has(k)));
			if (!r.ok || id === null || system === null || !turns) return { record: null, issues: r.issues };
			const record = emptyRecord(
				raw.line,
				{ value: `${id}\u001f${system}`, field: 'question_id', label: `answer to question_id ${id} from "${system}"` },
				ids
			);
			record.answers.push(
				makeAnswer({ itemExternalId: id, field: 'choices[0].turns', system, content: turns, metadata })
			);
			return { record, issues: [] };
		}
};

export const mtBenchReferenceAdapter: FormatAdapter<z.infer<typeof NoOptions>> = {
	id: 'mt-bench-reference',
	label: 'MT-Bench reference answers (reference_answer/<judge>.jsonl)',
	containers: ['jsonl', 'json'],
	detect: (f, fileName) => (f.has('question_id') && f.has('choices') && /reference/i.test(fileName) ? 0.9 : 0),
	options: NoOptions,
	suggest: () => ({}),
	mapper:
		(_o, ctx) =>
		(raw): MapResult => {
			const r = new FieldReader(raw.value, raw.line, ctx.limits);
			const id = r.id('question_id');
			const turns = readChoiceTurns(r);
			if (!r.ok || id === null || !turns) return { record: null, issues: r.issues };
			const record = emptyRecord(
				raw.line,
				{ value: id, field: 'question_id', label: `reference for question_id ${id}` },
				ids
			);
			record.references.push(makeReference(id, turns, 'choices[0].turns'));
			return { record, issues: [] };
		}
};
