/**
 * Arranges an item for display. Answers with one response per user turn are
 * shown turn by turn (each user message, then every system's response to it);
 * single answers follow the whole prompt.
 */
import type { ChatMessage } from '$lib/server/db/schema';

export interface AnswerLike {
	id: string;
	systemName: string;
	available: boolean;
	content: string | null;
	turns: string[] | null;
}

export interface TurnBlock {
	/** Messages that lead up to this turn's responses (system/assistant context and the user message). */
	messages: ChatMessage[];
	reference: string | null;
	responses: { answerId: string; systemName: string; text: string | null }[];
}

/** Splits a conversation before each user message; leading context stays with the first turn. */
export function splitTurns(messages: ChatMessage[]): ChatMessage[][] {
	const turns: ChatMessage[][] = [];
	let current: ChatMessage[] = [];
	for (const msg of messages) {
		if (msg.role === 'user' && current.some((x) => x.role === 'user')) {
			turns.push(current);
			current = [];
		}
		current.push(msg);
	}
	if (current.length > 0) turns.push(current);
	return turns;
}

export function isPerTurn(answers: AnswerLike[]): boolean {
	return answers.some((a) => a.turns !== null);
}

export function turnBlocks(
	messages: ChatMessage[],
	referenceTurns: string[] | null,
	answers: AnswerLike[]
): TurnBlock[] {
	const groups = splitTurns(messages);
	const count = Math.max(groups.length, ...answers.map((a) => a.turns?.length ?? 0));
	return Array.from({ length: count }, (_, i) => ({
		messages: groups[i] ?? [],
		reference: referenceTurns?.[i] ?? null,
		responses: answers.map((a) => ({
			answerId: a.id,
			systemName: a.systemName,
			// A single-text answer in a per-turn item answers the last turn.
			text: !a.available ? null : a.turns ? (a.turns[i] ?? null) : i === count - 1 ? a.content : null
		}))
	}));
}
