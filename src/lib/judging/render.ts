/**
 * Rendering a rubric's templates for one item and its answer(s) into chat messages.
 *
 * Multi-turn items: the item's user messages are the turns; an answer supplies the assistant
 * turns (`turns[i]` answers user message i; a single `content` answers the last one). Judging
 * turn t shows turns 0…t−1 as context ({{conversation}}, or before the question when the template
 * has no {{conversation}}) and fences the reply to turn t as the answer.
 *
 * Pairwise: `answers` are in ANSWER terms [A, B]; `order: 'ba'` shows B first, so {{answer_a}}
 * is always "the answer shown first" and a verdict `A` from the model means the first shown.
 */
import { sha256Hex } from './content-hash';
import { fence, fenceTagOf } from './fence';
import { RENDER_STRINGS, type RenderStrings } from './render-strings';
import { placeholdersIn } from './template';
import type { ChatMessage, FewShotExample, JudgeAnswer, JudgeItem, PresentedOrder, RubricContent } from './types';

export interface RenderInput {
	rubric: RubricContent;
	item: JudgeItem;
	/** One answer (pointwise) or two in answer terms [A, B] (pairwise). */
	answers: JudgeAnswer[];
	/** Pairwise presentation order; pointwise ignores it. Default `ab`. */
	order?: PresentedOrder;
	/** 0-based user turn to judge; default the last. */
	turn?: number;
}

export type RenderResult =
	| {
			ok: true;
			messages: ChatMessage[];
			/** canonicalJson(messages) (content-hash.ts): what the hash covers, and what stores them. */
			messagesJson: string;
			/** contentHash(messages): the key a rendered prompt is stored and cached under. */
			promptHash: string;
			turn: number;
			/** The fence tag used (see fence.ts). */
			tag: string;
	  }
	| { ok: false; reason: string };

/** The user turns of an item: its conversation's user messages, or its single prompt. */
export function userTurns(item: JudgeItem): string[] {
	if (item.conversation && item.conversation.length > 0) {
		return item.conversation.filter((m) => m.role === 'user').map((m) => m.content);
	}
	return item.prompt != null ? [item.prompt] : [];
}

/** Which user turns a rubric judges for this item (0-based): the last, or every one. */
export function judgedTurns(rubric: Pick<RubricContent, 'turns'>, item: JudgeItem): number[] {
	const n = userTurns(item).length;
	if (n === 0) return [];
	return rubric.turns === 'every' ? Array.from({ length: n }, (_, i) => i) : [n - 1];
}

/** The answer's reply to user turn `t`, or null when it has none. */
function replyAt(answer: JudgeAnswer, t: number, lastTurn: number): string | null {
	if (answer.turns && answer.turns.length > 0) return answer.turns[t] ?? null;
	return t === lastTurn && answer.content != null ? answer.content : null;
}

/** Assistant messages that the item's own conversation carries after user message i (fixed context). */
function itemAssistantAfter(item: JudgeItem): (string | null)[] {
	const out: (string | null)[] = [];
	for (const message of item.conversation ?? []) {
		if (message.role === 'user') out.push(null);
		else if (message.role === 'assistant' && out.length > 0 && out[out.length - 1] === null) {
			out[out.length - 1] = message.content;
		}
	}
	return out;
}

/** Transcript of turns before `t`. Each earlier reply comes from the answer(s), else from the item. */
function transcript(item: JudgeItem, shown: JudgeAnswer[], t: number, last: number, s: RenderStrings): string {
	const users = userTurns(item);
	const fixed = itemAssistantAfter(item);
	const lines: string[] = [];
	const system = item.conversation?.find((m) => m.role === 'system');
	if (system) lines.push(`${s.system}: ${system.content}`);
	for (let i = 0; i < t; i++) {
		lines.push(`${s.user}: ${users[i]}`);
		const replies = shown.map((a) => replyAt(a, i, last) ?? fixed[i] ?? null);
		if (shown.length === 1 || replies[0] === replies[1]) {
			if (replies[0] != null) lines.push(`${s.assistant}: ${replies[0]}`);
		} else {
			if (replies[0] != null) lines.push(`${s.assistantA}: ${replies[0]}`);
			if (replies[1] != null) lines.push(`${s.assistantB}: ${replies[1]}`);
		}
	}
	return lines.join('\n\n');
}

