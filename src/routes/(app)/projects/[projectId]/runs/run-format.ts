/**
 * Labels and number formats shared by the judge-run pages: codes from the server become
 * words in the page's language here, once.
 */
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';

export type RunStatus = 'queued' | 'running' | 'cancelling' | 'cancelled' | 'completed' | 'failed';
export type JudgmentStatus = 'pending' | 'running' | 'ok' | 'abstained' | 'unparseable' | 'failed';

/** Statuses after which nothing changes until someone resumes the run. */
export const TERMINAL_STATUSES: readonly RunStatus[] = ['cancelled', 'completed', 'failed'];
export const JUDGMENT_STATUSES: readonly JudgmentStatus[] = [
	'pending',
	'running',
	'ok',
	'abstained',
	'unparseable',
	'failed'
];

export const isTerminal = (status: RunStatus | null) => status === null || TERMINAL_STATUSES.includes(status);

export function runStatusLabel(status: RunStatus | null): string {
	switch (status) {
		case 'queued':
			return m.run_status_queued();
		case 'running':
			return m.run_status_running();
		case 'cancelling':
			return m.run_status_cancelling();
		case 'cancelled':
			return m.run_status_cancelled();
		case 'completed':
			return m.run_status_completed();
		case 'failed':
			return m.run_status_failed();
		default:
			// Imported runs have no status: their verdicts arrived finished.
			return m.run_status_imported();
	}
}

export function judgmentStatusLabel(status: JudgmentStatus): string {
	switch (status) {
		case 'pending':
			return m.judgment_status_pending();
		case 'running':
			return m.judgment_status_running();
		case 'ok':
			return m.judgment_status_ok();
		case 'abstained':
			return m.judgment_status_abstained();
		case 'unparseable':
			return m.judgment_status_unparseable();
		case 'failed':
			return m.judgment_status_failed();
	}
}

/** A flag's kind in words; the detector's English reason stays available beside it. */
export function flagLabel(kind: string): string {
	switch (kind) {
		case 'judge-instructions':
			return m.flag_judge_instructions();
		case 'fake-verdict':
			return m.flag_fake_verdict();
		case 'template-escape':
			return m.flag_template_escape();
		case 'null-model':
			return m.flag_null_model();
		default:
			return kind;
	}
}

/**
 * A provider's name (and model) with "simulated" beside it when it is the built-in judge, so it
 * is never taken for a real model; names that already say so are left as they are.
 */
export function providerLabel(p: { name: string; simulated: boolean; model?: string | null }): string {
	const base = p.model && p.model !== p.name ? `${p.name} · ${p.model}` : p.name;
	return p.simulated && !/simulated|模拟/i.test(base) ? m.run_provider_simulated({ name: base }) : base;
}

export function formatCount(n: number): string {
	return new Intl.NumberFormat(getLocale()).format(n);
}

/**
 * Cost in the provider's price unit (prices are entered per 1M tokens without a currency):
 * small amounts keep four significant digits so a cheap run does not read as 0.
 */
export function formatCost(cost: number | null | undefined): string {
	if (cost === null || cost === undefined) return '—';
	if (cost === 0) return '0';
	return new Intl.NumberFormat(getLocale(), {
		maximumSignificantDigits: cost < 1 ? 4 : undefined,
		maximumFractionDigits: cost < 1 ? undefined : 2
	}).format(cost);
}

/** Seconds with one decimal (judge seconds per item, latency). */
export function formatSeconds(seconds: number | null | undefined): string {
	if (seconds === null || seconds === undefined) return '—';
	return m.run_seconds({
		value: new Intl.NumberFormat(getLocale(), { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(seconds)
	});
}

/** A duration as h:mm:ss / m:ss: compact and the same in both languages. */
export function formatDuration(ms: number | null | undefined): string {
	if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
	const total = Math.max(0, Math.round(ms / 1000));
	const h = Math.floor(total / 3600);
	const min = Math.floor((total % 3600) / 60);
	const s = String(total % 60).padStart(2, '0');
	return h > 0 ? `${h}:${String(min).padStart(2, '0')}:${s}` : `${min}:${s}`;
}

export function formatPercent(share: number | null | undefined): string {
	if (share === null || share === undefined) return '—';
	return new Intl.NumberFormat(getLocale(), { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

export function formatScore(score: number | null | undefined): string {
	if (score === null || score === undefined) return '—';
	return new Intl.NumberFormat(getLocale(), { maximumFractionDigits: 2 }).format(score);
}
