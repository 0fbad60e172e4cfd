/**
 * POST /api/projects/:projectId/imports?fileName=answers.jsonl
 * Body: the raw file bytes (optionally gzip), streamed — not multipart.
 * Admins only. The body goes straight into PostgreSQL in ~1 MiB chunks; the
 * size limit (CONCORD_IMPORT_MAX_FILE_BYTES) is enforced while streaming.
 * 201 { importId, byteSize, gzip } — then preview/start through tRPC `imports.*`.
 * Errors: 401 / 403 / 404, 400 { error: { message, details.errors[] } },
 * 413 { error: { message, details.limitBytes } }. Never a 5xx for bad input.
 * Origin (CSRF) checks happen in hooks.server.ts for every POST.
 */
import { json } from '@sveltejs/kit';
import { z } from 'zod';
import type { RequestHandler } from './$types';
import { AppError, httpStatusOf } from '$lib/server/errors';
import { logger } from '$lib/server/logger';
import { getRuntime } from '$lib/server/runtime';
import { authorizeImportUpload, receiveUpload } from '$lib/server/services/imports';

function headerFileName(value: string | null): string {
	try {
		return decodeURIComponent(value ?? '');
	} catch {
		return value ?? '';
	}
}

const fail = (status: number, message: string, details?: unknown) => json({ error: { message, details } }, { status });

export const POST: RequestHandler = async ({ params, request, locals, url }) => {
	if (!locals.user) return fail(401, 'Sign in first.');
	if (!z.string().uuid().safeParse(params.projectId).success) return fail(404, 'Project not found.');
	const runtime = await getRuntime();
	try {
		await authorizeImportUpload(runtime.db, params.projectId, locals.user.id);
		if (!request.body) return fail(400, 'The request has no file in its body.');
		const length = request.headers.get('content-length');
		const result = await receiveUpload(runtime.db, {
			projectId: params.projectId,
			userId: locals.user.id,
			fileName: url.searchParams.get('fileName') ?? headerFileName(request.headers.get('x-file-name')),
			body: request.body as unknown as AsyncIterable<Uint8Array>,
			contentLength: length ? Number(length) : null
		});
		return json(result, { status: 201 });
	} catch (error) {
		if (error instanceof AppError) return fail(httpStatusOf[error.code], error.message, error.details);
		logger.error('import upload failed', { error, projectId: params.projectId });
		return fail(500, 'The upload failed because of a server error.');
	}
};
