/**
 * A deliberately small, strict HTML tag tokenizer for tests: it reads tags and attributes the way
 * a browser's tokenizer would (quoted, unquoted and valueless attributes; entities decoded) and
 * lists everything in the markup that could execute code, load a resource or escape the
 * allowlist. It has its own notion of "safe", written independently of sanitize.ts, so a
 * too-permissive sanitizer configuration fails the tests instead of agreeing with itself.
 */

export type Tag = { name: string; closing: boolean; attrs: [string, string][] };

// Written as words, not copied from sanitize.ts's arrays: this list is the test's own.
const safeTags = new Set(
	[
		'p br hr h1 h2 h3 h4 h5 h6 strong em s del code pre blockquote ul ol li table thead tbody tr th td a span div button',
		'math semantics annotation mrow mi mn mo ms mtext mspace msup msub msubsup mfrac msqrt mroot mover munder munderover mtable mtr mtd mstyle mpadded menclose mphantom'
	]
		.join(' ')
		.split(' ')
);

/** Attributes that load something, run something or restyle the page. */
const dangerousAttrs = new Set([
	'style',
	'src',
	'srcset',
	'srcdoc',
	'action',
	'formaction',
	'background',
	'poster',
	'dynsrc',
	'lowsrc',
	'ping',
	'xlink:href',
	'data',
	'codebase',
	'http-equiv',
	'content',
	'id',
	'name',
	'form'
]);

const namedEntities: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	colon: ':',
	tab: '\t',
	newline: '\n',
	sol: '/'
};

export function decodeEntities(value: string): string {
	return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);?/gi, (match, body: string) => {
		if (body[0] === '#') {
			const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
			return Number.isFinite(code) ? String.fromCodePoint(code) : match;
		}
		return namedEntities[body.toLowerCase()] ?? match;
	});
}

/** Every tag in `html`, plus every `<` that does not open a well-formed tag ("stray"). */
export function tokenize(html: string): { tags: Tag[]; stray: string[] } {
	const tags: Tag[] = [];
	const stray: string[] = [];
	let i = html.indexOf('<');
	while (i !== -1) {
		const closing = html[i + 1] === '/';
		let j = i + (closing ? 2 : 1);
		const nameMatch = /^[a-zA-Z][^\s/>]*/.exec(html.slice(j, j + 64));
		if (!nameMatch) {
			stray.push(html.slice(i, i + 40));
			i = html.indexOf('<', i + 1);
			continue;
		}
		j += nameMatch[0].length;
		const attrs: [string, string][] = [];
		for (;;) {
			while (j < html.length && /[\s/]/.test(html[j])) j++;
			if (j >= html.length) {
				stray.push(html.slice(i, i + 40));
				break;
			}
			if (html[j] === '>') {
				j++;
				break;
			}
			const attrName = /^[^\s/>=]+|^=[^\s/>=]*/.exec(html.slice(j))![0];
			j += attrName.length;
			while (/\s/.test(html[j] ?? '')) j++;
			let value = '';
			if (html[j] === '=') {
				j++;
				while (/\s/.test(html[j] ?? '')) j++;
				const quote = html[j];
				if (quote === '"' || quote === "'") {
					const end = html.indexOf(quote, j + 1);
					value = html.slice(j + 1, end === -1 ? html.length : end);
					j = end === -1 ? html.length : end + 1;
				} else {
					const raw = /^[^\s>]*/.exec(html.slice(j))![0];
					value = raw;
					j += raw.length;
				}
			}
			attrs.push([attrName.toLowerCase(), decodeEntities(value)]);
		}
		tags.push({ name: nameMatch[0].toLowerCase(), closing, attrs });
		i = html.indexOf('<', j);
	}
	return { tags, stray };
}

/** Human-readable list of every executable or loading vector in `html`; empty when safe. */
export function findExecutableVectors(html: string): string[] {
	const problems: string[] = [];
	const { tags, stray } = tokenize(html);
	for (const s of stray) problems.push(`stray markup: ${s}`);
	for (const tag of tags) {
		if (!safeTags.has(tag.name)) problems.push(`tag <${tag.name}>`);
		for (const [name, value] of tag.attrs) {
			if (name.startsWith('on')) problems.push(`event handler ${name} on <${tag.name}>`);
			if (dangerousAttrs.has(name)) problems.push(`attribute ${name} on <${tag.name}>`);
			if (name === 'href' && !isSafeUrl(value, /^(https?:\/\/|mailto:)/i)) problems.push(`href ${value}`);
			if (name === 'data-md-src' && !isSafeUrl(value, /^https?:\/\//i)) problems.push(`image url ${value}`);
			if (name === 'xmlns' && value !== 'http://www.w3.org/1998/Math/MathML') problems.push(`xmlns ${value}`);
			if (name === 'class' && /\bmd-image-load\b/.test(value) && tag.name !== 'button')
				problems.push(`forged class on <${tag.name}>`);
		}
	}
	return problems;
}

function isSafeUrl(value: string, scheme: RegExp): boolean {
	// eslint-disable-next-line no-control-regex
	return scheme.test(value) && !/[\u0000-\u0020\u007f-\u009f]/.test(value);
}
