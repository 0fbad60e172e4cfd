/**
 * The second, independent safety layer: an allowlist over whatever HTML the parser produced.
 *
 * It assumes nothing about the parser. Tags outside the list are dropped (their text kept,
 * escaped; the content of script-like tags dropped); attributes outside the list are dropped,
 * which removes every `on*` handler and every `style`; link targets are re-checked with the
 * URL policy; a stray <img> becomes the click-to-load button instead of being fetched; MathML
 * is limited to the presentation elements KaTeX emits (no mglyph, maction or annotation-xml)
 * and its attribute values to plain lengths, names and colours.
 *
 * Every text node and attribute value is re-escaped on output, and no raw-text element (script,
 * style, textarea, title, xmp, noscript…) is allowed, so the browser's parse of the result
 * cannot turn text into markup (the mutation-XSS family).
 */
import sanitizeHtml from 'sanitize-html';
import { defaultLoadImageLabel, imageButtonClass } from './image-placeholder';
import { imageHost, safeImageUrl, safeLinkUrl } from './url-policy';

const htmlTags = [
	'p',
	'br',
	'hr',
	'h1',
	'h2',
	'h3',
	'h4',
	'h5',
	'h6',
	'strong',
	'em',
	's',
	'del',
	'code',
	'pre',
	'blockquote',
	'ul',
	'ol',
	'li',
	'table',
	'thead',
	'tbody',
	'tr',
	'th',
	'td',
	'a',
	'span',
	'div',
	'button'
];

const mathTags = [
	'math',
	'semantics',
	'annotation',
	'mrow',
	'mi',
	'mn',
	'mo',
	'ms',
	'mtext',
	'mspace',
	'msup',
	'msub',
	'msubsup',
	'mfrac',
	'msqrt',
	'mroot',
	'mover',
	'munder',
	'munderover',
	'mtable',
	'mtr',
	'mtd',
	'mstyle',
	'mpadded',
	'menclose',
	'mphantom'
];

/** Presentation attributes KaTeX sets; none of them takes a URL or script. */
const mathAttributes = [
	'mathvariant',
	'mathcolor',
	'mathbackground',
	'mathsize',
	'displaystyle',
	'scriptlevel',
	'fence',
	'separator',
	'stretchy',
	'symmetric',
	'largeop',
	'movablelimits',
	'accent',
	'accentunder',
	'lspace',
	'rspace',
	'minsize',
	'maxsize',
	'width',
	'height',
	'depth',
	'voffset',
	'linethickness',
	'notation',
	'columnalign',
	'rowalign',
	'columnlines',
	'rowlines',
	'columnspacing',
	'rowspacing',
	'linebreak'
];
/** Lengths ("0.16em", "+6pt"), keywords ("center center"), colours ("#cc0000", "red"). */
const mathValue = /^[#a-zA-Z0-9 .+%-]{0,100}$/;

const options: sanitizeHtml.IOptions = {
	allowedTags: [...htmlTags, ...mathTags],
	allowedAttributes: {
		a: ['href', 'title', 'rel', 'target'],
		ol: ['start'],
		code: ['class'],
		pre: ['class'],
		div: ['class'],
		span: ['class', 'title'],
		th: ['class'],
		td: ['class'],
		button: ['type', 'class', 'data-md-src', 'data-md-alt', 'title'],
		math: ['xmlns', 'display'],
		annotation: ['encoding'],
		...Object.fromEntries(mathTags.filter((t) => t !== 'math' && t !== 'annotation').map((t) => [t, mathAttributes]))
	},
	allowedClasses: {
		code: ['hljs', 'language-*', 'md-math-source'],
		pre: ['md-code', 'md-plain'],
		div: ['md-math-block'],
		// hljs 11 emits scope classes such as "hljs-title function_" and sub-language spans.
		span: ['hljs-*', '*_', 'language-*', 'katex', 'katex-display', 'md-math-error'],
		th: ['md-align-left', 'md-align-center', 'md-align-right'],
		td: ['md-align-left', 'md-align-center', 'md-align-right'],
		button: [imageButtonClass]
	},
	allowedSchemes: ['http', 'https', 'mailto'],
	allowedSchemesByTag: {},
	allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'data-md-src'],
	allowProtocolRelative: false,
	parseStyleAttributes: false,
	disallowedTagsMode: 'discard',
	// The text inside these is never shown: it is code or markup, not prose.
	nonTextTags: [
		'script',
		'style',
		'textarea',
		'option',
		'noscript',
		'title',
		'xmp',
		'template',
		'noembed',
		'noframes',
		'plaintext',
		'iframe',
		'object'
	],
	// KaTeX writes `<mspace width="1em"/>`; without this, following siblings would end up inside it.
	parser: { decodeEntities: true, recognizeSelfClosing: true },
	transformTags: {
		a: (tagName, attribs) => {
			const href = safeLinkUrl(attribs.href ?? '');
			const kept: sanitizeHtml.Attributes = href ? { href, rel: 'noopener noreferrer nofollow', target: '_blank' } : {};
			if (attribs.title) kept.title = attribs.title;
			return { tagName, attribs: kept };
		},
		img: (_tagName, attribs): sanitizeHtml.Tag => {
			const src = safeImageUrl(attribs.src ?? '');
			const alt = attribs.alt ?? '';
			if (!src) return { tagName: 'span', attribs: {}, text: alt };
			// The parser never emits <img>; if one gets here anyway it is still not fetched. The label
			// is the default English one because this path exists only as a safety net.
			return {
				tagName: 'button',
				attribs: { type: 'button', class: imageButtonClass, 'data-md-src': src, 'data-md-alt': alt },
				text: defaultLoadImageLabel(imageHost(src))
			};
		},
		button: (tagName, attribs) => {
			const src = safeImageUrl(attribs['data-md-src'] ?? '');
			const kept: sanitizeHtml.Attributes = { type: 'button' };
			if (src && attribs.class === imageButtonClass) {
				kept.class = imageButtonClass;
				kept['data-md-src'] = src;
				if (attribs['data-md-alt']) kept['data-md-alt'] = attribs['data-md-alt'];
				if (attribs.title) kept.title = attribs.title;
			}
			return { tagName, attribs: kept };
		},
		math: (tagName, attribs): sanitizeHtml.Tag => ({
			tagName,
			attribs: {
				xmlns: 'http://www.w3.org/1998/Math/MathML',
				...(attribs.display === 'block' ? { display: 'block' } : {})
			}
		}),
		annotation: (tagName, attribs): sanitizeHtml.Tag => ({
			tagName,
			attribs: attribs.encoding === 'application/x-tex' ? { encoding: 'application/x-tex' } : {}
		}),
		...Object.fromEntries(
			mathTags
				.filter((t) => t !== 'math' && t !== 'annotation')
				.map((t) => [
					t,
					(tagName: string, attribs: sanitizeHtml.Attributes) => ({ tagName, attribs: filterMathValues(attribs) })
				])
		)
	}
};

function filterMathValues(attribs: sanitizeHtml.Attributes): sanitizeHtml.Attributes {
	return Object.fromEntries(Object.entries(attribs).filter(([, value]) => mathValue.test(value)));
}

export function sanitize(html: string): string {
	return sanitizeHtml(html, options);
}
