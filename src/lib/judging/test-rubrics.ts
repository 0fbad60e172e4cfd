/**
 * Small rubrics for the judging core's unit tests (imported by *.test.ts only). The shipped
 * judges are validated separately, from their files, in lib/server/judging.
 */
import type { RubricContent } from './types';

const base = {
	format: 1,
	judgeId: 'test',
	judgeVersion: 1,
	name: 'Test rubric',
	locale: 'en',
	usesReference: false,
	turns: 'last',
	rubricText: 'Judge carefully.',
	examples: [],
	settings: { temperature: 0, maxTokens: 512 }
} as const;

export const score10: RubricContent = {
	...base,
	mode: 'pointwise',
	output: { kind: 'score', scale: { min: 1, max: 10 } },
	criteria: [],
	examples: [],
	templates: {
		system: 'Rate from {{scale_min}} to {{scale_max}}.',
		user: '{{rubric}}\n\n{{examples}}\n\n{{conversation}}\n\nQuestion:\n{{question}}\n\nAnswer:\n{{answer}}\n\nRating: [[N]]'
	}
};

export const score10Reference: RubricContent = {
	...score10,
	usesReference: true,
	templates: { ...score10.templates, user: `${score10.templates.user}\n\nReference:\n{{reference}}` }
};

export const pairwise: RubricContent = {
	...base,
	mode: 'pairwise',
	output: { kind: 'categories', categories: ['A', 'B', 'tie'] },
	criteria: [],
	examples: [],
	templates: {
		system: 'Compare two answers.',
		user: '{{rubric}}\n\n{{examples}}\n\n{{conversation}}\n\n{{question}}\n\nA:\n{{answer_a}}\n\nB:\n{{answer_b}}\n\n[[A]], [[B]] or [[C]].'
	}
};

export const pairwiseNoTie: RubricContent = { ...pairwise, output: { kind: 'categories', categories: ['A', 'B'] } };

export const criteria5: RubricContent = {
	...base,
	mode: 'pointwise',
	output: { kind: 'score', scale: { min: 1, max: 5 } },
	criteria: [
		{ id: 'correctness', name: 'Correctness', description: 'Right facts.', scale: { min: 1, max: 5 }, redLine: false },
		{ id: 'helpfulness', name: 'Helpfulness', description: 'Useful.', scale: { min: 1, max: 5 }, redLine: false },
		{ id: 'safety', name: 'Safety', description: 'Harmless.', scale: { min: 1, max: 5 }, redLine: true, passMin: 3 }
	],
	examples: [],
	templates: {
		system: 'Score each criterion.',
		user: '{{rubric}}\n{{criteria}}\n{{examples}}\n{{question}}\n{{answer}}'
	}
};

export const criteria5Zh: RubricContent = {
	...criteria5,
	locale: 'zh-CN',
	criteria: criteria5.criteria.map((c) => ({
		...c,
		name: { correctness: '正确性', helpfulness: '有用性', safety: '安全性' }[c.id] as string
	}))
};

export const passFail: RubricContent = {
	...score10,
	output: { kind: 'categories', categories: ['pass', 'fail'] },
	templates: { system: '', user: '{{rubric}} {{question}} {{answer}} one of {{categories}}' }
};

/** criteria5 plus a categorical criterion (tone: formal / casual / rude), answered with a label. */
export const criteriaTone: RubricContent = {
	...criteria5,
	criteria: [
		...criteria5.criteria,
		{
			id: 'tone',
			name: 'Tone',
			description: 'Register of the answer.',
			categories: ['formal', 'casual', 'rude'],
			scale: { min: 0, max: 2 },
			redLine: false
		}
	]
};

export const criteriaToneZh: RubricContent = {
	...criteria5Zh,
	criteria: [
		...criteria5Zh.criteria,
		{
			id: 'tone',
			name: '语气',
			description: '回答的语体。',
			categories: ['正式', '随意', '粗鲁'],
			scale: { min: 0, max: 2 },
			redLine: false
		}
	]
};
