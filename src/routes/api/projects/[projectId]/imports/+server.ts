/**
 * POST /api/projects/:projectId/imports?fileName=answers.jsonl
 * Body: the raw file bytes (optionally gzip), streamed — not multipart.
 * Project admins only (the guard answers 401 / 404 / 403 first). The body goes straight into PostgreSQL in ~1 MiB chunks; the
 * size limit (CONCORD_IMPORT_MAX_FILE_BYTES) is enforced while streaming.
 * 201 { importId, byteSize, gzip } — then preview/start through tRPC `imports.*`.
 * Errors: 401 / 403 / 404, 400 { error: { message, details.errors[] } },
 * 413 { error: { message, details.limitBytes } }. Never a 5xx for bad input.
 * Origin (CSRF) checks happen in hooks.server.ts for every POST.
 */
import { json } from '@sveltejs/kit';
import type { RequestEvent } from './$types';
import { errorResponse, guardedEndpoint } from '$lib/server/http/guarded-endpoint';
import { getRuntime } from '$lib/server/runtime';
import { emptyFile, receiveUpload } from '$lib/server/services/imports';

function headerFileName(value: string | null): string {
	try {
		return decodeURIComponent(value ?? '');
	} catch {
		return value ?? '';
	}
}

export const POST = guardedEndpoint({
	policy: { kind: 'project', capability: 'admin' },
	handler: async ({ request, url }: RequestEvent, { user, membership }) => {
		// A browser sends no body at all for an empty file: that is what to say.
		if (!request.body) {
			const empty = emptyFile();
			return errorResponse(400, empty.message, empty.details);
		}
		const length = request.headers.get('content-length');
		const result = await receiveUpload((await getRuntime()).db, {
			projectId: membership.projectId,
			userId: user.id,
			fileName: url.searchParams.get('fileName') ?? headerFileName(request.headers.get('x-file-name')),
			body: request.body as unknown as AsyncIterable<Uint8Array>,
			contentLength: length ? Number(length) : null
		});
		return json(result, { status: 201 });
	}
});
