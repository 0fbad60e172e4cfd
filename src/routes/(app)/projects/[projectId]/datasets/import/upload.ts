/**
 * Uploads a file to POST /api/projects/:projectId/imports with
 * XMLHttpRequest, because fetch() cannot report upload progress. The body is
 * the raw file (the server streams it into PostgreSQL), not multipart.
 */
export interface UploadResult {
	importId: string;
	byteSize: number;
	gzip: boolean;
}

export interface UploadErrorEntry {
	line: number;
	field: string | null;
	reason: string;
	/** i18n key and parameters of the reason (see issue-text.ts). */
	key?: string;
	params?: Record<string, string | number>;
}

export class UploadError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly errors: UploadErrorEntry[] = []
	) {
		super(message);
		this.name = 'UploadError';
	}
}

export interface UploadHandle {
	done: Promise<UploadResult>;
	abort(): void;
}

export function uploadFile(
	projectId: string,
	file: File,
	onProgress: (loaded: number, total: number) => void
): UploadHandle {
	const xhr = new XMLHttpRequest();
	const done = new Promise<UploadResult>((resolve, reject) => {
		xhr.open(
			'POST',
			`/api/projects/${encodeURIComponent(projectId)}/imports?fileName=${encodeURIComponent(file.name)}`
		);
		xhr.setRequestHeader('content-type', 'application/octet-stream');
		xhr.responseType = 'json';
		xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
		xhr.onload = () => {
			const body = xhr.response as {
				importId?: string;
				byteSize?: number;
				gzip?: boolean;
				error?: { message?: string; details?: { errors?: UploadErrorEntry[] } };
			} | null;
			if (xhr.status === 201 && body?.importId) {
				resolve({ importId: body.importId, byteSize: body.byteSize ?? file.size, gzip: body.gzip ?? false });
				return;
			}
			reject(
				new UploadError(body?.error?.message ?? `HTTP ${xhr.status}`, xhr.status, body?.error?.details?.errors ?? [])
			);
		};
		xhr.onerror = () => reject(new UploadError('network', 0));
		xhr.onabort = () => reject(new UploadError('aborted', 0));
		xhr.send(file);
	});
	return { done, abort: () => xhr.abort() };
}
