/**
 * Bare-URL autolinking in linear time, replacing markdown-it's linkify-it integration.
 *
 * Why our own: linkify-it's matcher is super-linear on long URL-like words — one 190 KB
 * answer made of `http://a.example/` repeated kept a CPU busy for minutes in our measurements,
 * and these answers are rendered during SSR. This scanner finds `http://`, `https://` and
 * `www.` starts with one regex pass and extends each to the next whitespace, so every
 * character is visited a bounded number of times. It deliberately links less than
 * linkify-it: no bare domains ("example.com") and no bare e-mail addresses.
 */
import type MarkdownIt from 'markdown-it';
import type { StateCore, Token } from 'markdown-it';
import { safeLinkUrl } from './url-policy';

const start = /(?:https?:\/\/|www\.)/gi;
const maxUrlChars = 2048;
// Characters that end a URL (whitespace, controls, and markup-ish delimiters).
// eslint-disable-next-line no-control-regex
const terminator = /[\s\u0000-\u001f<>"`\u007f]/;
const trailingPunctuation = new Set(['.', ',', ':', ';', '!', '?', "'", '*', '_', '~']);
const closers: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

export type FoundLink = { index: number; end: number; text: string; href: string };

/** Every bare URL in `text`, left to right. */
export function findLinks(text: string): FoundLink[] {
	const found: FoundLink[] = [];
	const starts = new RegExp(start.source, 'gi');
	let match: RegExpExecArray | null;
	while ((match = starts.exec(text)) !== null) {
		const index = match.index;
		// Not inside a word, a path or an address ("xhttp://", "a/www.", "me@www.").
		if (index > 0 && /[\w@./:-]/.test(text[index - 1])) continue;
		let end = index + match[0].length;
		const limit = Math.min(text.length, index + maxUrlChars);
		while (end < limit && !terminator.test(text[end])) end++;
		end = trimEnd(text, index, end);
		starts.lastIndex = Math.max(end, index + match[0].length);
		const raw = text.slice(index, end);
		const isWww = /^www\./i.test(raw);
		// "www." or "https://" with nothing usable after it stays text.
		if (isWww && !/^www\.[a-z0-9]/i.test(raw)) continue;
		const href = safeLinkUrl(isWww ? `http://${raw}` : raw);
		if (href) found.push({ index, end, text: raw, href });
	}
	return found;
}

/** Drops trailing punctuation and unbalanced closing brackets ("(see https://x.org/a)."). */
function trimEnd(text: string, from: number, end: number): number {
	const balance: Record<string, number> = { '(': 0, '[': 0, '{': 0 };
	for (let i = from; i < end; i++) {
		const ch = text[i];
		if (ch in balance) balance[ch]++;
		else if (ch in closers) balance[closers[ch]]--;
	}
	while (end > from) {
		const last = text[end - 1];
		const opener = closers[last];
		if (trailingPunctuation.has(last)) end--;
		else if (opener && balance[opener] < 0) {
			balance[opener]++;
			end--;
		} else break;
	}
	return end;
}

/** Installs the scanner as a core rule in place of markdown-it's `linkify`. */
export function useLinearLinkify(md: MarkdownIt): void {
	md.set({ linkify: false });
	md.core.ruler.at('linkify', (state: StateCore) => {
		for (const block of state.tokens) {
			if (block.type === 'inline' && block.children) block.children = linkifyChildren(block.children, state);
		}
	});
}

function linkifyChildren(children: Token[], state: StateCore): Token[] {
	const out: Token[] = [];
	let insideLink = 0;
	for (const token of children) {
		if (token.type === 'link_open') insideLink++;
		if (token.type === 'link_close') insideLink--;
		const links = token.type === 'text' && insideLink === 0 ? findLinks(token.content) : [];
		if (links.length === 0) {
			out.push(token);
			continue;
		}
		let last = 0;
		for (const link of links) {
			if (link.index > last) out.push(textToken(state, token.content.slice(last, link.index), token.level));
			const open = new state.Token('link_open', 'a', 1);
			open.attrs = [['href', link.href]];
			open.markup = 'linkify';
			open.info = 'auto';
			open.level = token.level;
			out.push(open, textToken(state, link.text, token.level + 1));
			const close = new state.Token('link_close', 'a', -1);
			close.markup = 'linkify';
			close.info = 'auto';
			close.level = token.level;
			out.push(close);
			last = link.end;
		}
		if (last < token.content.length) out.push(textToken(state, token.content.slice(last), token.level));
	}
	return out;
}

function textToken(state: StateCore, content: string, level: number): Token {
	const token = new state.Token('text', '', 0);
	token.content = content;
	token.level = level;
	return token;
}
