/**
 * `$…$`, `$$…$$` (inline) and `$$` blocks for markdown-it, producing `math_inline`,
 * `math_inline_block` and `math_block` tokens (rendered by parser.ts through math.ts).
 *
 * Our own rules rather than @vscode/markdown-it-katex: that plugin is CommonJS (its default
 * export needs interop that differs between Vite SSR, Node and the browser bundle) and pulls in a
 * second copy of KaTeX; and its closing-delimiter search restarts at every `$`, which is
 * quadratic on text full of dollar signs. Here the candidate closers of a paragraph are found
 * once, and display blocks look at most `maxBlockLines` ahead.
 *
 * Delimiter rules (as in Pandoc, so prices are not math): an opening `$` must be followed by a
 * non-space, a closing `$` preceded by a non-space and not followed by a digit; `\$` is a dollar.
 */
import type MarkdownIt from 'markdown-it';
import type { StateBlock, StateInline } from 'markdown-it';

const dollar = 0x24;
const backslash = 0x5c;
const maxBlockLines = 200;

const isSpace = (code: number) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
const isDigit = (code: number) => code >= 0x30 && code <= 0x39;

function escaped(src: string, pos: number): boolean {
	let n = 0;
	while (pos - n - 1 >= 0 && src.charCodeAt(pos - n - 1) === backslash) n++;
	return n % 2 === 1;
}

/** Positions of single `$` that may close inline math, in this paragraph; computed once. */
const closerCache = new WeakMap<StateInline, number[]>();

function closersOf(state: StateInline): number[] {
	let list = closerCache.get(state);
	if (!list) {
		list = [];
		const { src, posMax } = state;
		for (let i = src.indexOf('$'); i !== -1 && i < posMax; i = src.indexOf('$', i + 1)) {
			const before = src.charCodeAt(i - 1);
			const after = src.charCodeAt(i + 1);
			if (after === dollar || before === dollar || isSpace(before) || escaped(src, i)) continue;
			if (isDigit(after)) continue;
			list.push(i);
		}
		closerCache.set(state, list);
	}
	return list;
}

function firstAfter(sorted: number[], pos: number): number {
	let lo = 0;
	let hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (sorted[mid] <= pos) lo = mid + 1;
		else hi = mid;
	}
	return lo < sorted.length ? sorted[lo] : -1;
}

function inlineMath(state: StateInline, silent: boolean): boolean {
	const { src, pos, posMax } = state;
	if (src.charCodeAt(pos) !== dollar) return false;

	if (src.charCodeAt(pos + 1) === dollar) {
		// `$$…$$` inside a paragraph: display math.
		const end = src.indexOf('$$', pos + 2);
		if (end === -1 || end >= posMax || src.slice(pos + 2, end).trim() === '') return false;
		if (!silent) {
			const token = state.push('math_inline_block', 'math', 0);
			token.markup = '$$';
			token.content = src.slice(pos + 2, end);
		}
		state.pos = end + 2;
		return true;
	}

	const next = src.charCodeAt(pos + 1);
	if (pos + 1 >= posMax || isSpace(next)) return false;
	const close = firstAfter(closersOf(state), pos + 1);
	if (close === -1 || close >= posMax) return false;
	if (!silent) {
		const token = state.push('math_inline', 'math', 0);
		token.markup = '$';
		token.content = src.slice(pos + 1, close);
	}
	state.pos = close + 1;
	return true;
}

function blockMath(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
	if (state.sCount[startLine] - state.blkIndent >= 4) return false;
	const start = state.bMarks[startLine] + state.tShift[startLine];
	const firstLine = state.src.slice(start, state.eMarks[startLine]).trimEnd();
	if (!firstLine.startsWith('$$')) return false;

	let content: string;
	let last = startLine;
	const rest = firstLine.slice(2);
	if (rest.length >= 2 && rest.endsWith('$$') && !rest.slice(0, -2).includes('$$')) {
		content = rest.slice(0, -2); // `$$ x $$` on one line
	} else if (rest.includes('$$')) {
		return false; // `$$a$$ and $$b$$`: inline math in a paragraph
	} else {
		const lines = [rest];
		let found = false;
		for (let line = startLine + 1; line < endLine && line <= startLine + maxBlockLines; line++) {
			const text = state.src.slice(state.bMarks[line] + state.tShift[line], state.eMarks[line]).trimEnd();
			if (state.sCount[line] < state.blkIndent && text !== '') break;
			if (text.endsWith('$$')) {
				lines.push(text.slice(0, -2));
				last = line;
				found = true;
				break;
			}
			lines.push(text);
		}
		if (!found) return false;
		content = lines.join('\n').trim();
	}
	if (content.trim() === '') return false;
	if (silent) return true;

	const token = state.push('math_block', 'math', 0);
	token.block = true;
	token.markup = '$$';
	token.content = content;
	token.map = [startLine, last + 1];
	state.line = last + 1;
	return true;
}

export function useMathSyntax(md: MarkdownIt): void {
	md.inline.ruler.after('escape', 'math_inline', inlineMath);
	md.block.ruler.after('blockquote', 'math_block', blockMath, {
		alt: ['paragraph', 'reference', 'blockquote', 'list']
	});
}
