/**
 * The fake OpenAI-compatible server set up as a judge that can tell good answers from poor ones:
 * answers carrying GOOD beat answers carrying POOR, in whichever position they are shown, and
 * score 9 against 3; between two poor answers it picks the first shown (position bias). Extra rules (abstain, garbage, faults) come in through `options`.
 */
import {
	startFakeOpenAi,
	type FakeChatRequest,
	type FakeOpenAiOptions,
	type FakeOpenAiServer
} from '../../../support/fake-openai-server';

export const userText = (req: FakeChatRequest) =>
	req.messages
		.filter((m) => m.role === 'user')
		.map((m) => m.content)
		.join('\n');

/** `[[A]]`/`[[B]]` for pairs (GOOD shown first → A), `Rating: [[9]]`/`[[3]]` for single answers. */
export function sensibleReply(req: FakeChatRequest): string {
	const text = userText(req);
	const good = text.lastIndexOf('GOOD');
	const poor = text.lastIndexOf('POOR');
	const pair = /\bA:\n|answer_b|Assistant B|\[\[A\]\], \[\[B\]\]/.test(text);
	if (pair) {
		// Two poor answers: a position-biased judge picks the first shown (so the orders disagree).
		if (good < 0 || poor < 0) return 'Hard to say; the first, then. [[A]]';
		return good < poor ? 'The first is better. [[A]]' : 'The second is better. [[B]]';
	}
	return good >= 0 ? 'Solid. Rating: [[9]]' : 'Weak. Rating: [[3]]';
}

/** Models the fake server knows (others get 404, as a real endpoint would answer). */
export const JUDGE_MODELS = [
	'fake-judge',
	...Array.from(
		{ length: 9 },
		(_, i) => `judge-${['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'][i]}`
	)
];

export function startJudgeServer(options: FakeOpenAiOptions = {}): Promise<FakeOpenAiServer> {
	return startFakeOpenAi({ reply: sensibleReply, models: JUDGE_MODELS, ...options });
}
