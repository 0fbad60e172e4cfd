/**
 * The format registry and auto-detection. Detection scores each adapter on the
 * field names of the first record (and the file name); the generic CSV / JSON
 * Lines adapters are the fallback for their container.
 */
import type { Container } from '../containers';
import { alpacaAnnotationsAdapter, alpacaOutputsAdapter } from './alpaca-eval';
import { arenaAdapter } from './arena';
import { csvAdapter, jsonlAdapter } from './generic';
import { llmbarAdapter } from './llmbar';
import { mtBenchAnswersAdapter, mtBenchQuestionsAdapter, mtBenchReferenceAdapter } from './mt-bench';
import type { FormatAdapter, FormatId } from './types';

export const adapters: Record<FormatId, FormatAdapter<never>> = {
	csv: csvAdapter,
	jsonl: jsonlAdapter,
	'mt-bench-questions': mtBenchQuestionsAdapter,
	'mt-bench-answers': mtBenchAnswersAdapter,
	'mt-bench-reference': mtBenchReferenceAdapter,
	'alpaca-eval-outputs': alpacaOutputsAdapter,
	'alpaca-eval-annotations': alpacaAnnotationsAdapter,
	llmbar: llmbarAdapter,
	'arena-votes': arenaAdapter
} as unknown as Record<FormatId, FormatAdapter<never>>;

export interface FormatCandidate {
	id: FormatId;
	label: string;
	score: number;
}

export function detectFormats(fields: readonly string[], fileName: string, container: Container): FormatCandidate[] {
	const set = new Set(fields);
	return Object.values(adapters)
		.filter((a) => a.containers.includes(container))
		.map((a) => ({ id: a.id, label: a.label, score: a.detect(set, fileName) }))
		.filter((c) => c.score > 0)
		.sort((x, y) => y.score - x.score);
}

export function formatList(): { id: FormatId; label: string }[] {
	return Object.values(adapters).map((a) => ({ id: a.id, label: a.label }));
}

export { FORMAT_IDS, type FormatId } from './types';
