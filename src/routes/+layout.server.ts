import { redirect } from '@sveltejs/kit';
import { cookieName, getLocale, isLocale } from '$lib/paraglide/runtime.js';
import { localeCookieOptions } from '$lib/server/services/user-preferences';
import type { ShellUser } from '$lib/components/types';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, cookies, url, request, isDataRequest }) => {
	// The language is remembered per user: on a browser whose cookie says
	// otherwise (a new device, a choice made while signed out), the stored one
	// wins once, by re-requesting the page with the cookie set. Only for full
	// document GETs: a client-side navigation cannot re-render the shell.
	const stored = locals.user?.locale;
	if (stored && isLocale(stored) && cookies.get(cookieName) !== stored && request.method === 'GET' && !isDataRequest) {
		cookies.set(cookieName, stored, localeCookieOptions);
		redirect(303, url.pathname + url.search);
	}
	const user: ShellUser | null = locals.user
		? { displayName: locals.user.displayName, email: locals.user.email, isInstanceAdmin: locals.user.isInstanceAdmin }
		: null;
	return { user, locale: getLocale() };
};
