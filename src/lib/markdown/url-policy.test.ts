import { describe, expect, test } from 'vitest';
import { safeImageUrl, safeLinkUrl } from './url-policy';

describe('safeLinkUrl', () => {
	test.each([
		['https://example.org/a?b=1#c', 'https://example.org/a?b=1#c'],
		['HTTP://EXAMPLE.ORG', 'http://example.org/'],
		['mailto:someone@example.org', 'mailto:someone@example.org']
	])('accepts %s', (raw, normalized) => {
		expect(safeLinkUrl(raw)).toBe(normalized);
	});

	test.each([
		'javascript:alert(1)',
		'JaVaScRiPt:alert(1)',
		'jav\tascript:alert(1)',
		'java\nscript:alert(1)',
		' javascript:alert(1)',
		'\u0000javascript:alert(1)',
		'jav%09ascript:alert(1)',
		'vbscript:msgbox(1)',
		'data:text/html,<script>alert(1)</script>',
		'file:///etc/passwd',
		'//evil.example/x',
		'/relative/path',
		'#fragment',
		'https://bank.example@evil.example/',
		'https://user:pass@example.org/',
		'http://',
		'https:evil.example',
		'',
		`https://example.org/${'a'.repeat(5000)}`
	])('refuses %j', (raw) => {
		expect(safeLinkUrl(raw)).toBeNull();
	});
});

describe('safeImageUrl', () => {
	test('allows only http and https', () => {
		expect(safeImageUrl('https://img.example.org/a.png')).toBe('https://img.example.org/a.png');
		expect(safeImageUrl('mailto:a@example.org')).toBeNull();
		expect(safeImageUrl('data:image/png;base64,AAAA')).toBeNull();
		expect(safeImageUrl('data:image/svg+xml,<svg onload=alert(1)>')).toBeNull();
	});
});
