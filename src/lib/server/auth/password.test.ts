import { describe, expect, it } from 'vitest';
import { NewPasswordSchema, PasswordInputSchema, passwordLengthProblem } from '../../schemas/auth';
import { AppError } from '../errors';
import { assertPasswordLength, hashPassword, verifyPasswordOrDummy } from './password';

describe('password length', () => {
	it('accepts 8 to 256 characters, counted as code points', () => {
		expect(passwordLengthProblem('1234567')).toBe('too_short');
		expect(passwordLengthProblem('12345678')).toBeNull();
		expect(passwordLengthProblem('x'.repeat(256))).toBeNull();
		expect(passwordLengthProblem('x'.repeat(257))).toBe('too_long');
		// 256 emoji are 512 UTF-16 units but 256 characters.
		expect(passwordLengthProblem('🔑'.repeat(256))).toBeNull();
		expect(passwordLengthProblem('🔑'.repeat(257))).toBe('too_long');
		expect(passwordLengthProblem('密码密码密码密码')).toBeNull();
	});

	it('rejects a 1 MB password in the schemas and the service guard', () => {
		const huge = 'a'.repeat(1024 * 1024);
		expect(NewPasswordSchema.safeParse(huge).success).toBe(false);
		expect(PasswordInputSchema.safeParse(huge).success).toBe(false);
		expect(() => assertPasswordLength(huge)).toThrow(AppError);
	});
});

describe('argon2id hashing', () => {
	it('uses argon2id with m=19456 KiB, t=2, p=1 and verifies', async () => {
		const stored = await hashPassword('correct horse battery');
		expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		await expect(verifyPasswordOrDummy(stored, 'correct horse battery')).resolves.toBe(true);
		await expect(verifyPasswordOrDummy(stored, 'correct horse batterY')).resolves.toBe(false);
	});

	it('refuses to hash out-of-range passwords', async () => {
		await expect(hashPassword('short')).rejects.toThrow(/at least 8/);
		await expect(hashPassword('x'.repeat(257))).rejects.toThrow(/at most 256/);
	});

	it('returns false for a missing account or a malformed hash', async () => {
		await expect(verifyPasswordOrDummy(null, 'concord-no-such-account')).resolves.toBe(false);
		await expect(verifyPasswordOrDummy('not-a-hash', 'whatever-password')).resolves.toBe(false);
	});
});
