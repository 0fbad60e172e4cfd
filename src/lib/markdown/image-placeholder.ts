/**
 * Remote images are never loaded on render: fetching one tells its host who read the answer and
 * when. Instead the renderer emits a button carrying the URL as data; the SafeMarkdown component
 * swaps it for an <img> (no referrer) only when the reader clicks it.
 */
import { escapeHtml } from './escape';
import { imageHost } from './url-policy';

export const imageButtonClass = 'md-image-load';

/** Default (English) label; the component passes a translated one. */
export const defaultLoadImageLabel = (host: string) => `Load image from ${host}`;

/** `src` must already have passed safeImageUrl. */
export function imagePlaceholder(src: string, alt: string, label: (host: string) => string): string {
	const title = alt ? ` title="${escapeHtml(alt)}"` : '';
	return (
		`<button type="button" class="${imageButtonClass}" data-md-src="${escapeHtml(src)}"` +
		` data-md-alt="${escapeHtml(alt)}"${title}>${escapeHtml(label(imageHost(src)))}</button>`
	);
}
