import { describe, expect, it } from 'vitest';
import { publicUrl } from './public-url';

describe('publicUrl', () => {
	it('shows a wildcard bind as localhost on the default port', () => {
		expect(publicUrl({})).toBe('http://localhost:3000');
		expect(publicUrl({ HOST: '::', PORT: '8080' })).toBe('http://localhost:8080');
	});

	it('keeps a specific host, bracketing IPv6', () => {
		expect(publicUrl({ HOST: '127.0.0.1', PORT: '4300' })).toBe('http://127.0.0.1:4300');
		expect(publicUrl({ HOST: '::1', PORT: '4300' })).toBe('http://[::1]:4300');
	});

	it('prefers ORIGIN, the public address behind a proxy', () => {
		expect(publicUrl({ ORIGIN: 'https://concord.example.org/', PORT: '3000' })).toBe('https://concord.example.org');
	});
});
