/**
 * Wide content that scrolls sideways inside a rendered text (a code block, a table, display
 * math) must be reachable from the keyboard, or a keyboard-only reader cannot see its hidden
 * part (WCAG 2.1.1; axe `scrollable-region-focusable`). Each such box gets tabindex=0 while,
 * and only while, it overflows: a text that fits adds no tab stops to the keyboard-first
 * annotation workspace. Re-checked when the rendered text or the column's width changes, and
 * when web fonts finish loading: KaTeX's fonts widen a formula after it was first measured
 * without changing the column's size, so neither observer would see it begin to overflow.
 */
import type { Attachment } from 'svelte/attachments';

const SCROLLERS = 'pre.md-code, table, .md-math-block';

export const focusableScrollers: Attachment<HTMLElement> = (node) => {
	const update = () => {
		for (const box of node.querySelectorAll<HTMLElement>(SCROLLERS)) {
			const overflows = box.scrollWidth > box.clientWidth + 1;
			if (overflows && !box.hasAttribute('tabindex')) box.tabIndex = 0;
			else if (!overflows && box.getAttribute('tabindex') === '0') box.removeAttribute('tabindex');
		}
	};
	update();
	const resized = new ResizeObserver(update);
	resized.observe(node);
	const changed = new MutationObserver(update);
	changed.observe(node, { childList: true, subtree: true });
	const fonts = document.fonts;
	let live = true;
	fonts.addEventListener('loadingdone', update);
	void fonts.ready.then(() => live && update());
	return () => {
		live = false;
		resized.disconnect();
		changed.disconnect();
		fonts.removeEventListener('loadingdone', update);
	};
};
