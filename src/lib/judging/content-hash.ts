/**
 * Content hashes for rubric versions and rendered prompts: SHA-256 over canonical JSON, so two
 * objects with the same content hash equal however their keys were ordered. Pure (works in the
 * browser too): @oslojs/crypto's SHA-256, no node:crypto.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit order, no whitespace, `undefined`
 * properties dropped (as JSON.stringify does). Non-finite numbers, functions, symbols and bigints
 * are refused, because JSON would silently turn them into null or drop them and two different
 * contents would then share a hash.
 */
export function canonicalJson(value: unknown): string {
	if (value === null) return 'null';
	switch (typeof value) {
		case 'string':
		case 'boolean':
			return JSON.stringify(value);
		case 'number':
			if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
			return JSON.stringify(value);
		case 'object': {
			if (Array.isArray(value)) {
				return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
			}
			const record = value as Record<string, unknown>;
			const keys = Object.keys(record)
				.filter((k) => record[k] !== undefined)
				.sort();
			return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
		}
		default:
			throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
	}
}

/** Lowercase hex SHA-256 of a string's UTF-8 bytes. */
export function sha256Hex(text: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(text)));
}

/** `sha256:<hex>` of the canonical JSON of `value` (a rubric content, a rendered message list…). */
export function contentHash(value: unknown): string {
	return `sha256:${sha256Hex(canonicalJson(value))}`;
}
