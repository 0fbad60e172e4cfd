/**
 * The gate's thresholds and use as query-string / form fields: the GET form that shows the checks
 * and the certify form post the same fields, so what was shown is what gets certified.
 */
import type { GateThresholdsInput } from '$lib/schemas/gate';

/** The statistics a rubric's mode offers (services/gate-evaluation.ts thresholdsFor keeps them apart). */
export const POINTWISE_STATISTICS = ['kappaQuadratic', 'kappaLinear', 'exact', 'withinOne'] as const;
export const PAIRWISE_STATISTICS = ['kappaPairwise', 'agreementWithTies', 'agreementWithoutTies'] as const;
export const STATISTICS = [...POINTWISE_STATISTICS, ...PAIRWISE_STATISTICS] as const;
export type Statistic = (typeof STATISTICS)[number];
export const statisticsFor = (mode: string): readonly Statistic[] =>
	mode === 'pairwise' ? PAIRWISE_STATISTICS : POINTWISE_STATISTICS;

export const DEFAULT_USE = 'release';

function bounded(v: string | null, min: number, max: number, fallback: number | null): number | null {
	if (v === null) return fallback;
	if (v.trim() === '') return null;
	const n = Number(v);
	return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

export function readThresholds(params: URLSearchParams): { thresholds: GateThresholdsInput; use: string } {
	const s = params.get('statistic') as Statistic | null;
	const use = (params.get('use') ?? '').trim().slice(0, 200) || DEFAULT_USE;
	return {
		use,
		thresholds: {
			statistic: s && STATISTICS.includes(s) ? s : 'kappaQuadratic',
			minAgreement: bounded(params.get('minAgreement'), -1, 1, 0.6) ?? 0.6,
			minTpr: bounded(params.get('minTpr'), 0, 1, 0.8),
			minTnr: bounded(params.get('minTnr'), 0, 1, 0.8)
		}
	};
}

/** The same values as form field strings (hidden inputs, links). */
export function thresholdQuery(t: GateThresholdsInput, use: string): Record<string, string> {
	return {
		use,
		statistic: t.statistic,
		minAgreement: String(t.minAgreement),
		minTpr: t.minTpr === null ? '' : String(t.minTpr),
		minTnr: t.minTnr === null ? '' : String(t.minTnr)
	};
}
