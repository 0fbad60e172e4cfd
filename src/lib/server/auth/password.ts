/**
 * Password hashing with argon2id (OWASP's minimum: m = 19 MiB, t = 2, p = 1).
 * Lengths are checked before any hashing so oversized input costs nothing.
 * `verifyPasswordOrDummy` always runs one argon2 verification, also when the
 * account does not exist, so response time does not reveal which emails exist.
 */
import { hash, verify, type Options } from '@node-rs/argon2';
import { passwordLengthProblem } from '../../schemas/auth';
import { AppError } from '../errors';

// `Algorithm` is a const enum in the typings; isolated-module builds cannot inline it.
const ARGON2ID = 2;

export const argon2Options = {
	algorithm: ARGON2ID,
	memoryCost: 19456,
	timeCost: 2,
	parallelism: 1,
	outputLen: 32
} satisfies Options;

/** Throws BAD_REQUEST for a password outside 8–256 characters. Cheap; call before hashing. */
export function assertPasswordLength(password: string): void {
	const problem = passwordLengthProblem(password);
	if (problem === 'too_short')
		throw new AppError('BAD_REQUEST', 'Password needs at least 8 characters.', { field: 'password', problem });
	if (problem === 'too_long')
		throw new AppError('BAD_REQUEST', 'Password is at most 256 characters.', { field: 'password', problem });
}

export async function hashPassword(password: string): Promise<string> {
	assertPasswordLength(password);
	return hash(password, argon2Options);
}

// A real hash with the same parameters, so verifying against it costs what a
// real verification costs. Computed at start-up, so the first unknown email is
// not slower than the rest.
const dummyHash: Promise<string> = hash('concord-no-such-account', argon2Options);

/**
 * Verifies `password` against `storedHash`, or against a dummy hash when there
 * is no account; returns false in that case. Oversized passwords return false
 * without hashing (callers reject them earlier with a clear message).
 */
export async function verifyPasswordOrDummy(storedHash: string | null | undefined, password: string): Promise<boolean> {
	if (passwordLengthProblem(password) === 'too_long') return false;
	const target = storedHash ?? (await dummyHash);
	let ok: boolean;
	try {
		ok = await verify(target, password);
	} catch {
		// A malformed stored hash is a failed sign-in, not a crash.
		ok = false;
	}
	return storedHash ? ok : false;
}
