/**
 * Cross-site request forgery defence for every state-changing request
 * (anything but GET, HEAD, OPTIONS): tRPC JSON posts, uploads and form posts
 * alike. SvelteKit's built-in check covers only form content types (and is off
 * in dev), so this runs first in the handle sequence.
 *
 * - `Origin` equal to the app's origin, or `Sec-Fetch-Site: same-origin`: allow.
 *   (Browsers always send one of them on a non-GET request.)
 * - Either header present and saying something else: 403.
 * - Neither header: not a browser. Allow only without a session cookie — a
 *   script or CLI has no ambient authority to abuse.
 */
import type { Handle } from '@sveltejs/kit';
import { hasSessionCookie } from './cookies';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type OriginVerdict = { allowed: true } | { allowed: false; reason: string };

export function checkRequestOrigin(request: Request, appOrigin: string): OriginVerdict {
	if (SAFE_METHODS.has(request.method)) return { allowed: true };
	const origin = request.headers.get('origin');
	const fetchSite = request.headers.get('sec-fetch-site');
	if (origin === appOrigin || fetchSite === 'same-origin') return { allowed: true };
	if (origin !== null || fetchSite !== null) {
		return {
			allowed: false,
			reason: `cross-site ${request.method} refused (origin ${origin ?? '-'}, sec-fetch-site ${fetchSite ?? '-'})`
		};
	}
	if (hasSessionCookie(request.headers.get('cookie'))) {
		return {
			allowed: false,
			reason: `${request.method} with a session cookie but neither Origin nor Sec-Fetch-Site refused`
		};
	}
	return { allowed: true };
}

export const handleOriginCheck: Handle = ({ event, resolve }) => {
	const verdict = checkRequestOrigin(event.request, event.url.origin);
	if (!verdict.allowed) {
		return new Response(JSON.stringify({ error: { code: 'FORBIDDEN', message: 'Cross-site request refused.' } }), {
			status: 403,
			headers: { 'content-type': 'application/json; charset=utf-8' }
		});
	}
	return resolve(event);
};
