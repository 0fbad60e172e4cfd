import { AppError } from '../../../src/lib/server/errors';

/** The AppError a service call rejects with; any other outcome fails the test. */
export async function appErrorOf(promise: Promise<unknown>): Promise<AppError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof AppError) return error;
		throw error;
	}
	throw new Error('expected the call to fail');
}

/** The error code a call ends with ('OK' when it succeeds), for tables of who may do what. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
		return 'OK';
	} catch (error) {
		return (error as { code?: string }).code ?? String(error);
	}
}
