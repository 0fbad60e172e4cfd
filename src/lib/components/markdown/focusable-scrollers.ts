/**
 * Wide content that scrolls inside a rendered text (a code block, a table, display math) must
 * be reachable from the keyboard, or a keyboard-only reader cannot see its hidden part
 * (WCAG 2.1.1; axe `scrollable-region-focusable`). Each such box gets tabindex=0 while, and
 * only while, it overflows along an axis it scrolls on: a text that fits adds no tab stops to
 * the keyboard-first annotation workspace.
 *
 * Measured again whenever a size that decides it changes: the rendered text (mutations), the
 * column (the text's own box), and each box and its content. The last one matters for a
 * formula, whose width can change after it was first measured (its fonts) while the column
 * keeps its size; safe-markdown.svelte makes the formula as wide as its content so that the
 * observer sees that change.
 */
import type { Attachment } from 'svelte/attachments';

const SCROLLERS = 'pre.md-code, table, .md-math-block';
/** A formula inside its box: a box as wide as its content (an inline `code` would report no size). */
const CONTENTS = ':scope > .katex > math';
/** Sub-pixel layout leaves a box up to a pixel "larger" than itself. */
const SLACK = 1;

function scrolls(style: CSSStyleDeclaration, axis: 'overflowX' | 'overflowY'): boolean {
	return style[axis] === 'auto' || style[axis] === 'scroll';
}

function overflows(box: HTMLElement): boolean {
	const wide = box.scrollWidth > box.clientWidth + SLACK;
	const tall = box.scrollHeight > box.clientHeight + SLACK;
	if (!wide && !tall) return false;
	const style = getComputedStyle(box);
	return (wide && scrolls(style, 'overflowX')) || (tall && scrolls(style, 'overflowY'));
}

export const focusableScrollers: Attachment<HTMLElement> = (node) => {
	const sizes = new ResizeObserver(() => update());
	const watched = new Set<Element>();

	function watch(target: Element) {
		if (watched.has(target)) return;
		watched.add(target);
		sizes.observe(target);
	}

	function update() {
		for (const target of watched) {
			if (node.contains(target)) continue;
			sizes.unobserve(target);
			watched.delete(target);
		}
		for (const box of node.querySelectorAll<HTMLElement>(SCROLLERS)) {
			watch(box);
			for (const content of box.querySelectorAll(CONTENTS)) watch(content);
			const needed = overflows(box);
			if (needed && !box.hasAttribute('tabindex')) box.tabIndex = 0;
			else if (!needed && box.getAttribute('tabindex') === '0') box.removeAttribute('tabindex');
		}
	}

	watch(node);
	update();
	const changed = new MutationObserver(update);
	changed.observe(node, { childList: true, subtree: true });
	const fonts = document.fonts;
	let live = true;
	fonts.addEventListener('loadingdone', update);
	void fonts.ready.then(() => live && update());
	return () => {
		live = false;
		sizes.disconnect();
		changed.disconnect();
		fonts.removeEventListener('loadingdone', update);
	};
};
