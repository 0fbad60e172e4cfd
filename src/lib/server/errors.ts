/**
 * The one error type services throw. Codes map once to tRPC/HTTP codes in
 * `trpc/init.ts`; messages are safe to show to the user.
 */
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

export const httpStatusOf: Record<AppErrorCode, number> = {
	BAD_REQUEST: 400,
	UNAUTHORIZED: 401,
	FORBIDDEN: 403,
	NOT_FOUND: 404,
	CONFLICT: 409,
	TOO_MANY_REQUESTS: 429,
	PAYLOAD_TOO_LARGE: 413,
	INTERNAL: 500
};
