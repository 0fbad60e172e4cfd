/**
 * One judgment unit of a live run, from a claimed row to the row written back: the judged inputs
 * (item, answers in answer terms), the reply-cache key, and the mapping of the pure core's result
 * (or the provider's error) to judgment columns. No IO here; the executor does the calls.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../judging/content-hash';
import type { AnswerFlag } from '../../judging/flag-answer';
import type { JudgmentResult } from '../../judging/execute';
import { renderPrompt, type PreparedRubric, type RenderResult } from '../../judging/render';
import type { JudgeAnswer, JudgeItem, RubricContent } from '../../judging/types';
import type { ClaimedUnit, UnitResult } from '../db/repositories/judge-runs';
import { LlmError } from '../llm';

/** The parameters that decide a reply besides the messages: part of every cache key. */
export interface CallParameters {
	baseUrl: string;
	model: string;
	temperature: number | null;
	maxTokens: number | null;
	seed: number | null;
	/** The response_format actually sent (null when not asked or not supported), as a hash. */
	responseFormatHash: string | null;
	/** Simulated providers: their settings decide the reply. */
	simulation: unknown;
}

export function judgeItemOf(u: ClaimedUnit): JudgeItem {
	return {
		prompt: u.promptText,
		conversation: u.conversation,
		reference: u.referenceText,
		referenceTurns: u.referenceTurns
	};
}

/** Answers in ANSWER terms: [A] pointwise, [A, B] pairwise. */
export function judgeAnswersOf(u: ClaimedUnit): JudgeAnswer[] {
	const a = { content: u.aContent, turns: u.aTurns };
	return u.answerBId ? [a, { content: u.bContent, turns: u.bTurns }] : [a];
}

/**
 * The reply-cache key: sha256 of the canonical JSON of (base URL, model, rendered messages — by
 * their content hash —, temperature, max tokens, seed, response format, sample index). Shared by
 * every run of the project, so a re-run, resume or clone with the same settings calls nothing.
 */
export function replyKeyOf(params: CallParameters, promptHash: string, sample: number): string {
	return createHash('sha256')
		.update(canonicalJson({ v: 1, ...params, promptHash, sample }))
		.digest('hex');
}

export function hashOf(value: unknown): string {
	return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/**
 * Renders once, before any call, for the prompt hash (the cache key) and the messages to store.
 * `prepared`: prepareRubric(rubric), made once per run.
 */
export function renderUnit(rubric: RubricContent, u: ClaimedUnit, prepared?: PreparedRubric): RenderResult {
	return renderPrompt(
		{
			rubric,
			item: judgeItemOf(u),
			answers: judgeAnswersOf(u),
			order: u.order ?? 'ab',
			turn: u.turn
		},
		prepared
	);
}

export interface CallMeta {
	inputTokens: number | null;
	outputTokens: number | null;
	cost: number | null;
	latencyMs: number | null;
	attempts: number;
	cached: boolean;
}

/** Flags per answer (answer terms), with the dataset-wide null-model flags added; null when none. */
export function mergeFlags(flags: AnswerFlag[][], answerIds: string[], nullModel: Map<string, AnswerFlag>) {
	const merged = answerIds.map((id, i) => {
		const own = flags[i] ?? [];
		const nm = nullModel.get(id);
		return nm ? [...own, nm] : own;
	});
	return merged.some((f) => f.length > 0) ? merged : null;
}

/** A finished call (or cache hit), as the judgment's columns. */
export function resultOf(
	u: ClaimedUnit,
	result: JudgmentResult,
	meta: CallMeta | null,
	replyKey: string | null,
	nullModel: Map<string, AnswerFlag>
): UnitResult {
	const base = {
		id: u.id,
		verdict: null,
		score: null,
		preference: null,
		criteria: null,
		category: null,
		replyKey,
		inputTokens: meta?.inputTokens ?? null,
		outputTokens: meta?.outputTokens ?? null,
		cost: meta?.cost ?? null,
		latencyMs: meta?.latencyMs ?? null,
		attempts: meta?.attempts ?? null,
		cached: meta?.cached ?? false
	};
	const answerIds = u.answerBId ? [u.answerAId, u.answerBId] : [u.answerAId];
	if (result.status === 'not-rendered') {
		return {
			...base,
			status: 'failed',
			flags: null,
			raw: { error: { kind: 'render', retryable: false } },
			error: `The prompt could not be rendered: ${result.reason}`,
			promptHash: null
		};
	}
	const common = { ...base, promptHash: result.promptHash, flags: mergeFlags(result.flags, answerIds, nullModel) };
	const parsed = result.parsed;
	if (!parsed.ok) {
		return { ...common, status: 'unparseable', raw: { reply: result.reply }, error: parsed.reason };
	}
	switch (parsed.kind) {
		case 'abstain':
			return { ...common, status: 'abstained', raw: { reply: result.reply, reason: parsed.reason }, error: null };
		case 'pairwise': {
			const winner = result.outcome.kind === 'pairwise' ? result.outcome.winner : parsed.winner;
			return {
				...common,
				status: 'ok',
				verdict: winner,
				// Soft preference for answer B, as imports store it (AlpacaEval's preference − 1).
				preference: winner === 'A' ? 0 : winner === 'B' ? 1 : 0.5,
				raw: { reply: result.reply, method: parsed.method },
				error: null
			};
		}
		case 'score':
			return {
				...common,
				status: 'ok',
				score: parsed.score,
				criteria: Object.keys(parsed.criteria).length > 0 ? parsed.criteria : null,
				raw: { reply: result.reply, method: parsed.method },
				error: null
			};
		case 'category':
			return {
				...common,
				status: 'ok',
				category: parsed.category,
				raw: { reply: result.reply, method: parsed.method, category: parsed.category },
				error: null
			};
	}
}

/** A call that failed for good: the provider's plain-words message (keys already scrubbed). */
export function failureOf(
	u: ClaimedUnit,
	error: unknown,
	promptHash: string | null,
	replyKey: string | null
): UnitResult {
	const llm = error instanceof LlmError ? error : null;
	return {
		id: u.id,
		status: 'failed',
		verdict: null,
		score: null,
		preference: null,
		criteria: null,
		category: null,
		flags: null,
		raw: { error: { kind: llm?.kind ?? 'internal', status: llm?.status ?? null, retryable: llm?.retryable ?? true } },
		error: llm ? llm.message : `The judgment failed: ${(error as Error)?.message ?? String(error)}`,
		promptHash,
		replyKey,
		inputTokens: null,
		outputTokens: null,
		cost: null,
		latencyMs: null,
		attempts: llm?.attempts ?? null,
		cached: false
	};
}
