import { describe, expect, it } from 'vitest';
import type { ItemQuality } from '$lib/server/services/analysis-quality';
import { readChoice, selectItems } from './quality-view';

const item = (externalId: string, over: Partial<ItemQuality> = {}): ItemQuality => ({
	itemId: externalId,
	externalId,
	category: null,
	comparisons: 3,
	systems: 3,
	spread: 0.5,
	itemRest: 0.5,
	basis: 'humans',
	humanDisagreement: 0.1,
	humanLabels: 9,
	judgeSplit: 0.1,
	seen: 0,
	skipped: 0,
	annotatorFlags: 0,
	judgeFlags: 0,
	issues: [],
	...over
});
const items = [
	item('a', { issues: ['ambiguous'], humanDisagreement: 0.6 }),
	item('b', { spread: null }),
	item('c', { issues: ['flat', 'judge-split'], spread: 0.05, judgeSplit: 0.7 }),
	item('d', { spread: 0.2, seen: 4, skipped: 2, issues: ['skipped'] })
];
const url = (q: string) => new URL(`http://x/quality?${q}`);

describe('question quality view', () => {
	it('opens on the questions to fix when there are any, else on all; ignores unknown values', () => {
		expect(readChoice(url(''), 3)).toEqual({ view: 'issues', issue: null, sort: 'issues', dir: 'desc' });
		expect(readChoice(url(''), 0).view).toBe('all');
		expect(readChoice(url('view=nope&issue=nope&sort=nope&dir=up'), 1)).toEqual({
			view: 'issues',
			issue: null,
			sort: 'issues',
			dir: 'desc'
		});
	});

	it('filters by view and problem, sorts both ways with missing figures last', () => {
		const ids = (q: string) => selectItems(items, readChoice(url(q), 3)).map((i) => i.externalId);
		expect(ids('')).toEqual(['c', 'a', 'd']);
		expect(ids('issue=flat&view=all')).toEqual(['c']);
		expect(ids('view=all&sort=spread&dir=asc')).toEqual(['c', 'd', 'a', 'b']);
		expect(ids('view=all&sort=spread&dir=desc')).toEqual(['a', 'd', 'c', 'b']);
		expect(ids('view=all&sort=skipped')).toEqual(['d', 'a', 'b', 'c']);
		expect(ids('view=all&sort=item&dir=asc')).toEqual(['a', 'b', 'c', 'd']);
	});
});
