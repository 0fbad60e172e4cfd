/**
 * Flags for answers aimed at the judge rather than the user. Answers are adversarial input: a
 * model (or a person gaming a leaderboard) can write to the judge — "ignore the rubric", a
 * ready-made "[[A]]", a fake end-of-answer marker — or give one canned answer to every prompt
 * (the null-model attack: Zheng et al., "Cheating Automatic LLM Benchmarks: Null Models Achieve
 * High Win Rates", ICLR 2025). Flags never change a verdict; they are stored beside it so the
 * analysis can exclude flagged answers. Patterns cover English and Chinese.
 */
import { sha256Hex } from './content-hash';
import { FENCE_MARKER } from './fence';

export type AnswerFlagKind = 'judge-instructions' | 'fake-verdict' | 'template-escape' | 'null-model';

export interface AnswerFlag {
	kind: AnswerFlagKind;
	reason: string;
	/** The matched text with a little context, for display (plain text, never HTML). */
	excerpt: string;
}

const JUDGE_WORDS = String.raw`(?:judge|grader|evaluator|reviewer|assessor|rater|scorer|评委|裁判|评审|评分员|评估者|打分者|阅卷)`;

const RULES: { kind: AnswerFlagKind; reason: string; pattern: RegExp }[] = [
	{
		kind: 'judge-instructions',
		reason: 'tells the reader to ignore its instructions or rubric',
		pattern:
			/\b(?:ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}?\b(?:instructions?|rubric|guidelines?|rules|criteria|(?:system )?prompt)\b/i
	},
	{
		kind: 'judge-instructions',
		reason: 'addresses the judge directly',
		pattern: new RegExp(
			String.raw`(?:\b(?:dear|attention|note (?:to|for)|hey|as the|to the)\s+(?:ai\s+|llm\s+)?${JUDGE_WORDS}|(?:作为|亲爱的|致|各位)\s*${JUDGE_WORDS})`,
			'i'
		)
	},
	{
		kind: 'judge-instructions',
		reason: 'asks for a particular score or verdict',
		pattern:
			/\b(?:you (?:must|should|will|are required to)|please|make sure to)\s+(?:give|rate|score|grade|award|assign|output|respond with|prefer|choose|select)\b[^.\n]{0,30}?(?:\b10\b|\bhighest\b|\bperfect\b|\bfull marks\b|\bmaximum\b|\bthis (?:answer|response)\b|\[\[)/i
	},
	{
		kind: 'judge-instructions',
		reason: 'tells the reader to ignore its instructions or rubric',
		pattern:
			/(?:忽略|无视|忽视|不要理会|别管|不用管)[^。\n]{0,20}?(?:指令|指示|评分标准|评判标准|规则|要求|提示词|标准)/
	},
	{
		kind: 'judge-instructions',
		reason: 'asks for a particular score or verdict',
		pattern:
			/(?:请|必须|务必|一定要|应该)\s*(?:给|打|评)\s*(?:我|这个回答|本回答|此回答|该回答)?\s*(?:打|评)?\s*(?:满分|10\s*分|最高分|\[\[)/
	},
	{
		kind: 'fake-verdict',
		reason: 'contains a verdict marker in the judge output format',
		// Not after an identifier: `a[[0]]` is array indexing, not a verdict.
		pattern: /(?<![\w\]])\[\[\s*(?:A|B|C|tie|ABSTAIN|\d+(?:\.\d+)?(?:\s*\/\s*\d+)?)\s*\]\]/i
	},
	{
		kind: 'fake-verdict',
		reason: 'contains a ready-made verdict or score line',
		pattern:
			/(?:\b(?:final verdict|final (?:score|rating)|verdict)\s*[:：]|"(?:score|rating|verdict|winner)"\s*:\s*(?:"?[AB]"?|\d+)|(?:最终评分|最终得分|最终结论|评分结果)\s*[:：])/i
	},
	{
		kind: 'template-escape',
		reason: 'contains a prompt fence marker',
		pattern: FENCE_MARKER
	},
	{
		kind: 'template-escape',
		reason: 'contains chat-template or role markers',
		pattern:
			/<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id)\|>|\[\/?INST\]|<<\/?SYS>>|<\/?(?:system|instructions?|answer|response)>|^\s*(?:#{1,4}\s*)?(?:system|new instructions?)\s*[:：]|^\s*系统\s*[:：]/im
	},
	{
		kind: 'template-escape',
		reason: 'pretends the answer has ended',
		pattern:
			/\[\s*(?:the\s+)?end of (?:the\s+)?(?:assistant(?:'s)?|answer|response|conversation)[^\]\n]{0,40}\]|(?:回答|答案)(?:到此|已)?结束[\]】]|\b(?:end of (?:answer|response))\b\s*[-=*#]{2,}/i
	}
];

/** Flag one answer's text. Score lines like "score: 10/10" count only with the judge addressed. */
export function flagAnswer(text: string): AnswerFlag[] {
	const normalised = text.normalize('NFKC');
	const flags: AnswerFlag[] = [];
	const seen = new Set<string>();
	for (const rule of RULES) {
		const match = rule.pattern.exec(normalised);
		if (!match || seen.has(rule.reason)) continue;
		seen.add(rule.reason);
		flags.push({ kind: rule.kind, reason: rule.reason, excerpt: excerpt(normalised, match.index, match[0].length) });
	}
	// "score: 10/10" is ordinary in a review of a film; aimed at a judge it is a planted verdict.
	const scoreLine = /(?:\b(?:score|rating|grade)|评分|得分)\s*[:：]\s*\d+(?:\.\d+)?\s*\/\s*\d+/i.exec(normalised);
	if (
		scoreLine &&
		new RegExp(JUDGE_WORDS, 'i').test(normalised) &&
		!seen.has('contains a ready-made verdict or score line')
	) {
		flags.push({
			kind: 'fake-verdict',
			reason: 'contains a score line addressed to the judge',
			excerpt: excerpt(normalised, scoreLine.index, scoreLine[0].length)
		});
	}
	return flags;
}

function excerpt(text: string, index: number, length: number): string {
	const start = Math.max(0, index - 30);
	const end = Math.min(text.length, index + length + 30);
	return `${start > 0 ? '…' : ''}${text.slice(start, end).replace(/\s+/g, ' ')}${end < text.length ? '…' : ''}`;
}

export interface NullModelOptions {
	/** Distinct prompts one answer must appear under to be flagged (default 3). */
	minItems?: number;
	/** Shorter normalised answers are ignored: "Yes" or "4" may honestly repeat (default 20). */
	minChars?: number;
}

/** Whitespace-, case- and width-insensitive hash of an answer's text. */
export function normalisedAnswerHash(text: string): string {
	return sha256Hex(text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim());
}

/**
 * The null-model attack over a set of answers: one identical answer given to many different
 * prompts. Returns a flag per answer id that belongs to such a group.
 */
export function flagNullModel(
	answers: { id: string; itemId: string; text: string }[],
	options: NullModelOptions = {}
): Map<string, AnswerFlag> {
	const minItems = options.minItems ?? 3;
	const minChars = options.minChars ?? 20;
	const groups = new Map<string, { ids: string[]; items: Set<string>; text: string }>();
	for (const answer of answers) {
		const size = answer.text.replace(/\s+/g, ' ').trim().length;
		if (size < minChars) continue;
		const key = normalisedAnswerHash(answer.text);
		const group = groups.get(key) ?? { ids: [], items: new Set<string>(), text: answer.text };
		group.ids.push(answer.id);
		group.items.add(answer.itemId);
		groups.set(key, group);
	}
	const flags = new Map<string, AnswerFlag>();
	for (const [key, group] of groups) {
		if (group.items.size < minItems) continue;
		const flag: AnswerFlag = {
			kind: 'null-model',
			reason: `the same answer (sha256:${key.slice(0, 12)}…) was given to ${group.items.size} different prompts`,
			excerpt: excerpt(group.text, 0, Math.min(group.text.length, 60))
		};
		for (const id of group.ids) flags.set(id, flag);
	}
	return flags;
}
