/**
 * API keys at rest: AES-256-GCM (NIST SP 800-38D) with a random 96-bit IV per
 * secret and a 128-bit tag, so a changed ciphertext fails to decrypt instead of
 * yielding a wrong key. Stored as `v1:<base64 iv|tag|ciphertext>`. The key is
 * CONCORD_SECRET_KEY (32 bytes, base64). Optional associated data (e.g. the
 * provider id) binds a ciphertext to its row: copied elsewhere, it won't open.
 * Error messages never contain the secret or the key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { env } from '../env';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SecretError';
	}
}

/** Decodes a base64 key and checks its length. */
export function parseSecretKey(base64: string): Buffer {
	const key = Buffer.from(base64.trim(), 'base64');
	if (key.length !== 32)
		throw new SecretError(
			`CONCORD_SECRET_KEY must be 32 bytes in base64 (it decodes to ${key.length}); make one with: openssl rand -base64 32`
		);
	return key;
}

export function secretKeyFromEnv(): Buffer {
	const value = env().CONCORD_SECRET_KEY;
	if (!value)
		throw new SecretError(
			'CONCORD_SECRET_KEY is not set: it is needed to store or use API keys kept in the database (or name an environment variable holding the key instead).'
		);
	return parseSecretKey(value);
}

export function encryptSecret(plain: string, opts: { key?: Buffer; aad?: string } = {}): string {
	const key = opts.key ?? secretKeyFromEnv();
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	if (opts.aad) cipher.setAAD(Buffer.from(opts.aad, 'utf8'));
	const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
	return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

export function decryptSecret(stored: string, opts: { key?: Buffer; aad?: string } = {}): string {
	const key = opts.key ?? secretKeyFromEnv();
	const [version, payload] = stored.split(':', 2);
	if (version !== VERSION || !payload) throw new SecretError('The stored secret is not in a known format.');
	const raw = Buffer.from(payload, 'base64');
	if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretError('The stored secret is truncated.');
	const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
	decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
	if (opts.aad) decipher.setAAD(Buffer.from(opts.aad, 'utf8'));
	try {
		return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
	} catch {
		throw new SecretError(
			'The stored secret could not be decrypted: CONCORD_SECRET_KEY changed, or the value was altered or belongs to another record.'
		);
	}
}
