/**
 * URL policy for untrusted model output.
 *
 * Links may point only at absolute http(s) or mailto URLs; images (loaded only after a click)
 * only at absolute http(s). Everything else — javascript:, vbscript:, data:, file:, relative and
 * protocol-relative URLs — is refused. Refusing relative URLs matters too: an answer has no base
 * of its own, so `/account/...` would silently target Concord itself.
 *
 * The check is applied twice, by the Markdown parser (so a refused link stays visible as text)
 * and by the sanitizer (independent of the parser). Obfuscation such as `jav&#x09;ascript:`,
 * `JaVaScRiPt:`, leading spaces or control characters never reaches a browser: entities are
 * decoded before we see the value, and any whitespace or control character rejects the URL
 * outright instead of being "cleaned" into something the browser would execute.
 */

const linkSchemes = new Set(['http:', 'https:', 'mailto:']);
const imageSchemes = new Set(['http:', 'https:']);

// C0 controls, space, DEL and C1 controls: browsers strip some of these while parsing a URL.
// eslint-disable-next-line no-control-regex
const unsafeChars = /[\u0000-\u0020\u007f-\u009f]/;
const explicitScheme = /^([a-z][a-z0-9+.-]*):/i;

/** The normalized URL if `raw` is an acceptable link target, else null. */
export function safeLinkUrl(raw: string): string | null {
	return check(raw, linkSchemes);
}

/** The normalized URL if `raw` may be loaded as an image (after the reader asked), else null. */
export function safeImageUrl(raw: string): string | null {
	return check(raw, imageSchemes);
}

/** Host shown on the "load image from …" button; the reader decides based on it. */
export function imageHost(url: string): string {
	return new URL(url).host;
}

function check(raw: string, schemes: Set<string>): string | null {
	if (raw.length === 0 || raw.length > 4096 || unsafeChars.test(raw)) return null;
	const scheme = explicitScheme.exec(raw)?.[1];
	// The scheme must be written out: no relative or protocol-relative URLs.
	if (!scheme || !schemes.has(`${scheme.toLowerCase()}:`)) return null;
	// "https:evil.example" is valid to a URL parser but not what a reader expects a link to be.
	if (/^https?$/i.test(scheme) && !/^https?:\/\//i.test(raw)) return null;
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return null;
	}
	if (!schemes.has(url.protocol)) return null;
	if (url.protocol !== 'mailto:' && url.hostname === '') return null;
	// `https://bank.example@evil.example/` reads as the bank but goes to evil.example.
	if (url.username !== '' || url.password !== '') return null;
	return url.href;
}
