/**
 * Reading a verdict from a judge's reply. Order of trust:
 *   1. the whole reply is JSON (structured output, possibly code-fenced)      method 'json'
 *   2. the last verdict-shaped JSON object inside prose or a code fence        'json-in-text'
 *   3. the last `[[…]]` marker: [[A]], [[B]], [[C]] (tie), [[7]], [[ABSTAIN]]  'marker'
 *   4. the last labelled verdict: "Rating: 7", "Final verdict: B", "评分：7"   'labelled'
 *   5. verdict words: "Assistant A is better", "A更好", "平局", "打8分"          'words'
 *   6. a final line that is only a score ("8/10", "**8**")                      'final-line'
 * The LAST match wins because judges reason first and conclude last ("[[A]] would mean…, so
 * my verdict is [[B]]"). A reply that declines ("cannot judge", "无法判断") with no verdict is
 * an abstention. Anything else — no verdict, a score off the scale, a score on another scale —
 * is `{ ok: false, reason, raw }`: kept, never guessed.
 * Full-width forms (［［Ａ］］, ８, ：) are folded to ASCII (NFKC) before matching.
 */
import { embeddedJsonObjects, wholeJson } from './json-candidates';
import type { ParsedVerdict, ParseMethod, ParseSuccess, PairwiseWinner, RubricContent, ScoreScale } from './types';

type Verdictish = ParseSuccess | { ok: false; reason: string };

const fail = (reason: string, raw: string): ParsedVerdict => ({ ok: false, reason, raw });
const NUMBER = String.raw`(\d+(?:\.\d+)?)`;

/** Last match of a global regex, or null. */
function lastMatch(text: string, pattern: RegExp): RegExpExecArray | null {
	let last: RegExpExecArray | null = null;
	for (const m of text.matchAll(pattern)) last = m as RegExpExecArray;
	return last;
}

/** "A", "Assistant B", "tie", "C", "平局"… → a winner in presented positions, else null. */
export function winnerFromWord(word: string): PairwiseWinner | 'abstain' | null {
	const w = word
		.trim()
		.toLowerCase()
		.replace(/^(?:assistant|answer|response|model|output|回答|助手|模型|an?(?=\s))\s*/, '');
	if (w === 'a' || w === 'a更好') return 'A';
	if (w === 'b' || w === 'b更好') return 'B';
	if (['c', 'tie', 'draw', 'equal', 'both', 'neither', 'same', '平局', '平手', '相当', '两者相当', '持平'].includes(w))
		return 'tie';
	if (['abstain', 'none', 'cannot judge', '弃权', '无法判断'].includes(w)) return 'abstain';
	return null;
}

const ABSTAIN_PHRASES = new RegExp(
	[
		String.raw`\b(?:cannot|can't|can not|unable to|not able to|won't)\s+(?:reliably\s+)?(?:judge|evaluate|assess|rate|score|determine|compare|decide)`,
		String.raw`\bI (?:must |will )?(?:abstain|decline to (?:judge|rate|evaluate))`,
		String.raw`\bnot possible to (?:judge|evaluate|assess|rate)`,
		String.raw`无法(?:判断|评判|评估|评价|评分|打分|比较|确定)`,
		String.raw`不能(?:判断|评判|评估|评分)`,
		String.raw`弃权`
	].join('|'),
	'i'
);

function scaleText(scale: ScoreScale) {
	return `${scale.min}–${scale.max}`;
}

/** A number (or "7", "7/10") as a score on `scale`, or a reason it is not one. */
function readScore(value: unknown, scale: ScoreScale, what = 'score'): number | { reason: string } {
	let n: number;
	let outOf: number | null = null;
	if (typeof value === 'number') n = value;
	else if (typeof value === 'string') {
		const m = /^\s*(-?\d+(?:\.\d+)?)\s*(?:\/\s*(\d+(?:\.\d+)?))?\s*(?:分)?\s*$/.exec(value.normalize('NFKC'));
		if (!m) return { reason: `${what} "${value}" is not a number` };
		n = Number(m[1]);
		outOf = m[2] ? Number(m[2]) : null;
	} else return { reason: `${what} is ${value === null ? 'null' : `a ${typeof value}`}, not a number` };
	if (!Number.isFinite(n)) return { reason: `${what} is not a finite number` };
	if (outOf !== null && outOf !== scale.max) {
		return { reason: `${what} ${n}/${outOf} is on another scale than ${scaleText(scale)}` };
	}
	if (n < scale.min || n > scale.max) return { reason: `${what} ${n} is off the scale ${scaleText(scale)}` };
	return n;
}