function exampleVerdict(rubric: RubricContent, ex: FewShotExample, s: RenderStrings): string {
	if (rubric.mode === 'pairwise') return `[[${ex.winner === 'tie' ? 'C' : ex.winner}]]`;
	if (rubric.criteria.length > 0) return JSON.stringify({ scores: ex.scores ?? {} });
	if (rubric.output.kind === 'categories') return `[[${ex.category}]]`;
	return s.rating(ex.score ?? Number.NaN);
}

/** The placeholder values that do not depend on the answers: rubric, criteria, scale. */
function rubricValues(rubric: RubricContent, s: RenderStrings): Record<string, string> {
	const values: Record<string, string> = { rubric: rubric.rubricText };
	values.criteria = rubric.criteria
		.map((c) => {
			const redLine = c.redLine && c.passMin !== undefined ? ` [${s.redLine(c.passMin)}]` : '';
			const about = c.description ? `: ${c.description}` : '';
			const answer = c.categories ? s.criterionLabels(c.categories) : s.criterionScale(c.scale.min, c.scale.max);
			return `- ${c.id} — ${c.name} (${answer})${redLine}${about}`;
		})
		.join('\n');
	if (rubric.output.kind === 'score') {
		values.scale_min = String(rubric.output.scale.min);
		values.scale_max = String(rubric.output.scale.max);
	} else values.categories = rubric.output.categories.join(', ');
	return values;
}

/**
 * What rendering takes from a rubric alone, the same for every item: worked out once per run
 * (`prepareRubric`) instead of per judgment. A judge run renders over a thousand prompts a second
 * on a small machine, and most of a prompt (instructions, rubric, examples) is this part.
 */
export interface PreparedRubric {
	readonly rubric: RubricContent;
	readonly strings: RenderStrings;
	readonly templateNames: ReadonlySet<string>;
	readonly rubricValues: Readonly<Record<string, string>>;
	/** `,` + the canonical JSON of each example text: the constant end of the fence tag's input. */
	readonly examplesJson: string;
	/** The examples block for a fence tag. */
	readonly examples: (tag: string) => string;
	/** Placeholders alone on a template line (system, then user): tidyTemplate drops them when empty. */
	readonly loneNames: readonly string[];
	/** The templates tidied for the lone placeholders that render empty (by which ones), compiled. */
	readonly tidied: Map<string, { system: CompiledTemplate; user: CompiledTemplate }>;
	/** The last system message and its JSON string: usually the same text for every judgment. */
	lastSystem: { content: string; json: string } | null;
}

/** A template split at its placeholders: literals[0] name[0] literals[1] … literals[n]. */
interface CompiledTemplate {
	literals: string[];
	names: string[];
}

const PLACEHOLDER_SPLIT = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/;
const LINE_ONLY_PLACEHOLDER = /^\s*\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}\s*$/;

function compileTemplate(template: string): CompiledTemplate {
	// split with a capturing group: literal, name, literal, name, …, literal.
	const parts = template.split(PLACEHOLDER_SPLIT);
	return { literals: parts.filter((_, i) => i % 2 === 0), names: parts.filter((_, i) => i % 2 === 1) };
}

/** fillTemplate on a compiled template: the same text, and the same error for a name without a value. */
function fillCompiled(t: CompiledTemplate, values: Record<string, string>): string {
	let out = t.literals[0];
	for (let i = 0; i < t.names.length; i++) {
		const value = values[t.names[i]];
		if (value === undefined) throw new Error(`template placeholder {{${t.names[i]}}} has no value`);
		out += value + t.literals[i + 1];
	}
	return out;
}

