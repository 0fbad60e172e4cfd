import { describe, expect, it } from 'vitest';
import { clearingSessionCookie, sessionCookieName, sessionCookieOptions } from './cookies';

describe('session cookie', () => {
	const expires = new Date('2030-01-01T00:00:00Z');

	it('is `session`, HttpOnly, SameSite=Lax, Path=/ and not Secure over http', () => {
		const url = new URL('http://localhost:5173/sign-in');
		expect(sessionCookieName(url)).toBe('session');
		expect(sessionCookieOptions(url, expires)).toEqual({
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			secure: false,
			expires
		});
	});

	it('is `__Host-session` and Secure over https (no Domain, Path=/ as the prefix requires)', () => {
		const url = new URL('https://concord.example/sign-in');
		expect(sessionCookieName(url)).toBe('__Host-session');
		const options = sessionCookieOptions(url, expires);
		expect(options).toEqual({ path: '/', httpOnly: true, sameSite: 'lax', secure: true, expires });
		expect(options).not.toHaveProperty('domain');
	});

	it('is cleared with the same name and attributes', () => {
		expect(clearingSessionCookie(true)).toEqual({
			name: '__Host-session',
			value: '',
			options: { path: '/', httpOnly: true, sameSite: 'lax', secure: true, maxAge: 0 }
		});
		expect(clearingSessionCookie(false).name).toBe('session');
	});
});
