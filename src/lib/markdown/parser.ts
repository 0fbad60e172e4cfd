/**
 * The Markdown parser and its renderer rules: the first of two independent safety layers.
 *
 * `html: false` makes raw HTML in an answer plain text. Link and image URLs go through the
 * URL policy (a refused link stays visible as its Markdown source). Images become a
 * click-to-load button; tables align with classes instead of `style`; code fences are
 * highlighted only for known languages; math goes through our KaTeX wrapper. Whatever this
 * layer emits is sanitized again by sanitize.ts, so a bug here is not enough for an exploit.
 */
import MarkdownIt from 'markdown-it';
import type { Options, Token } from 'markdown-it';
import { escapeHtml } from './escape';
import { highlightCode, knownLanguage } from './highlight';
import { renderMath, type MathBudget } from './math';
import { imagePlaceholder } from './image-placeholder';
import { useLinearLinkify } from './linkify';
import { useMathSyntax } from './math-syntax';
import { safeImageUrl, safeLinkUrl } from './url-policy';

/** Per-render state handed to every rule through markdown-it's `env`. */
export type RenderEnv = {
	math: MathBudget;
	/** Characters of code still allowed through highlight.js in this answer. */
	highlightChars: number;
	loadImageLabel: (host: string) => string;
};

/** Thrown from inside the parser to abandon Markdown for this answer (caught by renderMarkdown). */
export class TooComplexError extends Error {}

/**
 * markdown-it looks for the `]` closing every `[` (links, images) by scanning forward, so an
 * answer of many unclosed or deeply nested brackets costs time quadratic in its length (a
 * 190 KB line of `![` took seconds). We estimate that scan — for each `[`, the distance to the
 * next `]`, or to the end — in one backward pass and refuse paragraphs above the budget.
 */
const maxBracketScan = 2_000_000;

export function bracketScanCost(text: string): number {
	let cost = 0;
	let nextClose = text.length;
	for (let i = text.length - 1; i >= 0; i--) {
		const ch = text.charCodeAt(i);
		if (ch === 0x5d /* ] */) nextClose = i;
		else if (ch === 0x5b /* [ */) cost += nextClose - i;
	}
	return cost;
}

export function createParser(maxNesting: number): MarkdownIt {
	// `maxNesting` is a real markdown-it option that @types/markdown-it does not declare.
	const options: Options & { maxNesting: number } = {
		html: false,
		linkify: true,
		typographer: false,
		breaks: false,
		maxNesting
	};
	const md = new MarkdownIt('default', options);
	md.validateLink = (url) => safeLinkUrl(url) !== null;
	useLinearLinkify(md);
	md.core.ruler.before('inline', 'bracket_budget', (state) => {
		for (const token of state.tokens) {
			if (token.type === 'inline' && bracketScanCost(token.content) > maxBracketScan) throw new TooComplexError();
		}
	});
	useMathSyntax(md);

	const rules = md.renderer.rules;
	const envOf = (env: unknown) => env as RenderEnv;

	rules.link_open = (tokens, idx, options, _env, self) => {
		const token = tokens[idx];
		const href = safeLinkUrl(token.attrGet('href') ?? '');
		const title = token.attrGet('title');
		token.attrs = href ? [['href', href]] : [];
		if (href) {
			token.attrSet('rel', 'noopener noreferrer nofollow');
			token.attrSet('target', '_blank');
		}
		if (title) token.attrSet('title', title);
		return self.renderToken(tokens, idx, options);
	};

	rules.image = (tokens, idx, options, env, self) => {
		const token = tokens[idx];
		const alt = self.renderInlineAsText(token.children ?? [], options, env);
		const src = safeImageUrl(token.attrGet('src') ?? '');
		if (!src) return escapeHtml(alt);
		return imagePlaceholder(src, alt, envOf(env).loadImageLabel);
	};

	const alignedCell: NonNullable<typeof rules.th_open> = (tokens, idx, options, _env, self) => {
		const token = tokens[idx];
		const align = /text-align:(left|center|right)/.exec(token.attrGet('style') ?? '')?.[1];
		token.attrs = align ? [['class', `md-align-${align}`]] : null;
		return self.renderToken(tokens, idx, options);
	};
	rules.th_open = alignedCell;
	rules.td_open = alignedCell;

	rules.fence = (tokens, idx, _options, env) => renderFence(tokens[idx], envOf(env));
	rules.code_block = (tokens, idx) => `<pre class="md-code"><code>${escapeHtml(tokens[idx].content)}</code></pre>\n`;

	rules.math_inline = (tokens, idx, _options, env) => {
		const tex = stripBackticks(tokens[idx].content);
		// Environments like align only make sense as display math, even between single `$`.
		const display = /\\begin\{(align|equation|gather|cd|alignat)\}/i.test(tex);
		return renderMath(tex, display, envOf(env).math);
	};
	rules.math_block = (tokens, idx, _options, env) =>
		`<div class="md-math-block">${renderMath(tokens[idx].content, true, envOf(env).math)}</div>\n`;
	// `$$…$$` inside a paragraph: display math, but it must stay phrasing content (a <div> would
	// split the paragraph).
	rules.math_inline_block = (tokens, idx, _options, env) => renderMath(tokens[idx].content, true, envOf(env).math);

	return md;
}

function renderFence(token: Token, env: RenderEnv): string {
	const info = token.info.trim().toLowerCase();
	if (info === 'math' || info === 'latex-math') {
		return `<div class="md-math-block">${renderMath(token.content, true, env.math)}</div>\n`;
	}
	const language = knownLanguage(info);
	if (language && token.content.length <= env.highlightChars) {
		env.highlightChars -= token.content.length;
		const html = highlightCode(token.content, language);
		return `<pre class="md-code"><code class="hljs language-${language}">${html}</code></pre>\n`;
	}
	return `<pre class="md-code"><code>${escapeHtml(token.content)}</code></pre>\n`;
}

/** `$`x`$` (GitLab's syntax) lets math contain characters Markdown would otherwise take. */
function stripBackticks(content: string): string {
	return content.length > 2 && content.startsWith('`') && content.endsWith('`') ? content.slice(1, -1) : content;
}
