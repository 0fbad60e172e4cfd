/**
 * The gate's words for statistics, checks, statuses and re-certification reasons (en + zh-CN
 * messages), in the current language or the one asked for: the gate page uses them, and so does
 * the judge card (lib/analysis/card-text.ts), whose Markdown export is worded in a chosen language.
 */
import { m } from '../paraglide/messages.js';
import type { GateThresholdsInput } from '../schemas/gate';
import type { SentenceLocale } from './bias-sentence';

export type Statistic = GateThresholdsInput['statistic'];
type Lang = { locale?: SentenceLocale };

export function statisticName(s: Statistic, o: Lang = {}): string {
	switch (s) {
		case 'kappaQuadratic':
			return m.gate_stat_kappa_quadratic({}, o);
		case 'kappaLinear':
			return m.gate_stat_kappa_linear({}, o);
		case 'exact':
			return m.gate_stat_exact({}, o);
		case 'withinOne':
			return m.gate_stat_within_one({}, o);
		case 'kappaPairwise':
			return m.gate_stat_kappa_pairwise({}, o);
		case 'agreementWithTies':
			return m.gate_stat_with_ties({}, o);
		default:
			return m.gate_stat_without_ties({}, o);
	}
}

/** The "all red lines together" key of the service (gate-evaluation.ts ALL_RED_LINES). */
export function criterionName(key: string, o: Lang = {}): string {
	return key === '__all' ? m.gate_all_red_lines({}, o) : key;
}

/** sha256:0123456789ab… → 0123456789ab */
export function shortHash(hash: string | null): string {
	return hash ? hash.replace(/^sha256:/, '').slice(0, 12) : '—';
}

export function checkName(c: { key: string; criterion: string | null }, o: Lang = {}): string {
	const crit = c.criterion ? ` (${criterionName(c.criterion, o)})` : '';
	switch (c.key) {
		case 'coverage':
			return m.gate_check_coverage({}, o);
		case 'agreement':
			return m.gate_check_agreement({}, o);
		case 'tpr':
			return m.gate_check_tpr({}, o) + crit;
		default:
			return m.gate_check_tnr({}, o) + crit;
	}
}

export function statusName(s: string, o: Lang = {}): string {
	return s === 'certified'
		? m.gate_status_certified({}, o)
		: s === 'revoked'
			? m.gate_status_revoked({}, o)
			: s === 'not-certified'
				? m.gate_status_not_certified({}, o)
				: m.gate_status_recertify({}, o);
}

export function reasonName(r: string, o: Lang = {}): string {
	return r === 'rubric-changed'
		? m.gate_reason_rubric({}, o)
		: r === 'model-changed'
			? m.gate_reason_model({}, o)
			: m.gate_reason_set({}, o);
}

export function modelName(model: Record<string, unknown>): string {
	const parts = [String(model.model ?? '—')];
	if (model.temperature !== null && model.temperature !== undefined) parts.push(`T=${model.temperature}`);
	if (model.seed !== null && model.seed !== undefined) parts.push(`seed ${model.seed}`);
	return parts.join(' · ');
}

/** A certification's thresholds in words: the statistic's lower bound, and TPR/TNR where a pointwise set checks them. */
export function thresholdText(t: Record<string, unknown>, pairwise: boolean, o: Lang = {}): string {
	return [
		`${statisticName(t.statistic as Statistic, o)} ≥ ${t.minAgreement}`,
		t.minTpr === null || t.minTpr === undefined || pairwise ? null : `${m.gate_tpr({}, o)} ≥ ${t.minTpr}`,
		t.minTnr === null || t.minTnr === undefined || pairwise ? null : `${m.gate_tnr({}, o)} ≥ ${t.minTnr}`
	]
		.filter(Boolean)
		.join(', ');
}

export interface CheckLike {
	key: string;
	criterion: string | null;
	lower: number | null;
	threshold: number;
	ok: boolean;
}

/** One check on a lower bound: "clears: agreement 0.712 ≥ 0.6" (coverage as a share). */
export function checkText(c: CheckLike, o: Lang = {}): string {
	const pct = (x: number) => new Intl.NumberFormat(o.locale, { style: 'percent' }).format(x);
	const value =
		c.lower === null ? m.gate_not_measured({}, o) : c.key === 'coverage' ? pct(c.lower) : c.lower.toFixed(3);
	const threshold = c.key === 'coverage' ? pct(c.threshold) : String(c.threshold);
	return `${c.ok ? m.gate_check_ok({}, o) : m.gate_check_fail({}, o)}: ${checkName(c, o)} ${value} ${c.ok ? '≥' : '<'} ${threshold}`;
}
