import { describe, expect, it } from 'vitest';
import { checkRequestOrigin } from './origin-check';

const APP = 'https://concord.example';
const req = (method: string, headers: Record<string, string> = {}) =>
	new Request(`${APP}/api/trpc/x`, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : '{}' });
const allowed = (r: Request) => checkRequestOrigin(r, APP).allowed;

describe('checkRequestOrigin', () => {
	it('never blocks safe methods', () => {
		for (const method of ['GET', 'HEAD', 'OPTIONS'])
			expect(allowed(req(method, { origin: 'https://evil.example', cookie: 'session=x' }))).toBe(true);
	});

	it('allows same-origin writes by Origin or by Sec-Fetch-Site', () => {
		expect(allowed(req('POST', { origin: APP }))).toBe(true);
		expect(allowed(req('DELETE', { 'sec-fetch-site': 'same-origin', cookie: '__Host-session=x' }))).toBe(true);
	});

	it('refuses writes a browser marks as coming from elsewhere', () => {
		const foreign: Record<string, string>[] = [
			{ origin: 'https://evil.example' },
			{ origin: 'null' },
			{ origin: 'http://concord.example' },
			{ origin: 'https://concord.example:8443' },
			{ 'sec-fetch-site': 'cross-site' },
			{ 'sec-fetch-site': 'same-site' },
			{ 'sec-fetch-site': 'none' }
		];
		for (const headers of foreign) {
			for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'])
				expect(allowed(req(method, headers)), JSON.stringify([method, headers])).toBe(false);
		}
	});

	it('allows a header-less client only without a session cookie', () => {
		expect(allowed(req('POST'))).toBe(true);
		expect(allowed(req('POST', { cookie: 'PARAGLIDE_LOCALE=en' }))).toBe(true);
		expect(allowed(req('POST', { cookie: 'PARAGLIDE_LOCALE=en; session=abc' }))).toBe(false);
		expect(allowed(req('POST', { cookie: '__Host-session=abc' }))).toBe(false);
		// A cookie merely named like ours is not ours.
		expect(allowed(req('POST', { cookie: 'my_session=abc; sessionx=1' }))).toBe(true);
	});
});
