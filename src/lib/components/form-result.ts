/**
 * Reads a form action's result for one named form on pages with several.
 * Actions return `{ form, success }` or `failAction(...)`'s
 * `{ form, message, fieldErrors, values, reason }` (see lib/server/http/route-errors.ts).
 */
export interface FormResult {
	error: string | null;
	success: string | null;
	reason: string | null;
	fieldErrors: Record<string, string>;
	/** Submitted values, present after a failure. */
	values: Record<string, string> | null;
}

const empty: FormResult = { error: null, success: null, reason: null, fieldErrors: {}, values: null };

export function formResult(form: unknown, name: string): FormResult {
	if (!form || typeof form !== 'object' || (form as { form?: unknown }).form !== name) return empty;
	const f = form as Partial<{
		message: string;
		success: string;
		reason: string;
		fieldErrors: Record<string, string>;
		values: Record<string, string>;
	}>;
	return {
		error: f.message ?? null,
		success: f.success ?? null,
		reason: f.reason ?? null,
		fieldErrors: f.fieldErrors ?? {},
		values: f.values ?? null
	};
}
