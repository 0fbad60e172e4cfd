import { describe, expect, it } from 'vitest';
import { filterQuery, readCursor, readFilters } from './filters';

describe('item list URL state', () => {
	it('round-trips filters and cursors through the query string', () => {
		const f = { search: 'a&b c', systemId: '123e4567-e89b-12d3-a456-426614174000', category: 'x/y', tag: '中文' };
		const q = filterQuery(f, { after: 'q10' });
		const params = new URLSearchParams(q.slice(1));
		expect(readFilters(params)).toEqual(f);
		expect(readCursor(params)).toEqual({ after: 'q10' });
	});

	it('drops blank values and malformed system ids', () => {
		expect(readFilters(new URLSearchParams('q=%20%20&system=nope&category=&tag=t'))).toEqual({
			search: undefined,
			systemId: undefined,
			category: undefined,
			tag: 't'
		});
		expect(filterQuery({})).toBe('');
	});
});
