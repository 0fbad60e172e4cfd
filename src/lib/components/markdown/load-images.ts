/**
 * Click-to-load for the image placeholders emitted by renderMarkdown.
 *
 * One delegated listener on the rendered answer: a click on a placeholder button (and only
 * that) swaps it for an <img>. The URL is checked again here (http/https only) because the
 * button's data attribute is the last thing between untrusted text and a network request, and
 * the image is fetched with no referrer so the image host does not learn which page was open.
 */
import type { Attachment } from 'svelte/attachments';
import { imageButtonClass, safeImageUrl } from '$lib/markdown';

export const clickToLoadImages: Attachment<HTMLElement> = (node) => {
	const onClick = (event: MouseEvent) => {
		const target = event.target;
		if (!(target instanceof Element)) return;
		const button = target.closest<HTMLButtonElement>(`button.${imageButtonClass}`);
		if (!button || !node.contains(button)) return;
		// A placeholder can sit inside a link: loading the image must not also follow it.
		event.preventDefault();
		const src = safeImageUrl(button.dataset.mdSrc ?? '');
		if (!src) return;
		const img = document.createElement('img');
		img.referrerPolicy = 'no-referrer';
		img.alt = button.dataset.mdAlt ?? '';
		img.className = 'md-image';
		// Keeps keyboard focus where the button was instead of dropping it to <body>.
		img.tabIndex = -1;
		img.src = src;
		button.replaceWith(img);
		img.focus();
	};
	node.addEventListener('click', onClick);
	return () => node.removeEventListener('click', onClick);
};