/** Stands for the fence tag in the examples block rendered once (never in real text: checked). */
const TAG_SLOT = '\u0000fence-tag\u0000';

export function prepareRubric(rubric: RubricContent): PreparedRubric {
	const strings = RENDER_STRINGS[rubric.locale];
	const examplesTexts = rubric.examples.flatMap((ex) =>
		[ex.question, ex.reference, ex.answer, ex.answerA, ex.answerB].filter((x): x is string => x != null)
	);
	// The examples block differs between prompts only by the tag: rendered once with a slot for it,
	// unless the slot's text could be confused with the examples' own (then per prompt, as before).
	const slotted = renderExamples(rubric, TAG_SLOT, strings).split(TAG_SLOT);
	const probe = 'f00dfacade';
	const examples =
		slotted.join(probe) === renderExamples(rubric, probe, strings)
			? (tag: string) => slotted.join(tag)
			: (tag: string) => renderExamples(rubric, tag, strings);
	return {
		rubric,
		strings,
		templateNames: new Set([...placeholdersIn(rubric.templates.system), ...placeholdersIn(rubric.templates.user)]),
		rubricValues: rubricValues(rubric, strings),
		examplesJson: examplesTexts.map((text) => `,${JSON.stringify(text)}`).join(''),
		examples,
		loneNames: [rubric.templates.system, rubric.templates.user].flatMap((template) =>
			template
				.split('\n')
				.map((line) => LINE_ONLY_PLACEHOLDER.exec(line)?.[1])
				.filter((name): name is string => name !== undefined)
		),
		tidied: new Map(),
		lastSystem: null
	};
}

/** The templates without the lines whose lone placeholder renders empty, compiled; cached per pattern. */
function tidiedTemplates(p: PreparedRubric, values: Record<string, string>) {
	const { system, user } = p.rubric.templates;
	let key = '';
	for (const name of p.loneNames) key += values[name] === '' ? '0' : '1';
	let t = p.tidied.get(key);
	if (!t) {
		t = {
			system: compileTemplate(tidyTemplate(system, values)),
			user: compileTemplate(tidyTemplate(user, values))
		};
		p.tidied.set(key, t);
	}
	return t;
}

/** The canonical JSON (content-hash.ts) of a rendered message list, its system message's JSON reused. */
function messagesJsonOf(p: PreparedRubric, messages: ChatMessage[]): string {
	let json = '[';
	for (let i = 0; i < messages.length; i++) {
		const m = messages[i];
		let content: string;
		if (m.role === 'system' && p.lastSystem?.content === m.content) content = p.lastSystem.json;
		else {
			content = JSON.stringify(m.content);
			if (m.role === 'system') p.lastSystem = { content: m.content, json: content };
		}
		json += `${i > 0 ? ',' : ''}{"content":${content},"role":${JSON.stringify(m.role)}}`;
	}
	return `${json}]`;
}

/**
 * Render the prompt for one judgment. Never throws on bad data: it says why it cannot render.
 * `prepared` (prepareRubric of the same rubric) saves the per-rubric work when rendering many.
 */
