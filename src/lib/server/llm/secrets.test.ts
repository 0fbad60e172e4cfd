import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, parseSecretKey, SecretError } from './secrets';

const key = randomBytes(32);
const secret = 'sk-test-0123456789abcdefghijklmnop';

describe('API keys at rest (AES-256-GCM)', () => {
	it('round-trips, with a fresh IV each time, and the stored form does not contain the key', () => {
		const a = encryptSecret(secret, { key });
		const b = encryptSecret(secret, { key });
		expect(a).not.toBe(b);
		expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+$/);
		expect(a).not.toContain(secret);
		expect(decryptSecret(a, { key })).toBe(secret);
		expect(decryptSecret(b, { key })).toBe(secret);
	});

	it('refuses a wrong key, an altered ciphertext and another record, without echoing anything secret', () => {
		const stored = encryptSecret(secret, { key, aad: 'provider-1' });
		const attempts = [
			() => decryptSecret(stored, { key: randomBytes(32), aad: 'provider-1' }),
			() => decryptSecret(stored, { key, aad: 'provider-2' }),
			() => {
				const raw = Buffer.from(stored.slice(3), 'base64');
				raw[raw.length - 1] ^= 1;
				return decryptSecret(`v1:${raw.toString('base64')}`, { key, aad: 'provider-1' });
			},
			() => decryptSecret('v2:AAAA', { key }),
			() => decryptSecret('v1:AAAA', { key })
		];
		for (const attempt of attempts) {
			let message = '';
			try {
				attempt();
			} catch (error) {
				expect(error).toBeInstanceOf(SecretError);
				message = (error as Error).message;
			}
			expect(message).not.toBe('');
			expect(message).not.toContain(secret);
			expect(message).not.toContain(key.toString('base64'));
		}
		expect(decryptSecret(stored, { key, aad: 'provider-1' })).toBe(secret);
	});

	it('accepts only a 32-byte base64 key', () => {
		expect(parseSecretKey(key.toString('base64')).equals(key)).toBe(true);
		expect(() => parseSecretKey(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
	});
});
