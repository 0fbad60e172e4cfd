/**
 * The session cookie. `HttpOnly` (scripts cannot read it), `SameSite=Lax`
 * (not sent on cross-site subresource requests or POSTs), `Path=/`. Over https
 * it is also `Secure` and named `__Host-session`: browsers accept a `__Host-`
 * cookie only from a secure origin, without `Domain`, with `Path=/` — so a
 * sibling subdomain or a plain-http response cannot plant or overwrite it.
 * The name follows the request URL's protocol (behind a TLS-terminating proxy,
 * set ORIGIN or the protocol header so SvelteKit sees https).
 */
import type { Cookies } from '@sveltejs/kit';

export const SESSION_COOKIE = 'session';
export const SECURE_SESSION_COOKIE = '__Host-session';

export function isSecureUrl(url: URL): boolean {
	return url.protocol === 'https:';
}

export function sessionCookieName(url: URL): string {
	return cookieNameFor(isSecureUrl(url));
}

function cookieNameFor(secure: boolean): string {
	return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

export interface SessionCookieOptions {
	path: '/';
	httpOnly: true;
	sameSite: 'lax';
	secure: boolean;
	expires?: Date;
	maxAge?: number;
}

export function sessionCookieOptions(url: URL, expiresAt: Date): SessionCookieOptions {
	return { path: '/', httpOnly: true, sameSite: 'lax', secure: isSecureUrl(url), expires: expiresAt };
}

export function readSessionCookie(cookies: Pick<Cookies, 'get'>, url: URL): string | undefined {
	return cookies.get(sessionCookieName(url));
}

export function setSessionCookie(cookies: Pick<Cookies, 'set'>, url: URL, token: string, expiresAt: Date): void {
	cookies.set(sessionCookieName(url), token, sessionCookieOptions(url, expiresAt));
}

export function deleteSessionCookie(cookies: Pick<Cookies, 'delete'>, url: URL): void {
	const { expires: _expires, ...options } = sessionCookieOptions(url, new Date(0));
	cookies.delete(sessionCookieName(url), options);
}

/** For code that only has a `setCookie(name, value, options)` (the tRPC context): an expired, empty cookie. */
export function clearingSessionCookie(secure: boolean): {
	name: string;
	value: string;
	options: Omit<SessionCookieOptions, 'expires'>;
} {
	return {
		name: cookieNameFor(secure),
		value: '',
		options: { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: 0 }
	};
}

/** The same for a new session's cookie (set by the sign-in and sign-up procedures). */
export function issuedSessionCookie(
	secure: boolean,
	token: string,
	expiresAt: Date
): { name: string; value: string; options: Omit<SessionCookieOptions, 'maxAge'> } {
	return {
		name: cookieNameFor(secure),
		value: token,
		options: { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: expiresAt }
	};
}

/**
 * Whether the raw Cookie header carries a session cookie under either name.
 * Used by the Origin check, which runs before cookies are parsed for us.
 */
export function hasSessionCookie(cookieHeader: string | null): boolean {
	if (!cookieHeader) return false;
	return cookieHeader.split(';').some((part) => {
		const name = part.split('=', 1)[0].trim();
		return name === SESSION_COOKIE || name === SECURE_SESSION_COOKIE;
	});
}
