/** Localized labels for values the server sends as codes. */
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import type { ProjectRole } from '$lib/schemas/project';

export function roleLabel(role: ProjectRole): string {
	if (role === 'admin') return m.member_role_admin();
	if (role === 'annotator') return m.member_role_annotator();
	return m.member_role_viewer();
}

export function roleDescription(role: ProjectRole): string {
	if (role === 'admin') return m.member_role_admin_description();
	if (role === 'annotator') return m.member_role_annotator_description();
	return m.member_role_viewer_description();
}

/** Date and time in the page's language (server and browser agree on the locale via the cookie). */
export function formatDateTime(value: Date | string): string {
	return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value));
}

export function formatDate(value: Date | string): string {
	return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium' }).format(new Date(value));
}
