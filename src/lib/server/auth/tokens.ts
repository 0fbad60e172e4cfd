/**
 * Random tokens for sessions and invitations, and the hashes we keep of them.
 *
 * Security model (after Lucia's `auth_session`): a session token is `id.secret`.
 * The id is the row's primary key and may appear in logs; the secret never
 * leaves the browser's cookie — the database holds only SHA-256(secret), so a
 * leaked table cannot be replayed as cookies. Secrets are compared in constant
 * time. Both parts come from the CSPRNG (`crypto.getRandomValues`).
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding, encodeBase64urlNoPadding } from '@oslojs/encoding';

/** 120 bits: the id only has to be unique and unguessable enough not to collide. */
const SESSION_ID_BYTES = 15;
/** 160 bits of secret (the issue asks for at least 128). */
const SESSION_SECRET_BYTES = 20;
/** 192 bits for invitation links. */
const INVITATION_TOKEN_BYTES = 24;

// Base32 lower-case without padding: 8 characters per 5 bytes.
const SESSION_ID_LENGTH = (SESSION_ID_BYTES / 5) * 8;
const SESSION_SECRET_LENGTH = (SESSION_SECRET_BYTES / 5) * 8;
const SESSION_TOKEN_PATTERN = new RegExp(`^([a-z2-7]{${SESSION_ID_LENGTH}})\\.([a-z2-7]{${SESSION_SECRET_LENGTH}})$`);
const INVITATION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

function randomBytes(length: number): Uint8Array {
	const bytes = new Uint8Array(length);
	crypto.getRandomValues(bytes);
	return bytes;
}

export interface SessionTokenParts {
	id: string;
	secret: string;
	/** `id.secret`, the cookie value. */
	token: string;
}

export function generateSessionToken(): SessionTokenParts {
	const id = encodeBase32LowerCaseNoPadding(randomBytes(SESSION_ID_BYTES));
	const secret = encodeBase32LowerCaseNoPadding(randomBytes(SESSION_SECRET_BYTES));
	return { id, secret, token: `${id}.${secret}` };
}

/**
 * Splits a cookie value into id and secret. Anything not shaped exactly like a
 * token we issued is rejected before it reaches the database.
 */
export function parseSessionToken(token: string): { id: string; secret: string } | null {
	const match = SESSION_TOKEN_PATTERN.exec(token);
	return match ? { id: match[1], secret: match[2] } : null;
}

export function hashSecret(secret: string): Uint8Array {
	return sha256(new TextEncoder().encode(secret));
}

/** Constant-time: the comparison's duration does not depend on where the bytes differ. */
export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
	const candidate = hashSecret(secret);
	// constantTimeEqual already returns false for different lengths (not secret information).
	return constantTimeEqual(candidate, storedHash);
}

export function generateInvitationToken(): string {
	return encodeBase64urlNoPadding(randomBytes(INVITATION_TOKEN_BYTES));
}

export function isInvitationTokenShape(token: string): boolean {
	return INVITATION_TOKEN_PATTERN.test(token);
}
