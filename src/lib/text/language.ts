/**
 * A cheap guess at the language of a piece of user content (a prompt, an
 * answer, an imported text), for the `lang` attribute that makes screen
 * readers pronounce it with the right voice (WCAG 3.1.2, Language of Parts).
 * It reads letters only (digits, punctuation, code symbols and whitespace say
 * nothing) from the first few thousand characters. A Han, kana or hangul character weighs 3 letters (it carries about what
 * three Latin letters do), so a few Chinese terms in an English answer do not
 * make it Chinese, nor a few English terms in a Chinese prompt English:
 *
 * - kana ≥ 10 % of the weight               → `ja` (Japanese mixes kana with Han)
 * - hangul ≥ 30 % of the weight             → `ko`
 * - Han ideographs ≥ 30 % of the weight     → `zh`
 * - otherwise, ≥ 95 % of the Latin-like letters plain a–z → `en` (text with many
 *   accented letters, or in another alphabet, is left unmarked, not called English)
 *
 * Otherwise, or with fewer than 4 letters, `undefined`: the element then
 * inherits the page's language, which is better than a wrong guess.
 */
export type ContentLanguage = 'zh' | 'ja' | 'ko' | 'en';

const SAMPLE_CHARS = 4000;
const MIN_LETTERS = 4;
const CJK_WEIGHT = 3;

export function guessContentLanguage(text: string | null | undefined): ContentLanguage | undefined {
	if (!text) return undefined;
	let ascii = 0;
	let otherLetters = 0;
	let han = 0;
	let kana = 0;
	let hangul = 0;
	const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
	for (const ch of sample) {
		const c = ch.codePointAt(0)!;
		if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
			ascii++;
		} else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff)) {
			han++;
		} else if (c >= 0x3040 && c <= 0x30ff) {
			kana++;
		} else if (c >= 0xac00 && c <= 0xd7af) {
			hangul++;
		} else if (c > 0x7f && /\p{L}/u.test(ch)) {
			otherLetters++;
		}
	}
	const weight = ascii + otherLetters + CJK_WEIGHT * (han + kana + hangul);
	if (ascii + otherLetters + han + kana + hangul < MIN_LETTERS) return undefined;
	if (CJK_WEIGHT * kana >= weight * 0.1) return 'ja';
	if (CJK_WEIGHT * hangul >= weight * 0.3) return 'ko';
	if (CJK_WEIGHT * han >= weight * 0.3) return 'zh';
	if (ascii >= (ascii + otherLetters) * 0.95) return 'en';
	return undefined;
}
