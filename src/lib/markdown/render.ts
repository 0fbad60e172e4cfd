/**
 * renderMarkdown: untrusted model output → HTML that is safe to insert with {@html}.
 *
 * Pipeline: size check → markdown-it parse (raw HTML off) → nesting check → render with our
 * rules → sanitize-html allowlist. Pure and synchronous, no DOM: the same function runs during
 * SSR and in the browser, so hydration sees identical markup.
 *
 * Anything too large, too deeply nested, too costly to render (see the budgets below) or
 * failing to render falls back to the escaped source in a wrapping <pre>, with a reason the UI
 * can explain. Rendering never throws. The budgets exist because answers are rendered during
 * SSR: one crafted answer must not stall the server.
 */
import type MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';
import { escapeHtml } from './escape';
import { defaultLoadImageLabel } from './image-placeholder';
import { createParser, TooComplexError, type RenderEnv } from './parser';
import { ResultCache } from './result-cache';
import { sanitize } from './sanitize';

export type RenderMode = 'markdown' | 'plain';
export type FallbackReason = 'too_large' | 'too_deep' | 'too_complex' | 'render_error';

export type RenderResult = { html: string; mode: RenderMode; reason?: FallbackReason };

export type RenderOptions = {
	/** Longer sources (UTF-16 code units) are shown as plain text. Default 200,000. */
	maxChars?: number;
	/** Deeper nesting of lists, quotes or inline markup is shown as plain text. Default 50. */
	maxDepth?: number;
	/** Math expressions rendered by KaTeX per answer; later ones show their source. Default 500. */
	maxMathExpressions?: number;
	/** Characters of code highlighted per answer; further code is shown unhighlighted. Default 100,000. */
	maxHighlightChars?: number;
	/** Text of the click-to-load image button (translated by the caller). */
	loadImageLabel?: (host: string) => string;
};

export const renderDefaults = {
	maxChars: 200_000,
	maxDepth: 50,
	maxMathExpressions: 500,
	maxHighlightChars: 100_000,
	/** Parsed tokens (blocks and inline) per answer: bounds render and sanitize time. */
	maxTokens: 50_000,
	/** Rendered HTML characters per answer, checked before the sanitizer runs. */
	maxHtmlChars: 1_000_000
} as const;

// One parser per nesting limit; markdown-it instances are reusable across renders.
const parsers = new Map<number, MarkdownIt>();

/**
 * A list level costs markdown-it two nesting levels (list + item) and its paragraph one more, so
 * this limit lets us see nesting past maxDepth before markdown-it silently truncates.
 */
const nestingFor = (maxDepth: number) => maxDepth * 2 + 10;

function parserFor(maxDepth: number): MarkdownIt {
	const maxNesting = nestingFor(maxDepth);
	let md = parsers.get(maxNesting);
	if (!md) {
		md = createParser(maxNesting);
		parsers.set(maxNesting, md);
	}
	return md;
}

const cache = new ResultCache<RenderResult>();

export function renderMarkdown(source: string, opts: RenderOptions = {}): RenderResult {
	const maxChars = opts.maxChars ?? renderDefaults.maxChars;
	if (source.length > maxChars) return plain(source, 'too_large');
	const settings = {
		maxDepth: opts.maxDepth ?? renderDefaults.maxDepth,
		maxMathExpressions: opts.maxMathExpressions ?? renderDefaults.maxMathExpressions,
		maxHighlightChars: opts.maxHighlightChars ?? renderDefaults.maxHighlightChars,
		loadImageLabel: opts.loadImageLabel ?? defaultLoadImageLabel
	};
	// The label function is part of the output: key it by what it says for a placeholder host.
	const key = `${settings.maxDepth}|${settings.maxMathExpressions}|${settings.maxHighlightChars}|${settings.loadImageLabel('\u0000')}|${source}`;
	const cached = cache.get(key);
	if (cached) return cached;
	// Frozen: the same object goes to every caller that renders this source.
	const result = Object.freeze(render(source, settings));
	cache.set(key, result, result.html.length);
	return result;
}

type Settings = Required<Omit<RenderOptions, 'maxChars'>>;

function render(
	source: string,
	{ maxDepth, maxMathExpressions, maxHighlightChars, loadImageLabel }: Settings
): RenderResult {
	try {
		const md = parserFor(maxDepth);
		const env: RenderEnv = {
			math: { remaining: maxMathExpressions },
			highlightChars: maxHighlightChars,
			loadImageLabel
		};
		const tokens = md.parse(source, env);
		if (tooDeep(tokens, maxDepth, nestingFor(maxDepth))) return plain(source, 'too_deep');
		if (countTokens(tokens) > renderDefaults.maxTokens) return plain(source, 'too_complex');
		const html = md.renderer.render(tokens, md.options, env);
		if (html.length > renderDefaults.maxHtmlChars) return plain(source, 'too_complex');
		return { html: sanitize(html), mode: 'markdown' };
	} catch (error) {
		return plain(source, error instanceof TooComplexError ? 'too_complex' : 'render_error');
	}
}

/** The escaped source; safe without the sanitizer because it contains no markup at all. */
export function renderPlain(source: string): string {
	return `<pre class="md-plain">${escapeHtml(source)}</pre>`;
}

function plain(source: string, reason: FallbackReason): RenderResult {
	return { html: renderPlain(source), mode: 'plain', reason };
}

const containerOpen = new Set(['blockquote_open', 'bullet_list_open', 'ordered_list_open']);

/**
 * True if lists/quotes nest deeper than `maxDepth`, inline markup nests deeper than `maxDepth`,
 * or markdown-it reached its own `maxNesting` (past which it silently drops structure).
 */
function tooDeep(tokens: Token[], maxDepth: number, maxNesting: number): boolean {
	let containers = 0;
	for (const token of tokens) {
		if (token.level >= maxNesting - 1) return true;
		if (containerOpen.has(token.type)) containers += 1;
		else if (token.nesting === -1 && containerOpen.has(token.type.replace('_close', '_open'))) containers -= 1;
		if (containers > maxDepth) return true;
		if (token.children && inlineDepth(token.children) > maxDepth) return true;
	}
	return false;
}

function countTokens(tokens: Token[]): number {
	let count = tokens.length;
	for (const token of tokens) count += token.children?.length ?? 0;
	return count;
}

function inlineDepth(children: Token[]): number {
	let depth = 0;
	let max = 0;
	for (const child of children) {
		depth += child.nesting;
		if (depth > max) max = depth;
	}
	return max;
}
