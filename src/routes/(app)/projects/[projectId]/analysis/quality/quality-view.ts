/**
 * The question-quality table's view from the query string: which questions (those with a problem,
 * one kind of problem, or all), sorted by which column, and at most LIMIT rows sent to the page.
 * Pure, so the load stays thin and the rules are tested on their own.
 */
import type { ItemQuality, QualityIssue } from '$lib/server/services/analysis-quality';

export const ISSUES: QualityIssue[] = ['flat', 'reversed', 'ambiguous', 'judge-split', 'skipped', 'flagged'];
export const SORTS = ['issues', 'item', 'spread', 'itemRest', 'disagreement', 'split', 'skipped', 'flagged'] as const;
export type QualitySort = (typeof SORTS)[number];
export type QualityView = 'issues' | 'all';
export const LIMIT = 500;

export interface QualityChoice {
	view: QualityView;
	issue: QualityIssue | null;
	sort: QualitySort;
	dir: 'asc' | 'desc';
}

export function readChoice(url: URL, flagged: number): QualityChoice {
	const view = url.searchParams.get('view');
	const issue = url.searchParams.get('issue') as QualityIssue | null;
	const sort = url.searchParams.get('sort') as QualitySort | null;
	const dir = url.searchParams.get('dir');
	return {
		// Default: the questions to fix, when there are any.
		view: view === 'all' || view === 'issues' ? view : flagged > 0 ? 'issues' : 'all',
		issue: issue && ISSUES.includes(issue) ? issue : null,
		sort: sort && SORTS.includes(sort) ? sort : 'issues',
		dir: dir === 'asc' || dir === 'desc' ? dir : 'desc'
	};
}

const key: Record<QualitySort, (q: ItemQuality) => number | string | null> = {
	issues: (q) => q.issues.length,
	item: (q) => q.externalId,
	spread: (q) => q.spread,
	itemRest: (q) => q.itemRest,
	disagreement: (q) => q.humanDisagreement,
	split: (q) => q.judgeSplit,
	skipped: (q) => (q.seen > 0 ? q.skipped / q.seen : null),
	flagged: (q) => q.annotatorFlags + q.judgeFlags
};

/** Filtered and sorted (missing figures last in either direction; ties by the service's order). */
export function selectItems(items: readonly ItemQuality[], c: QualityChoice): ItemQuality[] {
	const kept = items.filter((q) =>
		c.issue ? q.issues.includes(c.issue) : c.view === 'issues' ? q.issues.length > 0 : true
	);
	const sign = c.dir === 'asc' ? 1 : -1;
	const get = key[c.sort];
	return kept
		.map((q, i) => ({ q, i, k: get(q) }))
		.sort((a, b) => {
			if (a.k === null || b.k === null) return a.k === null ? (b.k === null ? a.i - b.i : 1) : -1;
			const d = typeof a.k === 'string' ? a.k.localeCompare(String(b.k)) : a.k - (b.k as number);
			return d !== 0 ? sign * d : a.i - b.i;
		})
		.map((x) => x.q);
}
