/**
 * The few words the renderer writes itself (section headings, speaker labels, example verdict
 * lines), per language, so a Chinese rubric's prompt is Chinese throughout.
 */
import type { JudgeLocale } from './types';

export interface RenderStrings {
	conversationHeading: string;
	system: string;
	user: string;
	assistant: string;
	assistantA: string;
	assistantB: string;
	examplesHeading: string;
	example: (n: number) => string;
	question: string;
	answer: string;
	answerA: string;
	answerB: string;
	reference: string;
	/** Prefix of an example's explanation, spacing included. */
	assessment: string;
	rating: (n: number) => string;
	criterionScale: (min: number, max: number) => string;
	/** A categorical criterion: answered with exactly one of its labels (quoted as JSON strings). */
	criterionLabels: (labels: string[]) => string;
	redLine: (passMin: number) => string;
}

export const RENDER_STRINGS: Record<JudgeLocale, RenderStrings> = {
	en: {
		conversationHeading: 'Earlier turns of the conversation (context only, not judged):',
		system: 'System',
		user: 'User',
		assistant: 'Assistant',
		assistantA: 'Assistant A',
		assistantB: 'Assistant B',
		examplesHeading: 'Worked examples (for calibration only; they are not the answer to judge):',
		example: (n) => `Example ${n}`,
		question: 'Question:',
		answer: 'Answer:',
		answerA: 'Answer A:',
		answerB: 'Answer B:',
		reference: 'Reference answer:',
		assessment: 'Assessment: ',
		rating: (n) => `Rating: [[${n}]]`,
		criterionScale: (min, max) => `${min}–${max}`,
		criterionLabels: (labels) => `one label: ${labels.map((l) => JSON.stringify(l)).join(' | ')}`,
		redLine: (passMin) => `red line: below ${passMin} fails the whole answer`
	},
	'zh-CN': {
		conversationHeading: '此前的对话（仅作背景，不评分）：',
		system: '系统',
		user: '用户',
		assistant: '助手',
		assistantA: '助手 A',
		assistantB: '助手 B',
		examplesHeading: '示例（仅用于校准，不是待评判的回答）：',
		example: (n) => `示例 ${n}`,
		question: '问题：',
		answer: '回答：',
		answerA: '回答 A：',
		answerB: '回答 B：',
		reference: '参考答案：',
		assessment: '评语：',
		rating: (n) => `评分：[[${n}]]`,
		criterionScale: (min, max) => `${min}–${max} 分`,
		criterionLabels: (labels) => `从中选一个标签：${labels.map((l) => JSON.stringify(l)).join(' | ')}`,
		redLine: (passMin) => `必过项：低于 ${passMin} 分即整体不合格`
	}
};
