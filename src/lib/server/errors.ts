/**
 * The one error type services throw; messages are safe to show to the user.
 * `appErrorMapping` below is the only place a code turns into a tRPC code
 * (procedures) or an HTTP status (plain endpoints, and pages through tRPC).
 */
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';

export type AppErrorCode =
	| 'BAD_REQUEST'
	| 'UNAUTHORIZED'
	| 'FORBIDDEN'
	| 'NOT_FOUND'
	| 'CONFLICT'
	| 'TOO_MANY_REQUESTS'
	| 'PAYLOAD_TOO_LARGE'
	| 'INTERNAL';

export class AppError extends Error {
	constructor(
		readonly code: AppErrorCode,
		message: string,
		readonly details?: unknown
	) {
		super(message);
		this.name = 'AppError';
	}
}

/** Checked against tRPC's own code → status table in errors.test.ts, so both paths answer alike. */
export const appErrorMapping = {
	BAD_REQUEST: { trpc: 'BAD_REQUEST', http: 400 },
	UNAUTHORIZED: { trpc: 'UNAUTHORIZED', http: 401 },
	FORBIDDEN: { trpc: 'FORBIDDEN', http: 403 },
	NOT_FOUND: { trpc: 'NOT_FOUND', http: 404 },
	CONFLICT: { trpc: 'CONFLICT', http: 409 },
	TOO_MANY_REQUESTS: { trpc: 'TOO_MANY_REQUESTS', http: 429 },
	PAYLOAD_TOO_LARGE: { trpc: 'PAYLOAD_TOO_LARGE', http: 413 },
	INTERNAL: { trpc: 'INTERNAL_SERVER_ERROR', http: 500 }
} as const satisfies Record<AppErrorCode, { trpc: TRPC_ERROR_CODE_KEY; http: number }>;
