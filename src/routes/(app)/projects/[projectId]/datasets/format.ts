/** Number formatting for the dataset pages, in the page's language. */
import { getLocale } from '$lib/paraglide/runtime.js';

export function formatCount(n: number): string {
	return new Intl.NumberFormat(getLocale()).format(n);
}
