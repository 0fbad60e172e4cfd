/**
 * An import problem in the reader's language: the server sends an i18n key with parameters
 * next to its English `reason` (see ImportErrorEntry); a key this build does not know, or an
 * entry without one (checks written in SQL), falls back to the English text.
 */
import * as messages from '$lib/paraglide/messages.js';
import type { Locale } from '$lib/paraglide/runtime.js';

export interface KeyedIssue {
	reason: string;
	key?: string;
	params?: Record<string, string | number>;
}

type MessageFn = (params: Record<string, string | number>, options?: { locale?: Locale }) => string;

/** `locale` defaults to the page's language. */
export function issueText(issue: KeyedIssue, locale?: Locale): string {
	if (!issue.key?.startsWith('import_err_')) return issue.reason;
	const fn = (messages as unknown as Record<string, MessageFn | undefined>)[issue.key];
	return typeof fn === 'function' ? fn(issue.params ?? {}, locale ? { locale } : {}) : issue.reason;
}
