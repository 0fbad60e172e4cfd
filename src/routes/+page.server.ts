import { fail, redirect } from '@sveltejs/kit';
import { cookieName, isLocale } from '$lib/paraglide/runtime.js';
import { safeRedirectTarget } from '$lib/server/auth/redirect';
import { serverCaller } from '$lib/server/trpc/caller';
import { localeCookieOptions } from '$lib/server/services/user-preferences';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	redirect(303, locals.user ? '/projects' : '/sign-in');
};

export const actions: Actions = {
	/** The language switch without JavaScript (see language-switch.svelte). */
	locale: async (event) => {
		const form = await event.request.formData();
		const locale = String(form.get('locale') ?? '');
		if (!isLocale(locale)) return fail(400, { message: 'Unknown language.' });
		if (event.locals.user) await (await serverCaller(event)).account.setLocale({ locale });
		else event.cookies.set(cookieName, locale, localeCookieOptions);
		redirect(303, safeRedirectTarget(String(form.get('redirectTo') ?? ''), '/'));
	}
};
