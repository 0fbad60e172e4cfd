import { describe, expect, it } from 'vitest';
import { safeRedirectTarget } from './redirect';

describe('safeRedirectTarget', () => {
	it('keeps same-site relative paths', () => {
		expect(safeRedirectTarget('/projects/abc?tab=members#top')).toBe('/projects/abc?tab=members#top');
		expect(safeRedirectTarget('/account')).toBe('/account');
	});

	it('falls back for anything that could leave the site', () => {
		for (const bad of [
			null,
			undefined,
			'',
			'projects',
			'//evil.example/x',
			'/\\evil.example',
			'\\\\evil.example',
			'https://evil.example/',
			'javascript:alert(1)',
			'/\t/evil.example',
			'/\n/evil.example',
			' /projects'
		]) {
			expect(safeRedirectTarget(bad)).toBe('/projects');
		}
	});
});
