/**
 * Answer length measures shown beside every answer and used by length-bias
 * statistics later.
 *
 * charCount: Unicode code points (a surrogate pair counts once).
 * approxTokens: a tokenizer-free estimate. BPE tokenizers spend roughly one token
 * per 4 characters of English/code, but about one token per CJK ideograph, kana or
 * hangul syllable, so: tokens ≈ (# CJK-like code points) + ceil(other code points / 4).
 * Good to ~±20% against cl100k/o200k on prose; it is for comparison, not billing.
 */
export interface TextMetrics {
	charCount: number;
	approxTokens: number;
}

function isCjkLike(c: number): boolean {
	return (
		(c >= 0x3040 && c <= 0x30ff) || // hiragana, katakana
		(c >= 0x3400 && c <= 0x4dbf) || // CJK ext A
		(c >= 0x4e00 && c <= 0x9fff) || // CJK unified
		(c >= 0xac00 && c <= 0xd7af) || // hangul syllables
		(c >= 0xf900 && c <= 0xfaff) || // CJK compatibility
		(c >= 0xff00 && c <= 0xffef) // full-width forms
	);
}

export function measureText(text: string): TextMetrics {
	let chars = 0;
	let cjk = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		// The second half of a surrogate pair is not a new code point.
		if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
			const p = text.charCodeAt(i - 1);
			if (p >= 0xd800 && p <= 0xdbff) continue;
		}
		chars++;
		if (c >= 0x3040 && isCjkLike(c)) cjk++;
	}
	return { charCount: chars, approxTokens: cjk + Math.ceil((chars - cjk) / 4) };
}

export function measureTexts(texts: readonly string[]): TextMetrics {
	let charCount = 0;
	let approxTokens = 0;
	for (const t of texts) {
		const m = measureText(t);
		charCount += m.charCount;
		approxTokens += m.approxTokens;
	}
	return { charCount, approxTokens };
}
