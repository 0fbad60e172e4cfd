import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash, portableSha256Hex, sha256Hex } from './content-hash';

describe('canonicalJson and contentHash', () => {
	it('ignores key order and undefined properties, keeps array order', () => {
		expect(canonicalJson({ b: 1, a: [2, { d: 'x', c: null }], u: undefined })).toBe(
			'{"a":[2,{"c":null,"d":"x"}],"b":1}'
		);
		expect(contentHash({ x: 1, y: 2 })).toBe(contentHash({ y: 2, x: 1 }));
		expect(contentHash([1, 2])).not.toBe(contentHash([2, 1]));
	});

	it('is SHA-256 of the canonical UTF-8 text (known vector)', () => {
		expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
		expect(contentHash('abc')).toBe(`sha256:${sha256Hex('"abc"')}`);
		expect(canonicalJson('评分')).toBe('"评分"');
	});

	it("gives the same digest through the runtime's SHA-256 as in plain JS (browser)", () => {
		for (const text of ['', 'abc', '评分 ✓', 'a\uD800b', 'x'.repeat(70_000), '\u{1F600}']) {
			expect(sha256Hex(text)).toBe(portableSha256Hex(text));
		}
	});

	it('refuses values JSON would silently change', () => {
		expect(() => canonicalJson({ a: Number.NaN })).toThrow('non-finite number NaN');
		expect(() => canonicalJson({ a: () => 1 })).toThrow('cannot encode a function');
	});
});
