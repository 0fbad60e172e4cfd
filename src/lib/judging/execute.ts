/**
 * One judgment, end to end, with the model call injected (the shape of Langfuse's
 * `executeEvaluator({ …, callLlm })`): render → call → parse → outcome in answer terms. No IO
 * here: the run executor supplies `callLlm` (an OpenAI-compatible client, the fake server, or the
 * simulated judge) and stores what comes back. Errors thrown by `callLlm` (timeouts, 429s…)
 * propagate, so the caller's retry policy decides; everything else ends in a result.
 */
import { outcomeOf, type SampleOutcome } from './aggregate';
import { flagAnswer, type AnswerFlag } from './flag-answer';
import { parseVerdict } from './parse-verdict';
import { renderPrompt, type RenderInput, type RenderResult } from './render';
import { responseFormatFor, type JsonSchemaResponseFormat } from './response-format';
import { simulateReply, type SimulatedJudgeConfig } from './simulate';
import type {
	ChatMessage,
	JudgeAnswer,
	JudgeItem,
	JudgeSettings,
	ParsedVerdict,
	PresentedOrder,
	RubricContent
} from './types';

/** What the judged call is about, for callers that judge without a model (the simulated judge). */
export interface JudgedUnit {
	rubric: RubricContent;
	item: JudgeItem;
	answers: JudgeAnswer[];
	order: PresentedOrder;
	turn: number;
	sample: number;
}

export interface LlmRequest {
	messages: ChatMessage[];
	/** Set when structured output was asked for. */
	responseFormat?: JsonSchemaResponseFormat;
	/** The rubric's default settings; the run may override them in its client. */
	settings: JudgeSettings;
	/** Sample index (0…k−1): part of the reply cache key, so k samples are k calls. */
	sample: number;
	promptHash: string;
	judged: JudgedUnit;
}

export interface LlmReply {
	text: string;
	usage?: { inputTokens: number; outputTokens: number };
}

export type CallLlm = (request: LlmRequest) => Promise<LlmReply>;

export interface ExecuteInput extends RenderInput {
	sample?: number;
	/** Ask for the rubric's json_schema (providers that support structured output). */
	structured?: boolean;
	callLlm: CallLlm;
	/**
	 * The render of exactly these inputs, when the caller already made it (the run executor
	 * renders first to look the reply up in its cache): saves rendering and hashing twice.
	 */
	rendered?: RenderResult;
}

export type JudgmentResult =
	| {
			status: 'ok' | 'abstain' | 'failed';
			messages: ChatMessage[];
			promptHash: string;
			turn: number;
			reply: string;
			usage: LlmReply['usage'] | null;
			/** The reply parsed; winners in presented positions. */
			parsed: ParsedVerdict;
			/** The same in answer terms, ready for aggregation. */
			outcome: SampleOutcome;
			/** Flags per answer (answer terms), from the judged turn's text. */
			flags: AnswerFlag[][];
	  }
	| { status: 'not-rendered'; reason: string; outcome: SampleOutcome };

export async function executeJudgment(input: ExecuteInput): Promise<JudgmentResult> {
	const order = input.order ?? 'ab';
	const sample = input.sample ?? 0;
	const rendered =
		input.rendered ??
		renderPrompt({
			rubric: input.rubric,
			item: input.item,
			answers: input.answers,
			order,
			turn: input.turn
		});
	if (!rendered.ok)
		return { status: 'not-rendered', reason: rendered.reason, outcome: { kind: 'failed', reason: rendered.reason } };
	const reply = await input.callLlm({
		messages: rendered.messages,
		responseFormat: input.structured ? responseFormatFor(input.rubric) : undefined,
		settings: input.rubric.settings,
		sample,
		promptHash: rendered.promptHash,
		judged: { rubric: input.rubric, item: input.item, answers: input.answers, order, turn: rendered.turn, sample }
	});
	const parsed = parseVerdict(input.rubric, reply.text);
	const outcome = outcomeOf(parsed, order);
	return {
		status: !parsed.ok ? 'failed' : parsed.kind === 'abstain' ? 'abstain' : 'ok',
		messages: rendered.messages,
		promptHash: rendered.promptHash,
		turn: rendered.turn,
		reply: reply.text,
		usage: reply.usage ?? null,
		parsed,
		outcome,
		flags: input.answers.map((a) => flagAnswer(a.turns?.[rendered.turn] ?? a.content ?? ''))
	};
}

/** A `callLlm` that answers with the simulated judge (no network, no model; labelled simulated). */
export function simulatedCallLlm(config: SimulatedJudgeConfig): CallLlm {
	return async (request) => ({
		text: simulateReply({ ...request.judged, config, structured: request.responseFormat !== undefined }),
		usage: { inputTokens: 0, outputTokens: 0 }
	});
}
