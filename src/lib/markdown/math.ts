/**
 * TeX math via KaTeX, MathML output only.
 *
 * Why MathML only: KaTeX's HTML output positions every glyph with inline `style` attributes and
 * needs its CSS and fonts. Allowing `style` on untrusted output would reopen CSS-based attacks
 * (overlays that fake Concord's UI, `url()` beacons), so we let KaTeX emit MathML, which Chromium,
 * Firefox and Safari render natively without any inline style, and ship no KaTeX CSS.
 *
 * `trust: false` turns \href, \url, \includegraphics and \html* into inert red text; `maxExpand`
 * stops macro bombs (`\def\a{\a\a}`); `maxSize` caps \rule/\hspace sizes; a fresh `macros`
 * object per call keeps `\gdef` from leaking into the next answer. A parse error is shown as the
 * escaped source, never thrown.
 */
import katex from 'katex';
import { escapeHtml } from './escape';

/** Longest single expression we hand to KaTeX; longer ones are shown as source text. */
const maxExpressionChars = 4000;

export type MathBudget = { remaining: number };

/**
 * KaTeX output depends only on (tex, displayMode) with our fixed options, and answers repeat the
 * same small expressions ($n$, $x_i$) constantly, so recent results are kept. Map iteration
 * order is insertion order, which makes this a simple LRU.
 */
const cache = new Map<string, string>();
const cacheSize = 1000;
/** Only small results are kept, so the cache stays under ~16 MB whatever answers come by. */
const cacheableChars = 8000;

export function renderMath(tex: string, displayMode: boolean, budget: MathBudget): string {
	if (budget.remaining <= 0 || tex.length > maxExpressionChars) return mathSource(tex, displayMode);
	budget.remaining -= 1;
	const key = (displayMode ? 'D' : 'I') + tex;
	const cached = cache.get(key);
	if (cached !== undefined) {
		cache.delete(key);
		cache.set(key, cached);
		return cached;
	}
	const html = renderUncached(tex, displayMode);
	if (html.length <= cacheableChars) {
		if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
		cache.set(key, html);
	}
	return html;
}

function renderUncached(tex: string, displayMode: boolean): string {
	try {
		return katex.renderToString(tex, {
			displayMode,
			output: 'mathml',
			trust: false,
			throwOnError: true,
			strict: 'ignore',
			maxExpand: 500,
			maxSize: 10,
			globalGroup: false,
			macros: {}
		});
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		return `<span class="md-math-error" title="${escapeHtml(message)}">${escapeHtml(tex)}</span>`;
	}
}

function mathSource(tex: string, displayMode: boolean): string {
	const delimiter = displayMode ? '$$' : '$';
	return `<code class="md-math-source">${escapeHtml(delimiter + tex + delimiter)}</code>`;
}