export function renderPrompt(input: RenderInput, prepared?: PreparedRubric): RenderResult {
	const { rubric, item } = input;
	const p = prepared ?? prepareRubric(rubric);
	const order = input.order ?? 'ab';
	const s = p.strings;
	const expected = rubric.mode === 'pairwise' ? 2 : 1;
	if (input.answers.length !== expected) {
		return { ok: false, reason: `a ${rubric.mode} rubric needs ${expected} answer(s), got ${input.answers.length}` };
	}
	const shown = rubric.mode === 'pairwise' && order === 'ba' ? [input.answers[1], input.answers[0]] : input.answers;
	const users = userTurns(item);
	if (users.length === 0) return { ok: false, reason: 'the item has no prompt text' };
	const last = users.length - 1;
	const t = input.turn ?? last;
	if (!Number.isInteger(t) || t < 0 || t > last) {
		return { ok: false, reason: `turn ${t} does not exist: the item has ${users.length} user turn(s)` };
	}
	const replies = shown.map((a) => replyAt(a, t, last));
	if (replies.some((r) => r == null)) {
		return { ok: false, reason: `an answer has no reply to turn ${t + 1}` };
	}
	const reference = item.referenceTurns?.[t] ?? (t === last ? item.reference : null) ?? null;
	if (rubric.usesReference && reference == null) {
		return { ok: false, reason: `the rubric uses a reference answer, and the item has none for turn ${t + 1}` };
	}
	const context =
		t > 0 || item.conversation?.some((m) => m.role === 'system') ? transcript(item, shown, t, last, s) : '';

	// Everything fenced in this prompt, hashed into the tag before any fence is written: the
	// canonical JSON of [question, replies…, reference, context, example texts…] (fence.ts).
	const fenced = [users[t], ...(replies as string[]), reference ?? '', context];
	const tag = fenceTagOf(`[${fenced.map((x) => JSON.stringify(x)).join(',')}${p.examplesJson}]`);

	const conversationSection = context ? `${s.conversationHeading}\n${fence('CONVERSATION', context, tag)}` : '';
	let question = fence('QUESTION', users[t], tag);
	// A template without {{conversation}} still gets the context: right before the question.
	if (conversationSection && !p.templateNames.has('conversation')) question = `${conversationSection}\n\n${question}`;

	const values: Record<string, string> = {
		...p.rubricValues,
		question,
		conversation: conversationSection,
		reference: reference != null ? fence('REFERENCE', reference, tag) : '',
		examples: p.examples(tag)
	};
	if (rubric.mode === 'pairwise') {
		values.answer_a = fence('ANSWER_A', replies[0] as string, tag);
		values.answer_b = fence('ANSWER_B', replies[1] as string, tag);
	} else values.answer = fence('ANSWER', replies[0] as string, tag);

	const templates = tidiedTemplates(p, values);
	const messages: ChatMessage[] = [];
	const system = fillCompiled(templates.system, values).trim();
	if (system) messages.push({ role: 'system', content: system });
	messages.push({ role: 'user', content: fillCompiled(templates.user, values).trim() });
	const messagesJson = messagesJsonOf(p, messages);
	return { ok: true, messages, messagesJson, promptHash: `sha256:${sha256Hex(messagesJson)}`, turn: t, tag };
}

function renderExamples(rubric: RubricContent, tag: string, s: RenderStrings): string {
	if (rubric.examples.length === 0) return '';
	const blocks = rubric.examples.map((ex, i) => {
		const n = i + 1;
		const parts = [`${s.example(n)}`, s.question, fence(`EXAMPLE_${n}_QUESTION`, ex.question, tag)];
		if (ex.reference != null) parts.push(s.reference, fence(`EXAMPLE_${n}_REFERENCE`, ex.reference, tag));
		if (rubric.mode === 'pairwise') {
			parts.push(s.answerA, fence(`EXAMPLE_${n}_ANSWER_A`, ex.answerA ?? '', tag));
			parts.push(s.answerB, fence(`EXAMPLE_${n}_ANSWER_B`, ex.answerB ?? '', tag));
		} else parts.push(s.answer, fence(`EXAMPLE_${n}_ANSWER`, ex.answer ?? '', tag));
		parts.push(`${s.assessment}${ex.explanation}`.trim(), exampleVerdict(rubric, ex, s));
		return parts.join('\n');
	});
	return `${s.examplesHeading}\n\n${blocks.join('\n\n')}`;
}

/**
 * Drop template lines holding only a placeholder that renders empty (no examples, no earlier
 * turns), then collapse the blank lines left behind. Works on the template, never on the filled
 * text, so untrusted text keeps its exact whitespace.
 */
function tidyTemplate(template: string, values: Record<string, string>): string {
	const kept = template.split('\n').filter((line) => {
		const only = /^\s*\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}\s*$/.exec(line);
		return !only || values[only[1]] !== '';
	});
	return kept.join('\n').replace(/\n{3,}/g, '\n\n');
}
