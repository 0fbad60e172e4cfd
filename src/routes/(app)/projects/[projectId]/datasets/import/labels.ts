/** Localized names of import formats and statuses (the server sends ids). */
import { m } from '$lib/paraglide/messages.js';

const formatLabels: Record<string, () => string> = {
	csv: m.import_format_csv,
	jsonl: m.import_format_jsonl,
	'mt-bench-questions': m.import_format_mt_bench_questions,
	'mt-bench-answers': m.import_format_mt_bench_answers,
	'mt-bench-reference': m.import_format_mt_bench_reference,
	'alpaca-eval-outputs': m.import_format_alpaca_eval_outputs,
	'alpaca-eval-annotations': m.import_format_alpaca_eval_annotations,
	llmbar: m.import_format_llmbar,
	'arena-votes': m.import_format_arena_votes
};

export function formatLabel(id: string, fallback?: string): string {
	return formatLabels[id]?.() ?? fallback ?? id;
}

const statusLabels: Record<string, () => string> = {
	uploading: m.import_status_uploading,
	uploaded: m.import_status_uploaded,
	queued: m.import_status_queued,
	validating: m.import_status_validating,
	importing: m.import_status_importing,
	succeeded: m.import_status_succeeded,
	failed: m.import_status_failed,
	cancelled: m.import_status_cancelled
};

export function statusLabel(status: string): string {
	return statusLabels[status]?.() ?? status;
}
