/**
 * Turns tRPC errors from `serverCaller` into what SvelteKit loads and form
 * actions need: `error()` / a sign-in redirect for loads, `fail()` with
 * localized field errors for actions. Used by route files only (it is the
 * seam between tRPC and SvelteKit), never by services or the worker.
 */
import { error, fail, isHttpError, isRedirect, redirect, type ActionFailure } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { z } from 'zod';
import { m } from '../../paraglide/messages.js';
import { AppError } from '../errors';

export interface FormFailure {
	/** Localized message for the whole form. */
	message: string;
	/** Machine-readable reason from `AppError.details.reason`, when the service gave one. */
	reason?: string;
	/** Localized messages by input field name. */
	fieldErrors: Record<string, string>;
	/** Which form failed, when a page has several. */
	form?: string;
	/** What was submitted, to refill the form when JavaScript is off. */
	values?: Record<string, string>;
}

function signInUrl(url: URL): string {
	return `/sign-in?redirectTo=${encodeURIComponent(url.pathname + url.search)}`;
}

/** Rethrows a caller error as a SvelteKit error or redirect; SvelteKit's own errors pass through. */
export function throwForLoad(err: unknown, url: URL): never {
	if (isRedirect(err) || isHttpError(err)) throw err;
	if (err instanceof TRPCError) {
		if (err.code === 'UNAUTHORIZED') redirect(303, signInUrl(url));
		if (err.code === 'NOT_FOUND') error(404, { message: m.common_error_not_found(), code: 'NOT_FOUND' });
		if (err.code === 'FORBIDDEN') error(403, { message: m.common_error_forbidden(), code: 'FORBIDDEN' });
		if (err.cause instanceof z.ZodError) {
			// A load's input comes from the URL: an id that is not one (e.g. /queues/new) names no page.
			if (err.cause.issues.some((i) => i.code === 'invalid_format' && i.format === 'uuid'))
				error(404, { message: m.common_error_not_found(), code: 'NOT_FOUND' });
			// Otherwise name the field and say what is wrong with it, never the validator's raw JSON.
			const message = err.cause.issues.map((i) => `${i.path.join('.') || '—'}: ${localizeIssue(i)}`).join('; ');
			error(400, { message, code: 'BAD_REQUEST' });
		}
		const status = getHTTPStatusCodeFromError(err);
		if (status < 500) error(status, { message: err.message, code: err.code });
	}
	throw err;
}

/** Runs a load step, mapping caller errors with `throwForLoad`. */
export async function loadOrThrow<T>(url: URL, run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (err) {
		throwForLoad(err, url);
	}
}

function localizeIssue(issue: z.core.$ZodIssue): string {
	if (issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) <= 1)
		return m.common_error_required();
	if (issue.code === 'too_big' && issue.origin === 'string')
		return m.common_error_too_long({ max: Number(issue.maximum) });
	if (issue.code === 'invalid_format' && issue.format === 'email') return m.common_error_email();
	return issue.message;
}

const reasonOf = (err: TRPCError) => {
	const details = err.cause instanceof AppError ? (err.cause.details as { reason?: unknown } | undefined) : undefined;
	return typeof details?.reason === 'string' ? details.reason : undefined;
};

/**
 * A failed action as `fail(status, FormFailure)`. Validation issues become
 * per-field messages in the request's language; other errors keep the
 * service's message (safe to show by contract) plus its `reason` so a page may
 * choose its own wording. Unexpected errors are rethrown (500, logged).
 */
/** A page's own wording for a service's `reason`; a function gets the error's details (e.g. a retry time). */
export type ReasonMessages = Record<string, string | ((details: Record<string, unknown>) => string)>;

export interface FailActionOptions {
	form?: string;
	messages?: ReasonMessages;
	values?: Record<string, string>;
	/** A page's own message for a validation issue of one field; undefined falls back to the generic ones. */
	issueMessage?: (field: string, issue: z.core.$ZodIssue) => string | undefined;
}

export function failAction(err: unknown, opts: FailActionOptions = {}): ActionFailure<FormFailure> {
	if (isRedirect(err)) throw err;
	if (!(err instanceof TRPCError)) throw err;
	const status = getHTTPStatusCodeFromError(err);
	if (status >= 500) throw err;
	const fieldErrors: Record<string, string> = {};
	if (err.cause instanceof z.ZodError) {
		for (const issue of err.cause.issues) {
			const field = String(issue.path[0] ?? '');
			fieldErrors[field] ??= opts.issueMessage?.(field, issue) ?? localizeIssue(issue);
		}
	}
	const reason = reasonOf(err);
	const wording = reason ? opts.messages?.[reason] : undefined;
	const details = (err.cause instanceof AppError ? err.cause.details : undefined) as
		Record<string, unknown> | undefined;
	const fromPage = typeof wording === 'function' ? wording(details ?? {}) : wording;
	let message = fromPage ?? err.message;
	if (err.cause instanceof z.ZodError) message = m.common_error_check_fields();
	else if (err.code === 'FORBIDDEN' && !fromPage) message = m.common_error_forbidden();
	else if (err.code === 'NOT_FOUND' && !fromPage) message = m.common_error_not_found();
	return fail(status, { message, reason, fieldErrors, form: opts.form, values: opts.values });
}
