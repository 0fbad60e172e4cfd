/** The gate page's words for statistics, checks, statuses and re-certification reasons (en + zh-CN messages). */
import { m } from '$lib/paraglide/messages.js';
import type { Statistic } from './thresholds';

export function statisticName(s: Statistic): string {
	return {
		kappaQuadratic: m.gate_stat_kappa_quadratic(),
		kappaLinear: m.gate_stat_kappa_linear(),
		exact: m.gate_stat_exact(),
		withinOne: m.gate_stat_within_one()
	}[s];
}

/** The "all red lines together" key of the service (gate-evaluation.ts ALL_RED_LINES). */
export function criterionName(key: string): string {
	return key === '__all' ? m.gate_all_red_lines() : key;
}

/** sha256:0123456789ab… → 0123456789ab */
export function shortHash(hash: string | null): string {
	return hash ? hash.replace(/^sha256:/, '').slice(0, 12) : '—';
}

export function checkName(c: { key: string; criterion: string | null }): string {
	const crit = c.criterion ? ` (${criterionName(c.criterion)})` : '';
	switch (c.key) {
		case 'coverage':
			return m.gate_check_coverage();
		case 'agreement':
			return m.gate_check_agreement();
		case 'tpr':
			return m.gate_check_tpr() + crit;
		default:
			return m.gate_check_tnr() + crit;
	}
}

export function statusName(s: string): string {
	return s === 'certified'
		? m.gate_status_certified()
		: s === 'revoked'
			? m.gate_status_revoked()
			: m.gate_status_recertify();
}

export function reasonName(r: string): string {
	return r === 'rubric-changed'
		? m.gate_reason_rubric()
		: r === 'model-changed'
			? m.gate_reason_model()
			: m.gate_reason_set();
}

export function modelName(model: Record<string, unknown>): string {
	const parts = [String(model.model ?? '—')];
	if (model.temperature !== null && model.temperature !== undefined) parts.push(`T=${model.temperature}`);
	if (model.seed !== null && model.seed !== undefined) parts.push(`seed ${model.seed}`);
	return parts.join(' · ');
}
