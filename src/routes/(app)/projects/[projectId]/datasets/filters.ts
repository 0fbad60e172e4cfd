/**
 * The item list's state lives in the URL (?q=&system=&category=&tag=&after=|before=)
 * so filtered pages can be bookmarked, shared and reloaded, work without
 * JavaScript, and carry over to the item view (previous/next follow the filters).
 */
import type { ResolvedPathname } from '$app/types';

export interface ItemFilters {
	search?: string;
	systemId?: string;
	category?: string;
	tag?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const nonEmpty = (v: string | null) => (v && v.trim() ? v.trim() : undefined);

export function readFilters(params: URLSearchParams): ItemFilters {
	const system = nonEmpty(params.get('system'));
	return {
		search: nonEmpty(params.get('q'))?.slice(0, 200),
		// A mangled system id in a URL is ignored rather than failing the page.
		systemId: system && UUID.test(system) ? system : undefined,
		category: nonEmpty(params.get('category')),
		tag: nonEmpty(params.get('tag'))
	};
}

export function readCursor(params: URLSearchParams): { after?: string; before?: string } {
	const after = params.get('after');
	const before = params.get('before');
	if (before !== null) return { before };
	if (after !== null) return { after };
	return {};
}

/** The query string for filters (and optionally a cursor), without the leading "?" when empty. */
export function filterQuery(f: ItemFilters, cursor: { after?: string; before?: string } = {}): string {
	const p = new URLSearchParams();
	if (f.search) p.set('q', f.search);
	if (f.systemId) p.set('system', f.systemId);
	if (f.category) p.set('category', f.category);
	if (f.tag) p.set('tag', f.tag);
	if (cursor.after !== undefined) p.set('after', cursor.after);
	if (cursor.before !== undefined) p.set('before', cursor.before);
	const s = p.toString();
	return s ? `?${s}` : '';
}

export function hasFilters(f: ItemFilters): boolean {
	return Boolean(f.search || f.systemId || f.category || f.tag);
}

/**
 * A resolved route with a query string appended. Typed as a resolved pathname
 * (which it still is, plus a search part) so links built from `resolve()` keep
 * passing the navigation lint.
 */
export function withQuery(path: ResolvedPathname, query: string): ResolvedPathname {
	return `${path}${query}` as ResolvedPathname;
}
