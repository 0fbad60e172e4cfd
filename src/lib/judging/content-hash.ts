/**
 * Content hashes for rubric versions and rendered prompts: SHA-256 over canonical JSON, so two
 * objects with the same content hash equal however their keys were ordered. Pure (works in the
 * browser too): no import of node:crypto. On Node the runtime's own SHA-256 is taken through
 * `process.getBuiltinModule` (no import, so bundles for the browser never see it): a judge run
 * hashes two prompts' worth of text per judgment, and @oslojs/crypto's SHA-256 in plain JS costs
 * about ten times more CPU. Both give the same digest (content-hash.test.ts checks it).
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

/** Lowercase hex SHA-256 of a string's UTF-8 bytes, in plain JS (any runtime). */
export function portableSha256Hex(text: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(text)));
}

type NodeCrypto = typeof import('node:crypto');
const nodeCrypto = (
	globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;

/** Lowercase hex SHA-256 of a string's UTF-8 bytes (lone surrogates as U+FFFD, as TextEncoder does). */
export const sha256Hex: (text: string) => string = nodeCrypto
	? (text) => nodeCrypto.createHash('sha256').update(text, 'utf8').digest('hex')
	: portableSha256Hex;

/** `sha256:<hex>` of the canonical JSON of `value` (a rubric content, a rendered message list…). */
export function contentHash(value: unknown): string {
	return `sha256:${sha256Hex(canonicalJson(value))}`;
}
