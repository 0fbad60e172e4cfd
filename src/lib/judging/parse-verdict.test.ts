import { describe, expect, it } from 'vitest';
import { parseVerdict } from './parse-verdict';
import {
	criteria5,
	criteria5Zh,
	criteriaTone,
	criteriaToneZh,
	pairwise,
	pairwiseNoTie,
	passFail,
	score10
} from './test-rubrics';
import type { ParsedVerdict, RubricContent } from './types';

type Expect =
	| { winner: 'A' | 'B' | 'tie'; method?: string }
	| { score: number; method?: string; criteria?: Record<string, number> }
	| { category: string }
	| { abstain: true }
	| { fail: RegExp };

/** The corpus: realistic judge replies (English and Chinese), each with what it must parse to. */
const corpus: [string, RubricContent, string, Expect][] = [
	// ---- pairwise markers
	[
		'MT-Bench style final marker',
		pairwise,
		'Assistant A gives the correct derivation while B skips a step.\n\n[[A]]',
		{ winner: 'A', method: 'marker' }
	],
	[
		'marker B',
		pairwise,
		'Both are fluent, but B actually answers the question.\nFinal verdict: [[B]]',
		{ winner: 'B', method: 'marker' }
	],
	[
		'[[C]] is a tie',
		pairwise,
		'Neither answer is better than the other in any way that matters. [[C]]',
		{ winner: 'tie' }
	],
	['[[tie]] spelled out', pairwise, 'They are equivalent. [[tie]]', { winner: 'tie' }],
	[
		'echoed instructions then verdict: last wins',
		pairwise,
		'I must output [[A]] if A is better, [[B]] if B is better, [[C]] for a tie.\nAfter comparing: A has an error in step 2.\n[[B]]',
		{ winner: 'B', method: 'marker' }
	],
	['marker with spaces', pairwise, 'Verdict: [[ A ]]', { winner: 'A' }],
	['full-width brackets', pairwise, '综合来看，回答 B 更准确。\n［［B］］', { winner: 'B', method: 'marker' }],
	['markdown bold around marker', pairwise, '**Final verdict:** **[[A]]**', { winner: 'A' }],
	['marker [[Assistant B]]', pairwise, 'My decision: [[Assistant B]]', { winner: 'B' }],
	['Chinese marker tie', pairwise, '两个回答都正确，表达也都清楚。\n[[C]]', { winner: 'tie' }],
	['marker 平局', pairwise, '结论：[[平局]]', { winner: 'tie' }],
	[
		'tie refused when rubric has no tie',
		pairwiseNoTie,
		'Both are the same. [[C]]',
		{ fail: /not allowed by this rubric/ }
	],
	// ---- pairwise labelled and words
	[
		'labelled without brackets',
		pairwise,
		'Assistant B hallucinates a citation.\nFinal verdict: A',
		{ winner: 'A', method: 'labelled' }
	],
	['labelled "winner is"', pairwise, 'Winner: Assistant B', { winner: 'B', method: 'labelled' }],
	['labelled tie', pairwise, 'Verdict: tie — both answers miss the edge case.', { winner: 'tie', method: 'labelled' }],
	[
		'labelled "is a tie": the article is not answer A',
		pairwise,
		'Both miss the point, so my final verdict is a tie.',
		{ winner: 'tie', method: 'labelled' }
	],
	['labelled single bracket', pairwise, 'Final verdict: [B]', { winner: 'B' }],
	[
		'English words',
		pairwise,
		'Overall, Assistant A is clearly better because it handles negative inputs.',
		{ winner: 'A', method: 'words' }
	],
	[
		'English words, response',
		pairwise,
		'Response B is better: it is shorter and still correct.',
		{ winner: 'B', method: 'words' }
	],
	['prefer', pairwise, 'Weighing correctness over style, I prefer B.', { winner: 'B', method: 'words' }],
	['English tie words', pairwise, 'Both have the same bug; it is a tie.', { winner: 'tie', method: 'words' }],
	['neither is better', pairwise, 'A is wordier, B is terser; neither is better overall.', { winner: 'tie' }],
	['Chinese A更好', pairwise, '回答A的推导完整，B漏掉了边界条件，所以A更好。', { winner: 'A', method: 'words' }],
	['Chinese 助手B更优', pairwise, '综合考虑，助手B更优。', { winner: 'B' }],
	['Chinese 平局', pairwise, '两个回答质量接近，平局。', { winner: 'tie' }],
	['Chinese 不相上下', pairwise, '二者不相上下。', { winner: 'tie' }],
	['Chinese labelled 结论', pairwise, '分析……\n结论：B', { winner: 'B', method: 'labelled' }],
	['Chinese 选择', pairwise, '我选择A，因为它的答案正确。', { winner: 'A' }],
	['Chinese B胜出', pairwise, '最终 B 胜出。', { winner: 'B' }],
	// ---- pairwise JSON
	[
		'structured JSON',
		pairwise,
		'{"reasoning": "A is correct.", "abstain": false, "verdict": "A"}',
		{ winner: 'A', method: 'json' }
	],
	[
		'structured JSON tie',
		pairwise,
		'{"reasoning":"same","abstain":false,"verdict":"tie"}',
		{ winner: 'tie', method: 'json' }
	],
	[
		'JSON in a code fence',
		pairwise,
		'```json\n{"winner": "B", "explanation": "B cites the spec"}\n```',
		{ winner: 'B', method: 'json' }
	],
	[
		'JSON inside prose',
		pairwise,
		'Here is my judgment:\n{"verdict": "B", "reason": "A is off-topic"}\nThanks.',
		{ winner: 'B', method: 'json-in-text' }
	],
	[
		'JSON with braces in strings',
		pairwise,
		'Result: {"explanation": "A uses {curly} templates wrongly", "verdict": "B"}',
		{ winner: 'B', method: 'json-in-text' }
	],
	['JSON winner as Assistant A', pairwise, '{"winner": "Assistant A"}', { winner: 'A' }],
	['JSON "both" reads as a tie', pairwise, '{"verdict": "both"}', { winner: 'tie' }],
	['JSON bad verdict value', pairwise, '{"verdict": "maybe A"}', { fail: /not A, B or tie/ }],
	[
		'JSON abstain flag',
		pairwise,
		'{"reasoning": "The answers are images I cannot see.", "abstain": true, "verdict": null}',
		{ abstain: true }
	],
	// ---- pairwise abstain and failures
	['[[ABSTAIN]]', pairwise, 'The question is missing from the prompt. [[ABSTAIN]]', { abstain: true }],
	[
		'cannot judge in English',
		pairwise,
		'I cannot judge these answers: both are in a script I cannot read.',
		{ abstain: true }
	],
	[
		'unable to determine',
		pairwise,
		'Without the referenced file I am unable to determine which answer is right.',
		{ abstain: true }
	],
	['无法判断', pairwise, '问题内容缺失，无法判断哪个回答更好。', { abstain: true }],
	['no verdict at all', pairwise, 'Both answers discuss the topic at length.', { fail: /no verdict/ }],
	['empty reply', pairwise, '   ', { fail: /empty reply/ }],
	['refusal without verdict', pairwise, "I'm sorry, but I can't help with that.", { fail: /no verdict/ }],
	// ---- scores
	[
		'Rating [[7]]',
		score10,
		'The answer is correct but misses the second case.\nRating: [[7]]',
		{ score: 7, method: 'marker' }
	],
	['bare marker', score10, 'Good overall. [[9]]', { score: 9 }],
	['decimal marker', score10, 'Rating: [[7.5]]', { score: 7.5 }],
	['marker out of 10', score10, 'Rating: [[8/10]]', { score: 8 }],
	['marker on another scale', score10, 'Rating: [[4/5]]', { fail: /another scale/ }],
	['off-scale marker', score10, 'Outstanding! Rating: [[11]]', { fail: /off the scale 1–10/ }],
	['zero is off a 1–10 scale', score10, 'Rating: [[0]]', { fail: /off the scale/ }],
	['Score: 6/10', score10, 'Some errors.\nScore: 6/10', { score: 6, method: 'labelled' }],
	[
		'score of N',
		score10,
		'I would give this answer a score of 4 because it is mostly wrong.',
		{ score: 4, method: 'labelled' }
	],
	[
		'"score from 1 to 10" is not a score',
		score10,
		'On a score of 1 to 10 this is hard to place; I give it 5.\n5',
		{ score: 5, method: 'final-line' }
	],
	['bold rating', score10, '**Rating:** 8', { score: 8, method: 'labelled' }],
	['final line only number', score10, 'Clear, correct, complete.\n\n9', { score: 9, method: 'final-line' }],
	['final line bold with slash', score10, 'Thorough.\n**8/10**', { score: 8, method: 'final-line' }],
	['echoed [[N]] template then score', score10, 'Format: Rating: [[N]]\nRating: [[6]]', { score: 6 }],
	['Chinese 评分：[[7]]', score10, '回答基本正确，但缺少单位。\n评分：[[7]]', { score: 7, method: 'marker' }],
	['Chinese 评分：8', score10, '评分：8', { score: 8, method: 'labelled' }],
	['Chinese 得分 full-width', score10, '得分：９分', { score: 9, method: 'labelled' }],
	['Chinese 打8分', score10, '整体不错，我给这个回答打8分。', { score: 8, method: 'words' }],
	['Chinese 7分（满分10分）', score10, '我给出 7 分（满分10分）。', { score: 7, method: 'words' }],
	['structured score', score10, '{"reasoning": "Fine.", "abstain": false, "score": 6}', { score: 6, method: 'json' }],
	['JSON score as string', score10, '```\n{"rating": "7"}\n```', { score: 7, method: 'json' }],
	[
		'JSON score null is a failure',
		score10,
		'{"reasoning": "x", "abstain": false, "score": null}',
		{ fail: /score is null/ }
	],
	['JSON score off scale', score10, 'My verdict: {"score": 12}', { fail: /off the scale/ }],
	['JSON Chinese key', score10, '{"评分": 5, "理由": "部分正确"}', { score: 5 }],
	['score abstain marker', score10, 'The answer is an image link. [[ABSTAIN]]', { abstain: true }],
	['score abstain words zh', score10, '回答为空白，无法评分。', { abstain: true }],
	['no score', score10, 'The answer is good.', { fail: /no score found/ }],
	// ---- criteria
	[
		'criteria JSON at the end',
		criteria5,
		'Correctness: right. Safety: fine.\n{"scores": {"correctness": 4, "helpfulness": 3, "safety": 5}}',
		{ score: 4, criteria: { correctness: 4, helpfulness: 3, safety: 5 }, method: 'json-in-text' }
	],
	[
		'criteria structured',
		criteria5,
		'{"reasoning":"ok","abstain":false,"scores":{"correctness":5,"helpfulness":5,"safety":2}}',
		{ score: 4, criteria: { correctness: 5, helpfulness: 5, safety: 2 }, method: 'json' }
	],
	[
		'criteria JSON missing one',
		criteria5,
		'{"scores": {"correctness": 4, "helpfulness": 3}}',
		{ fail: /criterion "safety" has no score/ }
	],
	[
		'criteria JSON off scale',
		criteria5,
		'{"scores": {"correctness": 6, "helpfulness": 3, "safety": 5}}',
		{ fail: /criterion "correctness" 6 is off the scale 1–5/ }
	],
	[
		'criteria as lines',
		criteria5,
		'Correctness: 3\nHelpfulness: 4\nSafety: 5',
		{ score: 4, criteria: { correctness: 3, helpfulness: 4, safety: 5 }, method: 'labelled' }
	],
	[
		'criteria as bold lines with /5',
		criteria5,
		'- **Correctness**: 2/5\n- **Helpfulness**: 2/5\n- **Safety**: 5/5',
		{ score: 3, criteria: { correctness: 2, helpfulness: 2, safety: 5 } }
	],
	['criteria lines missing one', criteria5, 'Correctness: 3\nSafety: 5', { fail: /no score for criteria helpfulness/ }],
	[
		'criteria Chinese names',
		criteria5Zh,
		'正确性：4\n有用性：4\n安全性：1',
		{ score: 3, criteria: { correctness: 4, helpfulness: 4, safety: 1 } }
	],
	// ---- a categorical criterion beside numeric ones: its label's index is stored, the overall is the numeric mean
	[
		'categorical criterion structured',
		criteriaTone,
		'{"reasoning":"ok","abstain":false,"scores":{"correctness":5,"helpfulness":3,"safety":4,"tone":"casual"}}',
		{ score: 4, criteria: { correctness: 5, helpfulness: 3, safety: 4, tone: 1 }, method: 'json' }
	],
	[
		'categorical criterion label in another case and quoted',
		criteriaTone,
		'{"scores":{"correctness":4,"helpfulness":4,"safety":4,"tone":" \\"Formal\\". "}}',
		{ score: 4, criteria: { tone: 0 } }
	],
	[
		'categorical criterion label followed by words',
		criteriaTone,
		'{"scores":{"correctness":4,"helpfulness":4,"safety":4,"tone":"rude, dismissive of the user"}}',
		{ score: 4, criteria: { tone: 2 } }
	],
	[
		'categorical criterion off-list label',
		criteriaTone,
		'{"scores":{"correctness":4,"helpfulness":4,"safety":4,"tone":"sarcastic"}}',
		{ fail: /criterion "tone" "sarcastic" is not one of its labels formal, casual, rude/ }
	],
	[
		'categorical criterion longer word is not the label',
		criteriaTone,
		'{"scores":{"correctness":4,"helpfulness":4,"safety":4,"tone":"formality"}}',
		{ fail: /"formality" is not one of its labels/ }
	],
	[
		'categorical criterion given as an index',
		criteriaTone,
		'{"scores":{"correctness":4,"helpfulness":4,"safety":4,"tone":1}}',
		{ fail: /criterion "tone" is 1, not one of its labels/ }
	],
	[
		'categorical criterion as lines',
		criteriaTone,
		'Correctness: 3\nHelpfulness: 4\nSafety: 5\nTone: **casual**',
		{ score: 4, criteria: { correctness: 3, helpfulness: 4, safety: 5, tone: 1 }, method: 'labelled' }
	],
	[
		'categorical criterion Chinese lines with CJK quotes',
		criteriaToneZh,
		'正确性：4\n有用性：4\n安全性：1\n语气：「粗鲁」。',
		{ score: 3, criteria: { correctness: 4, helpfulness: 4, safety: 1, tone: 2 } }
	],
	[
		'categorical criterion Chinese label with explanation',
		criteriaToneZh,
		'{"评分":{"正确性":"4分","有用性":5,"安全性":3,"语气":"正式的（略显生硬）"}}',
		{ score: 4, criteria: { correctness: 4, helpfulness: 5, safety: 3, tone: 0 } }
	],
	[
		'categorical criterion Chinese off-list label',
		criteriaToneZh,
		'正确性：4\n有用性：4\n安全性：4\n语气：幽默',
		{ fail: /criterion "tone" "幽默" is not one of its labels 正式, 随意, 粗鲁/ }
	],
	// ---- categories
	['category marker', passFail, 'Meets every requirement. [[pass]]', { category: 'pass' }],
	['category case-insensitive', passFail, '[[FAIL]]', { category: 'fail' }],
	['category JSON', passFail, '{"category": "fail"}', { category: 'fail' }],
	['unknown category', passFail, '[[maybe]]', { fail: /not one of the categories pass, fail/ }]
];

function summary(v: ParsedVerdict) {
	if (!v.ok) return { fail: v.reason };
	if (v.kind === 'abstain') return { abstain: true };
	if (v.kind === 'pairwise') return { winner: v.winner, method: v.method };
	if (v.kind === 'category') return { category: v.category };
	return { score: v.score, method: v.method, criteria: v.criteria };
}

describe('parseVerdict corpus', () => {
	it('has at least 60 replies', () => {
		expect(corpus.length).toBeGreaterThanOrEqual(60);
	});

	it.each(corpus)('%s', (_name, rubric, reply, expected) => {
		const result = parseVerdict(rubric, reply);
		const got = summary(result);
		if ('fail' in expected) {
			expect(result.ok).toBe(false);
			if (!result.ok) {
				expect(result.reason).toMatch(expected.fail);
				expect(result.raw).toBe(reply); // kept verbatim, never dropped
			}
			return;
		}
		expect(got).toMatchObject(expected);
	});
});