/** Wrapping a label may come in: quotes, brackets, emphasis (ASCII after NFKC, and CJK forms). */
const LABEL_WRAP = /^[\s"'`*_[(“”‘’「」『』《》【】〔〕]+|[\s"'`*_\])“”‘’「」『』《》【】〔〕.。!！,，;；:：]+$/gu;
const normLabel = (text: string) => text.normalize('NFKC').replace(LABEL_WRAP, '').trim().toLowerCase();

/**
 * A label given for a categorical criterion, as the index of one of its `labels`, or a reason.
 * Tolerant of case, full-width forms, quotes and brackets (ASCII or CJK: 「正式」, “formal”) and
 * trailing punctuation; a label followed by more words ("formal, mostly", "正式（略显生硬）")
 * counts when one label leads the text (the longest one, so "semi-formal" is not "semi"). A
 * number or any other text is refused: an off-list label is never mapped to the nearest one.
 */
export function readLabel(value: unknown, labels: string[], what = 'label'): number | { reason: string } {
	const list = labels.join(', ');
	if (typeof value !== 'string') {
		const shown = value === null ? 'null' : typeof value === 'number' ? String(value) : `a ${typeof value}`;
		return { reason: `${what} is ${shown}, not one of its labels ${list}` };
	}
	const text = normLabel(value);
	const norms = labels.map(normLabel);
	const exact = norms.indexOf(text);
	if (exact >= 0 && text !== '') return exact;
	let best = -1;
	norms.forEach((label, i) => {
		if (label === '' || !text.startsWith(label)) return;
		const next = text.charAt(label.length);
		// "formality" is not "formal"; after a CJK label ("正式的") the next character is not a word joint.
		if (/[a-z0-9]/.test(next) && /[a-z0-9]/.test(label.slice(-1))) return;
		if (best < 0 || label.length > norms[best].length) best = i;
	});
	if (best >= 0) return best;
	return { reason: `${what} "${value}" is not one of its labels ${list}` };
}

/** A criterion's value: a score on its scale, or (categorical) its label's index. */
function readCriterion(value: unknown, c: RubricContent['criteria'][number]): number | { reason: string } {
	return c.categories
		? readLabel(value, c.categories, `criterion "${c.id}"`)
		: readScore(value, c.scale, `criterion "${c.id}"`);
}

/**
 * Mean of the numeric criterion scores, each mapped linearly onto the rubric's scale. A
 * categorical criterion's value is a label's index, not an amount, so it takes no part.
 */
export function overallFromCriteria(rubric: RubricContent, scores: Record<string, number>): number {
	const out = rubric.output.kind === 'score' ? rubric.output.scale : { min: 0, max: 1 };
	const mapped = rubric.criteria
		.filter((c) => !c.categories)
		.map((c) => {
			const share = (scores[c.id] - c.scale.min) / (c.scale.max - c.scale.min);
			return out.min + share * (out.max - out.min);
		});
	return mapped.reduce((a, b) => a + b, 0) / mapped.length;
}

function pickKey(obj: Record<string, unknown>, keys: string[]): unknown {
	const lower = new Map(Object.keys(obj).map((k) => [k.toLowerCase(), k]));
	for (const key of keys) {
		const found = lower.get(key.toLowerCase());
		if (found !== undefined) return obj[found];
	}
	return undefined;
}

const REASONING_KEYS = [
	'reasoning',
	'explanation',
	'rationale',
	'reason',
	'analysis',
	'comment',
	'理由',
	'评语',
	'解释'
];
const VERDICT_KEYS = [
	'verdict',
	'winner',
	'better',
	'better_answer',
	'choice',
	'preference',
	'result',
	'结论',
	'判断',
	'胜者'
];
const SCORE_KEYS = ['score', 'rating', 'grade', 'overall', 'overall_score', 'final_score', '评分', '得分', '分数'];

/**
 * Interpret one JSON object. Null when it does not look like a verdict at all (so the parser
 * keeps looking); a failure when it is a verdict but an invalid one (never re-read another way).
 */
function fromJson(rubric: RubricContent, obj: Record<string, unknown>, method: ParseMethod): Verdictish | null {
	const reasoningValue = pickKey(obj, REASONING_KEYS);
	const reasoning = typeof reasoningValue === 'string' ? reasoningValue : null;
	if (obj.abstain === true || pickKey(obj, VERDICT_KEYS) === 'abstain') {
		return { ok: true, kind: 'abstain', reason: reasoning ?? 'the judge abstained' };
	}
	if (rubric.mode === 'pairwise') {
		const value = pickKey(obj, VERDICT_KEYS);
		if (value === undefined) return null;
		const winner = typeof value === 'string' ? winnerFromWord(value) : null;
		if (winner === null || winner === 'abstain')
			return { ok: false, reason: `verdict ${JSON.stringify(value)} is not A, B or tie` };
		return checkCategory(rubric, { ok: true, kind: 'pairwise', winner, method, reasoning });
	}
	if (rubric.output.kind === 'categories') {
		const value = pickKey(obj, ['category', 'label', 'verdict', 'result', '类别', '结论']);
		if (value === undefined) return null;
		return categoryResult(rubric, String(value), method, reasoning);
	}
	const scale = rubric.output.scale;
	if (rubric.criteria.length > 0) {
		const nested = pickKey(obj, ['scores', 'criteria', 'ratings', '评分']);
		const source = nested && typeof nested === 'object' ? (nested as Record<string, unknown>) : obj;
		const present = rubric.criteria.filter((c) => pickKey(source, [c.id, c.name]) !== undefined);
		if (present.length === 0) return null;
		const criteria: Record<string, number> = {};
		for (const c of rubric.criteria) {
			const value = pickKey(source, [c.id, c.name]);
			if (value === undefined) return { ok: false, reason: `criterion "${c.id}" has no score` };
			const score = readCriterion(value, c);
			if (typeof score !== 'number') return { ok: false, reason: score.reason };
			criteria[c.id] = score;
		}
		return { ok: true, kind: 'score', score: overallFromCriteria(rubric, criteria), criteria, method, reasoning };
	}
	const value = pickKey(obj, SCORE_KEYS);
	if (value === undefined) return null;
	const score = readScore(value, scale);
	if (typeof score !== 'number') return { ok: false, reason: score.reason };
	return { ok: true, kind: 'score', score, criteria: {}, method, reasoning };
}

function checkCategory(rubric: RubricContent, verdict: Extract<ParseSuccess, { kind: 'pairwise' }>): Verdictish {
	if (rubric.output.kind === 'categories' && !rubric.output.categories.includes(verdict.winner)) {
		return {
			ok: false,
			reason: `verdict ${verdict.winner} is not allowed by this rubric (${rubric.output.categories.join(', ')})`
		};
	}
	return verdict;
}

function categoryResult(
	rubric: RubricContent,
	value: string,
	method: ParseMethod,
	reasoning: string | null
): Verdictish {
	const categories = rubric.output.kind === 'categories' ? rubric.output.categories : [];
	const category = categories.find((c) => c.toLowerCase() === value.trim().toLowerCase());
	if (!category) return { ok: false, reason: `"${value}" is not one of the categories ${categories.join(', ')}` };
	return { ok: true, kind: 'category', category, method, reasoning };
}

/* ---------------------------------------------------------------- text forms */

const MARKER = /\[\[\s*([^[\]\n]{1,40}?)\s*\]\]/g;

function pairwiseFromText(rubric: RubricContent, text: string): Verdictish | null {
	const marker = lastMatch(text, MARKER);
	if (marker) {
		const winner = winnerFromWord(marker[1]);
		if (winner === 'abstain') return { ok: true, kind: 'abstain', reason: reasonAround(text) };
		if (winner) return checkCategory(rubric, { ok: true, kind: 'pairwise', winner, method: 'marker', reasoning: null });
	}
	const labelled = lastMatch(
		text,
		/(?:final verdict|verdict|winner|decision|better (?:answer|response)|结论|最终结论|最终判断|判断|裁决|胜者)\s*(?:is|为|是)?\s*[:：]?\s*[*_"'`[(]*\s*((?:assistant|answer|response|回答|助手)?\s*(?:(?:an?\s+)?(?:tie|draw)|平局|平手|两者相当|[ABC]))(?![A-Za-z])/gi
	);
	if (labelled) {
		const winner = winnerFromWord(labelled[1]);
		if (winner && winner !== 'abstain') {
			return checkCategory(rubric, { ok: true, kind: 'pairwise', winner, method: 'labelled', reasoning: null });
		}
	}
	// Each pattern captures the winning letter; the latest match across patterns wins.
	const words: RegExp[] = [
		/\b(?:assistant|answer|response|model)\s+([AB])\s+(?:is|was)\s+(?:clearly\s+|slightly\s+|much\s+)?(?:better|superior|preferred|the (?:better|winner|stronger))/gi,
		/\bI (?:would )?(?:prefer|choose|pick)\s+(?:assistant |answer |response )?([AB])\b/gi,
		/(?:回答|助手|模型)?\s*([AB])\s*(?:更好|更佳|更优|胜出|获胜|胜|较好|略好|更胜一筹)/g,
		/(?:选择|选)\s*(?:回答|助手)?\s*([AB])(?![A-Za-z])/g
	];
	let best: { index: number; winner: PairwiseWinner } | null = null;
	for (const pattern of words) {
		const m = lastMatch(text, pattern);
		if (m && (!best || m.index > best.index)) best = { index: m.index, winner: m[1].toUpperCase() as PairwiseWinner };
	}
	const tie = lastMatch(
		text,
		/\b(?:it(?:'s| is) a tie|(?:they are|both are|both answers are) (?:equally good|equally bad|equally (?:helpful|correct)|tied|of equal quality)|neither (?:answer |response )?is (?:clearly )?better)\b|平局|不相上下|打平|难分高下|两者相当|同样好|一样好/gi
	);
	if (tie && (!best || tie.index > best.index)) best = { index: tie.index, winner: 'tie' };
	if (best)
		return checkCategory(rubric, { ok: true, kind: 'pairwise', winner: best.winner, method: 'words', reasoning: null });
	return null;
}

function scoreFromText(rubric: RubricContent, text: string): Verdictish | null {
	if (rubric.output.kind !== 'score') return null;
	const scale = rubric.output.scale;
	const asScore = (value: string, method: ParseMethod): Verdictish => {
		const score = readScore(value, scale);
		if (typeof score !== 'number') return { ok: false, reason: score.reason };
		return { ok: true, kind: 'score', score, criteria: {}, method, reasoning: null };
	};
	const marker = lastMatch(text, MARKER);
	if (marker) {
		if (winnerFromWord(marker[1]) === 'abstain') return { ok: true, kind: 'abstain', reason: reasonAround(text) };
		if (/^-?\d+(?:\.\d+)?\s*(?:\/\s*\d+)?$/.test(marker[1])) return asScore(marker[1], 'marker');
	}
	const labelled = lastMatch(
		text,
		new RegExp(
			String.raw`(?:rating|score|grade|评分|得分|分数|打分|总分|最终评分|最终得分)\s*(?:is|of|为|是)?\s*[:：]?\s*[*_"'\x60\[(]*\s*(-?${NUMBER}\s*(?:\/\s*\d+)?)(?![\d.])(?!\s*(?:to|-|–|~|到|至)\s*\d)`,
			'gi'
		)
	);
	if (labelled) return asScore(labelled[1], 'labelled');
	const zhWords = lastMatch(text, new RegExp(String.raw`(?:打|给出?|评为?|得)\s*了?\s*${NUMBER}\s*分`, 'g'));
	if (zhWords) return asScore(zhWords[1], 'words');
	const lines = text
		.split('\n')
		.map((l) => l.trim())
		.filter(Boolean);
	const finalLine = /^[*_\s]*(-?\d+(?:\.\d+)?\s*(?:\/\s*\d+)?)\s*(?:分)?[*_.\s]*$/.exec(lines[lines.length - 1] ?? '');
	if (finalLine) return asScore(finalLine[1], 'final-line');
	return null;
}

function criteriaFromText(rubric: RubricContent, text: string): Verdictish | null {
	const criteria: Record<string, number> = {};
	const missing: string[] = [];
	for (const c of rubric.criteria) {
		const names = [c.id, c.name].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
		// A categorical criterion's value is the rest of the line, up to a separator ("tone: formal, …").
		const value = c.categories ? String.raw`([^\n,;，；。]+)` : String.raw`[*_\[]*\s*(-?\d+(?:\.\d+)?\s*(?:\/\s*\d+)?)`;
		const m = lastMatch(text, new RegExp(String.raw`(?:${names})[*_\s]*[:：=][ \t]*${value}`, 'gi'));
		if (!m) {
			missing.push(c.id);
			continue;
		}
		const score = readCriterion(m[1], c);
		if (typeof score !== 'number') return { ok: false, reason: score.reason };
		criteria[c.id] = score;
	}
	if (missing.length === rubric.criteria.length) return null;
	if (missing.length > 0) return { ok: false, reason: `no score for criteria ${missing.join(', ')}` };
	return {
		ok: true,
		kind: 'score',
		score: overallFromCriteria(rubric, criteria),
		criteria,
		method: 'labelled',
		reasoning: null
	};
}

function categoryFromText(rubric: RubricContent, text: string): Verdictish | null {
	const marker = lastMatch(text, MARKER);
	if (!marker) return null;
	if (winnerFromWord(marker[1]) === 'abstain') return { ok: true, kind: 'abstain', reason: reasonAround(text) };
	return categoryResult(rubric, marker[1], 'marker', null);
}

/** A short reason for an abstention: the reply's first sentence, capped. */
function reasonAround(text: string): string {
	const first =
		text
			.replace(/\[\[\s*abstain\s*\]\]/gi, '')
			.trim()
			.split(/(?<=[.!?。！？])\s*/)[0] ?? '';
	return (first || 'the judge abstained').slice(0, 300);
}

/** Parse one reply against a rubric. See the file comment for the forms and their order. */
export function parseVerdict(rubric: RubricContent, reply: string): ParsedVerdict {
	const raw = reply;
	const text = reply.normalize('NFKC').trim();
	if (text === '') return fail('empty reply', raw);
	const finish = (v: Verdictish): ParsedVerdict => (v.ok ? v : fail(v.reason, raw));

	const whole = wholeJson(text);
	if (whole && typeof whole === 'object' && !Array.isArray(whole)) {
		const v = fromJson(rubric, whole as Record<string, unknown>, 'json');
		if (v) return finish(v);
	}
	const objects = embeddedJsonObjects(text);
	for (let i = objects.length - 1; i >= 0; i--) {
		const v = fromJson(rubric, objects[i], 'json-in-text');
		if (v) return finish(v);
	}
	let v: Verdictish | null;
	if (rubric.mode === 'pairwise') v = pairwiseFromText(rubric, text);
	else if (rubric.output.kind === 'categories') v = categoryFromText(rubric, text);
	else if (rubric.criteria.length > 0) v = criteriaFromText(rubric, text);
	else v = scoreFromText(rubric, text);
	if (v) return finish(v);
	if (ABSTAIN_PHRASES.test(text)) return { ok: true, kind: 'abstain', reason: reasonAround(text) };
	return fail(`no ${rubric.mode === 'pairwise' ? 'verdict (A, B or tie)' : 'score'} found in the reply`, raw);
}
