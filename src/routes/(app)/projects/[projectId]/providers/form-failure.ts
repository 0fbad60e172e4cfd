/** A failed provider save: failAction's result plus the field a service error names (baseUrl, model, key). */
import { fail } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { AppError } from '$lib/server/errors';
import { failAction } from '$lib/server/http/route-errors';
import { echoValues } from './form-values';

export function providerFailure(err: unknown, form: FormData) {
	const failed = failAction(err, { form: 'save', values: echoValues(form) });
	const cause = err instanceof TRPCError ? err.cause : undefined;
	const field = cause instanceof AppError ? (cause.details as { field?: unknown } | undefined)?.field : undefined;
	const fieldErrors = { ...failed.data.fieldErrors };
	if (typeof field === 'string' && cause) fieldErrors[field] = cause.message;
	return fail(failed.status, { ...failed.data, fieldErrors });
}
