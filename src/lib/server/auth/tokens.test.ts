import { describe, expect, it } from 'vitest';
import { encodeHexLowerCase } from '@oslojs/encoding';
import {
	generateInvitationToken,
	generateSessionToken,
	hashSecret,
	isInvitationTokenShape,
	parseSessionToken,
	secretMatches
} from './tokens';

describe('session tokens', () => {
	it('are id.secret with a 160-bit base32 secret', () => {
		const { id, secret, token } = generateSessionToken();
		expect(token).toBe(`${id}.${secret}`);
		expect(id).toMatch(/^[a-z2-7]{24}$/);
		// 32 base32 characters carry 32 × 5 = 160 bits (≥ 128 required).
		expect(secret).toMatch(/^[a-z2-7]{32}$/);
	});

	it('do not repeat', () => {
		const tokens = new Set(Array.from({ length: 2000 }, () => generateSessionToken().token));
		expect(tokens.size).toBe(2000);
	});

	it('parse back into their parts and reject anything else', () => {
		const { id, secret, token } = generateSessionToken();
		expect(parseSessionToken(token)).toEqual({ id, secret });
		for (const bad of [
			'',
			id,
			`${id}.`,
			`.${secret}`,
			`${id}.${secret}x`,
			`${id}.${secret.toUpperCase()}`,
			`${id}.${secret}.${secret}`,
			`${id} .${secret}`
		]) {
			expect(parseSessionToken(bad)).toBeNull();
		}
	});
});

describe('secret hashing', () => {
	it('stores SHA-256 of the secret', () => {
		// Known-answer test: SHA-256("abc").
		expect(encodeHexLowerCase(hashSecret('abc'))).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
		);
	});

	it('matches only the same secret', () => {
		const { secret } = generateSessionToken();
		const stored = hashSecret(secret);
		expect(secretMatches(secret, stored)).toBe(true);
		expect(secretMatches(generateSessionToken().secret, stored)).toBe(false);
		// One character off, and a hash of the wrong length.
		const flipped = (secret[0] === 'a' ? 'b' : 'a') + secret.slice(1);
		expect(secretMatches(flipped, stored)).toBe(false);
		expect(secretMatches(secret, stored.slice(0, 31))).toBe(false);
	});
});

describe('invitation tokens', () => {
	it('are 192-bit base64url strings', () => {
		const token = generateInvitationToken();
		expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
		expect(isInvitationTokenShape(token)).toBe(true);
		expect(isInvitationTokenShape(token + '=')).toBe(false);
		expect(isInvitationTokenShape('../etc/passwd')).toBe(false);
		expect(new Set(Array.from({ length: 1000 }, generateInvitationToken)).size).toBe(1000);
	});
});
