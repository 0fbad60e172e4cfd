import { describe, expect, test } from 'vitest';
import { renderMarkdown } from './render';
import { sanitize } from './sanitize';
import { foreignHost, hostileCases, js } from './testing/hostile-corpus';
import { findExecutableVectors, tokenize } from './testing/inspect-html';

const byName = (name: string) => {
	const found = hostileCases.find((c) => c.name === name);
	if (!found) throw new Error(`no hostile case named ${name}`);
	return found.source;
};

describe('the inspector itself', () => {
	// If the inspector missed these, every "no vectors" assertion below would be worthless.
	test.each([
		['<img src=x onerror=alert(1)>', 'tag <img>'],
		['<a href="jav&#x09;ascript:alert(1)">x</a>', 'href jav\tascript:alert(1)'],
		['<a href=JAVASCRIPT:alert(1)>x</a>', 'href JAVASCRIPT:alert(1)'],
		['<span onmouseover="x">y</span>', 'event handler onmouseover on <span>'],
		['<p style="background:url(http://e/)">', 'attribute style on <p>'],
		['<svg/onload=alert(1)>', 'event handler onload on <svg>'],
		['<!-- x -->', 'stray markup: <!-- x -->'],
		['<button data-md-src="data:image/png;base64,AA">', 'image url data:image/png;base64,AA']
	])('flags %s', (html, problem) => {
		expect(findExecutableVectors(html)).toContain(problem);
	});

	test('passes plain safe markup', () => {
		expect(findExecutableVectors('<p><a href="https://a.example/" rel="noopener">a &lt;b&gt;</a></p>')).toEqual([]);
	});
});

describe('hostile answers', () => {
	test('the corpus is large enough to mean something', () => {
		expect(hostileCases.length).toBeGreaterThanOrEqual(40);
	});

	test.each(hostileCases)('renderMarkdown: $name', ({ source }) => {
		const { html } = renderMarkdown(source);
		expect(findExecutableVectors(html)).toEqual([]);
		expect(html).not.toMatch(/<(script|img|iframe|object|embed|form|input|svg|meta|link|base|style)\b/i);
	});

	// The second layer on its own: raw hostile HTML straight into the sanitizer, no Markdown parser.
	test.each(hostileCases)('sanitize alone: $name', ({ source }) => {
		const html = sanitize(source);
		expect(findExecutableVectors(html)).toEqual([]);
	});
});

describe('what hostile answers turn into', () => {
	test('raw HTML is shown as text', () => {
		const { html, mode } = renderMarkdown(byName('script tag'));
		expect(mode).toBe('markdown');
		expect(html).toContain('&lt;script&gt;');
	});

	test.each([
		'[click](javascript:alert(1))',
		'[click](jav&#x09;ascript:alert(1))',
		'[click][r]\n\n[r]: javascript:alert(1)',
		'[click](data:text/html,x)',
		'[click](//evil.example/x)',
		'[click](/account)',
		'[bank](https://bank.example@evil.example/)'
	])('refused link %s stays visible as text, with no anchor', (source) => {
		const { html } = renderMarkdown(source);
		expect(tokenize(html).tags.filter((t) => t.name === 'a')).toEqual([]);
		expect(html).toContain(source.slice(0, source.indexOf(']') + 1));
	});

	test('a remote image becomes a click-to-load button naming its host', () => {
		const { html } = renderMarkdown(byName('md image beacon'));
		expect(html).toContain(`data-md-src="http://${foreignHost}/beacon.png"`);
		expect(html).toContain(`Load image from ${foreignHost}`);
		expect(html).not.toMatch(/<img/i);
	});

	test('sanitizer turns a stray <img> into the same button, without fetching it', () => {
		const html = sanitize(`<img src="https://${foreignHost}/a.png" alt="a">`);
		expect(html).toBe(
			`<button type="button" class="md-image-load" data-md-src="https://${foreignHost}/a.png" data-md-alt="a">Load image from ${foreignHost}</button>`
		);
	});

	test('a forged image button keeps no URL', () => {
		const html = sanitize(byName('forged image button'));
		expect(html).toBe('<button type="button">x</button>');
	});

	test('KaTeX trust-only commands render as inert text', () => {
		const { html } = renderMarkdown(byName('math href'));
		expect(html).toContain('<mtext>\\href</mtext>');
		expect(html).not.toContain('<a ');
	});

	test('a macro bomb is reported as a math error, not expanded', () => {
		const { html } = renderMarkdown(byName('math macro bomb'));
		expect(html).toContain('md-math-error');
		expect(html.length).toBeLessThan(20_000);
	});

	test('huge sizes are capped', () => {
		const { html } = renderMarkdown(byName('math huge rule'));
		expect(html).toContain('width="10em"');
		expect(html).not.toMatch(/(width|height)="100000em"/);
	});

	test('a code fence cannot close its own <pre>', () => {
		const { html } = renderMarkdown(byName('fence breakout'));
		const names = tokenize(html).tags.map((t) => (t.closing ? '/' : '') + t.name);
		expect(names.filter((n) => /^\/?(pre|code)$/.test(n))).toEqual(['pre', 'code', '/code', '/pre']);
		expect(names).not.toContain('script');
	});

	test.each([
		['nested quotes bomb', 'too_deep'],
		['nested list bomb', 'too_deep'],
		['oversized answer', 'too_large']
	])('%s falls back to plain text (%s)', (name, reason) => {
		const result = renderMarkdown(byName(name));
		expect(result).toMatchObject({ mode: 'plain', reason });
		expect(result.html.startsWith('<pre class="md-plain">')).toBe(true);
		expect(tokenize(result.html).tags.map((t) => t.name)).toEqual(['pre', 'pre']);
	});

	test('the payload text is preserved (escaped) in the plain fallback', () => {
		expect(renderMarkdown(byName('oversized answer')).html).toContain(`&lt;script&gt;${js.replaceAll("'", '&#39;')}`);
	});
});
