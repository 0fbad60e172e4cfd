/**
 * What the sign-in, sign-up and invite actions share: reading and validating
 * the forms with localized messages, turning service errors into messages,
 * and starting a session (cookie + the account's language).
 */
import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { cookieName, isLocale } from '$lib/paraglide/runtime.js';
import { m } from '$lib/paraglide/messages.js';
import { EMAIL_MAX, PASSWORD_MAX, PASSWORD_MIN, passwordLengthProblem } from '$lib/schemas/auth';
import { DISPLAY_NAME_MAX } from '$lib/schemas/project';
import { readSessionCookie, setSessionCookie } from '$lib/server/auth/cookies';
import type { IssuedSession } from '$lib/server/auth/sessions';
import { AppError, appErrorMapping } from '$lib/server/errors';
import { getRuntime } from '$lib/server/runtime';
import type { ClientInfo } from '$lib/server/services/accounts';
import { localeCookieOptions } from '$lib/server/services/user-preferences';

export async function runtimeDb() {
	return (await getRuntime()).db;
}

export function clientOf(event: RequestEvent): ClientInfo {
	return { clientAddress: event.locals.clientAddress, userAgent: event.request.headers.get('user-agent') };
}

/** The session cookie the browser sent, if any: ended at sign-in (rotation). */
export function currentToken(event: RequestEvent): string | undefined {
	return readSessionCookie(event.cookies, event.url);
}

export function field(form: FormData, name: string): string {
	const value = form.get(name);
	return typeof value === 'string' ? value : '';
}

export type FieldErrors = Record<string, string>;

/** Every failure of the account forms has this one shape, so pages read `form` without guessing. */
export interface AuthFormFailure {
	/** Which form failed, on pages with several. */
	form?: string;
	message?: string;
	fieldErrors: FieldErrors;
	/** Submitted values to refill (never the password). */
	email?: string;
	displayName?: string;
}

export function failForm(status: number, data: AuthFormFailure): ActionFailure<AuthFormFailure> {
	return fail(status, data);
}

// A rough shape check; the server's zod schema decides, this only picks the message.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function signInFieldErrors(values: { email: string; password: string }): FieldErrors {
	const errors: FieldErrors = {};
	if (!values.email.trim()) errors.email = m.auth_error_email_required();
	else if (values.email.length > EMAIL_MAX) errors.email = m.auth_error_email_invalid();
	if (!values.password) errors.password = m.auth_error_password_required();
	else if (passwordLengthProblem(values.password) === 'too_long')
		errors.password = m.auth_error_password_too_long({ max: PASSWORD_MAX });
	return errors;
}

export function signUpFieldErrors(values: { email: string; displayName: string; password: string }): FieldErrors {
	const errors: FieldErrors = {};
	const email = values.email.trim();
	if (!email) errors.email = m.auth_error_email_required();
	else if (email.length > EMAIL_MAX || !EMAIL_SHAPE.test(email)) errors.email = m.auth_error_email_invalid();
	const name = values.displayName.trim();
	if (!name) errors.displayName = m.auth_error_display_name_required();
	else if (name.length > DISPLAY_NAME_MAX) errors.displayName = m.common_error_too_long({ max: DISPLAY_NAME_MAX });
	const problem = passwordLengthProblem(values.password);
	if (problem === 'too_short') errors.password = m.auth_error_password_too_short({ min: PASSWORD_MIN });
	if (problem === 'too_long') errors.password = m.auth_error_password_too_long({ max: PASSWORD_MAX });
	return errors;
}

export function reasonOf(error: unknown): string | undefined {
	if (!(error instanceof AppError)) return undefined;
	const reason = (error.details as { reason?: unknown } | undefined)?.reason;
	return typeof reason === 'string' ? reason : undefined;
}

/** A localized message for a service refusal, or undefined for errors that are not the user's to fix. */
export function messageFor(error: unknown, now = new Date()): string | undefined {
	if (!(error instanceof AppError)) return undefined;
	const reason = reasonOf(error);
	switch (reason) {
		case 'throttled': {
			const retryAt = (error.details as { retryAt: Date }).retryAt;
			return m.auth_error_throttled({ minutes: Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 60_000)) });
		}
		case 'invalid_credentials':
			return m.auth_error_invalid_credentials();
		case 'email_taken':
			return m.auth_error_email_taken();
		case 'invitation_required':
			return m.auth_error_invitation_required();
		case 'invalid_input':
			return m.auth_error_check_fields();
		case 'not_found':
			return m.invite_error_not_found();
		case 'expired':
			return m.invite_error_expired();
		case 'revoked':
			return m.invite_error_revoked();
		case 'accepted':
			return m.invite_error_accepted();
		case 'email_mismatch':
			return m.invite_error_email_mismatch();
		case 'already_registered':
			return m.invite_error_already_registered();
	}
	if (error.code === 'BAD_REQUEST') return m.auth_error_check_fields();
	return undefined;
}

/** The HTTP status of a refused form, from the one AppError table (errors.ts). */
export function statusOf(error: unknown): number {
	return error instanceof AppError ? appErrorMapping[error.code].http : 400;
}

/** The browser's explicit language choice (the Paraglide cookie), to remember for a new account. */
export function chosenLocale(event: RequestEvent): string | null {
	const value = event.cookies.get(cookieName);
	return value && isLocale(value) ? value : null;
}

/**
 * Sends the new session's cookie and, when the account has a language, the
 * Paraglide cookie, so the very next page renders in it.
 */
export function startSession(event: RequestEvent, issued: IssuedSession): void {
	setSessionCookie(event.cookies, event.url, issued.token, issued.expiresAt);
	const locale = issued.user.locale;
	if (locale && isLocale(locale))
		event.cookies.set(cookieName, locale, { ...localeCookieOptions, secure: event.url.protocol === 'https:' });
}
