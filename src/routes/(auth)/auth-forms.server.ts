/**
 * What the sign-in, sign-up and invite actions share: reading the forms and
 * wording the failures of the `auth` / `invitations` procedures in the
 * reader's language. Validation is the procedures' (the zod schemas in
 * lib/schemas/auth.ts), HTTP statuses come from the one AppError table
 * (through tRPC, route-errors.ts), and the procedures set the cookies.
 */
import type { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';
import { DISPLAY_NAME_MAX } from '$lib/schemas/project';
import { PASSWORD_MAX, PASSWORD_MIN } from '$lib/schemas/auth';
import { failAction, type ReasonMessages } from '$lib/server/http/route-errors';

export function field(form: FormData, name: string): string {
	const value = form.get(name);
	return typeof value === 'string' ? value : '';
}

export function signInValues(form: FormData) {
	return { email: field(form, 'email'), password: field(form, 'password') };
}

export function signUpValues(form: FormData) {
	return { email: field(form, 'email'), displayName: field(form, 'displayName'), password: field(form, 'password') };
}

/** What is sent back to refill a form without JavaScript: never the password, long input cut short. */
function echoOf(values: Record<string, string>): Record<string, string> {
	const echo: Record<string, string> = {};
	if (values.email !== undefined) echo.email = values.email.slice(0, 320);
	if (values.displayName !== undefined) echo.displayName = values.displayName.slice(0, 200);
	return echo;
}

/** The account forms' wording of a service refusal, by `AppError.details.reason`. */
function reasonMessages(now: Date): ReasonMessages {
	return {
		throttled: (details) => {
			const retryAt = details.retryAt instanceof Date ? details.retryAt.getTime() : now.getTime();
			return m.auth_error_throttled({ minutes: Math.max(1, Math.ceil((retryAt - now.getTime()) / 60_000)) });
		},
		invalid_credentials: m.auth_error_invalid_credentials(),
		email_taken: m.auth_error_email_taken(),
		invitation_required: m.auth_error_invitation_required(),
		invalid_input: m.auth_error_check_fields(),
		not_found: m.invite_error_not_found(),
		expired: m.invite_error_expired(),
		revoked: m.invite_error_revoked(),
		accepted: m.invite_error_accepted(),
		email_mismatch: m.invite_error_email_mismatch(),
		already_registered: m.invite_error_already_registered()
	};
}

/** The account forms' wording of a schema issue: an empty field is "required", whatever the schema said. */
function issueMessage(values: Record<string, string>) {
	return (name: string, issue: z.core.$ZodIssue): string | undefined => {
		const blank = !(values[name] ?? '').trim();
		const problem = issue.code === 'custom' ? (issue.params as { problem?: string } | undefined)?.problem : undefined;
		switch (name) {
			case 'email':
				return blank ? m.auth_error_email_required() : m.auth_error_email_invalid();
			case 'displayName':
				if (blank) return m.auth_error_display_name_required();
				return issue.code === 'too_big' ? m.common_error_too_long({ max: DISPLAY_NAME_MAX }) : undefined;
			case 'password':
				if (!values[name]) return m.auth_error_password_required();
				if (problem === 'too_short') return m.auth_error_password_too_short({ min: PASSWORD_MIN });
				if (problem === 'too_long') return m.auth_error_password_too_long({ max: PASSWORD_MAX });
				return undefined;
		}
		return undefined;
	};
}

/**
 * A refused account form as `fail(status, FormFailure)`: the status from the
 * AppError table, the message in the reader's language, the fields refilled.
 * Errors that are not the visitor's to fix are rethrown (500, logged).
 */
export function failAuthForm(err: unknown, opts: { form?: string; values?: Record<string, string> } = {}) {
	const values = opts.values ?? {};
	return failAction(err, {
		form: opts.form,
		values: echoOf(values),
		messages: reasonMessages(new Date()),
		issueMessage: issueMessage(values)
	});
}
