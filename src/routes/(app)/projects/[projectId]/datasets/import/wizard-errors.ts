/** The per-line problems a failed upload or tRPC call carries, for the error list. */
import { isTrpcError } from '$lib/trpc/client';
import type { ImportErrorEntry } from './types';
import { UploadError } from './upload';

export function errorEntries(error: unknown): ImportErrorEntry[] {
	if (error instanceof UploadError) return error.errors;
	if (isTrpcError(error)) {
		const details = (error.data as { details?: { errors?: ImportErrorEntry[] } } | undefined)?.details;
		return Array.isArray(details?.errors) ? details.errors : [];
	}
	return [];
}
