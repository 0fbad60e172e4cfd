import { getLocale } from '$lib/paraglide/runtime.js';

/** 1536 → "1.5 KB" (decimal units, as file managers show them), in the page's language. */
export function formatBytes(n: number): string {
	const units = ['B', 'KB', 'MB', 'GB', 'TB'];
	let value = n;
	let unit = 0;
	while (value >= 1000 && unit < units.length - 1) {
		value /= 1000;
		unit++;
	}
	const digits = unit === 0 || value >= 100 ? 0 : 1;
	return `${new Intl.NumberFormat(getLocale(), { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}
