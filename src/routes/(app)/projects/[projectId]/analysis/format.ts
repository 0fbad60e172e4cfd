/** Number formatting for the analysis pages: estimates with their 95% intervals, in the page's language. */
import { getLocale } from '$lib/paraglide/runtime.js';

export interface Est {
	estimate: number;
	ci: [number, number] | null;
}

const fixed = (digits: number) =>
	new Intl.NumberFormat(getLocale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** 0.555 [0.544, 0.559] */
export function withCi(e: Est | null | undefined, digits = 3): string {
	if (!e) return '—';
	const f = fixed(digits);
	return e.ci ? `${f.format(e.estimate)} [${f.format(e.ci[0])}, ${f.format(e.ci[1])}]` : f.format(e.estimate);
}

/** 55.5% [54.4, 55.9] */
export function pctCi(e: Est | null | undefined): string {
	if (!e) return '—';
	const f = fixed(1);
	const p = (x: number) => f.format(x * 100);
	return e.ci ? `${p(e.estimate)}% [${p(e.ci[0])}, ${p(e.ci[1])}]` : `${p(e.estimate)}%`;
}

export function count(n: number): string {
	return new Intl.NumberFormat(getLocale()).format(n);
}

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
