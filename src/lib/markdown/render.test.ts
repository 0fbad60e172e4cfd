import { describe, expect, test } from 'vitest';
import { renderMarkdown, renderDefaults } from './render';
import { findExecutableVectors, tokenize } from './testing/inspect-html';

const tagNames = (html: string) =>
	tokenize(html)
		.tags.filter((t) => !t.closing)
		.map((t) => t.name);

describe('ordinary answers still render', () => {
	test('headings, emphasis, lists, quotes and rules', () => {
		const { html, mode } = renderMarkdown(
			'# Title\n\n## Part\n\nSome **bold**, *italic* and ~~struck~~ text.\n\n- one\n- two\n  1. nested\n\n3. three\n4. four\n\n> quoted\n\n---'
		);
		expect(mode).toBe('markdown');
		expect(html).toContain('<h1>Title</h1>');
		expect(html).toContain('<h2>Part</h2>');
		expect(html).toContain('<strong>bold</strong>');
		expect(html).toContain('<em>italic</em>');
		expect(html).toContain('<s>struck</s>');
		expect(html).toContain('<ol start="3">');
		expect(tagNames(html)).toEqual(expect.arrayContaining(['ul', 'li', 'ol', 'blockquote', 'hr']));
	});

	test('tables keep their alignment as classes, not styles', () => {
		const { html } = renderMarkdown('| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |');
		expect(html).toContain('<th class="md-align-left">a</th>');
		expect(html).toContain('<td class="md-align-center">2</td>');
		expect(html).toContain('<td class="md-align-right">3</td>');
		expect(html).not.toContain('style');
	});

	test('known languages are highlighted, escaped', () => {
		const { html } = renderMarkdown('```py\nprint("<b>")\n```');
		expect(html).toContain('<pre class="md-code"><code class="hljs language-python">');
		expect(html).toContain('<span class="hljs-string">"&lt;b&gt;"</span>');
	});

	test('unknown languages are escaped without highlighting or a class', () => {
		const { html } = renderMarkdown('```brainfudge\n<b>+-</b>\n```');
		expect(html).toBe('<pre class="md-code"><code>&lt;b&gt;+-&lt;/b&gt;\n</code></pre>\n');
	});

	test('inline and display math become MathML without styles', () => {
		const { html } = renderMarkdown('Euler: $e^{i\\pi}+1=0$.\n\n$$\n\\int_0^1 x\\,dx = \\frac{1}{2}\n$$');
		expect(html).toContain('<math xmlns="http://www.w3.org/1998/Math/MathML"><semantics><mrow><msup><mi>e</mi>');
		expect(html).toContain(
			'<div class="md-math-block"><span class="katex"><math xmlns="http://www.w3.org/1998/Math/MathML" display="block">'
		);
		expect(html).toContain('<mfrac><mn>1</mn><mn>2</mn></mfrac>');
		expect(html).not.toContain('style=');
	});

	test('a TeX error shows the source as text', () => {
		const { html } = renderMarkdown('$\\frac{1}{$ and $\\notacommand$');
		expect(html).toContain(
			'<span class="md-math-error" title="KaTeX parse error: Undefined control sequence: \\notacommand'
		);
	});

	test('prices are not math', () => {
		const { html } = renderMarkdown('It costs $5 and $10.');
		expect(html).toBe('<p>It costs $5 and $10.</p>\n');
	});

	test('links open in a new tab without referrer or opener', () => {
		const { html } = renderMarkdown('[docs](https://example.org/a?b=1 "Docs") and <https://example.org/x>');
		expect(html).toContain(
			'<a href="https://example.org/a?b=1" rel="noopener noreferrer nofollow" target="_blank" title="Docs">docs</a>'
		);
		expect(html).toContain(
			'<a href="https://example.org/x" rel="noopener noreferrer nofollow" target="_blank">https://example.org/x</a>'
		);
	});

	test('bare URLs are linked, trailing punctuation is not', () => {
		const { html } = renderMarkdown('See https://example.org/a_(b). Or www.example.com, or (https://x.org/y).');
		expect(html).toContain(
			'<a href="https://example.org/a_(b)" rel="noopener noreferrer nofollow" target="_blank">https://example.org/a_(b)</a>.'
		);
		expect(html).toContain(
			'<a href="http://www.example.com/" rel="noopener noreferrer nofollow" target="_blank">www.example.com</a>,'
		);
		expect(html).toContain(
			'(<a href="https://x.org/y" rel="noopener noreferrer nofollow" target="_blank">https://x.org/y</a>).'
		);
	});

	test('mailto links are allowed', () => {
		const { html } = renderMarkdown('[mail](mailto:someone@example.org)');
		expect(html).toContain(
			'<a href="mailto:someone@example.org" rel="noopener noreferrer nofollow" target="_blank">mail</a>'
		);
	});

	test('images wait for a click, with a translated label', () => {
		const { html } = renderMarkdown('![a chart](https://img.example.org/c.png)', {
			loadImageLabel: (host) => `从 ${host} 加载图片`
		});
		expect(html).toBe(
			'<p><button type="button" class="md-image-load" data-md-src="https://img.example.org/c.png" data-md-alt="a chart" title="a chart">从 img.example.org 加载图片</button></p>\n'
		);
	});

	test('empty input renders nothing', () => {
		expect(renderMarkdown('')).toEqual({ html: '', mode: 'markdown' });
	});
});

describe('result cache', () => {
	test('the same source and options give the same frozen result; other labels do not', () => {
		const source = `![x](https://img.example.org/${Math.random()}.png)`;
		const first = renderMarkdown(source);
		expect(renderMarkdown(source)).toBe(first);
		expect(Object.isFrozen(first)).toBe(true);
		const translated = renderMarkdown(source, { loadImageLabel: (host) => `从 ${host} 加载图片` });
		expect(translated).not.toBe(first);
		expect(translated.html).toContain('从 img.example.org 加载图片');
		expect(renderMarkdown(source, { maxDepth: 10 })).not.toBe(first);
	});
});

describe('fallbacks', () => {
	test('size limit is inclusive and configurable', () => {
		expect(renderMarkdown('a'.repeat(10), { maxChars: 10 }).mode).toBe('markdown');
		expect(renderMarkdown('a'.repeat(11), { maxChars: 10 })).toEqual({
			html: `<pre class="md-plain">${'a'.repeat(11)}</pre>`,
			mode: 'plain',
			reason: 'too_large'
		});
	});

	test('nesting at the limit renders, one deeper falls back', () => {
		const quotes = (n: number) => '>'.repeat(n) + ' x';
		expect(renderMarkdown(quotes(5), { maxDepth: 5 }).mode).toBe('markdown');
		expect(renderMarkdown(quotes(6), { maxDepth: 5 })).toMatchObject({ mode: 'plain', reason: 'too_deep' });
		const list = (n: number) => Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}- x`).join('\n');
		expect(renderMarkdown(list(renderDefaults.maxDepth)).mode).toBe('markdown');
		expect(renderMarkdown(list(renderDefaults.maxDepth + 1))).toMatchObject({ mode: 'plain', reason: 'too_deep' });
	});

	test('quadratic bracket patterns are refused before parsing', () => {
		expect(renderMarkdown('!['.repeat(50_000))).toMatchObject({ mode: 'plain', reason: 'too_complex' });
		expect(renderMarkdown('[a] '.repeat(20_000)).mode).toBe('markdown');
	});

	test('math beyond the per-answer budget shows its source', () => {
		const { html } = renderMarkdown('$a$ $b$ $c$', { maxMathExpressions: 2 });
		expect(html.match(/<math /g)).toHaveLength(2);
		expect(html).toContain('<code class="md-math-source">$c$</code>');
	});

	test('code beyond the highlight budget stays unhighlighted', () => {
		const { html } = renderMarkdown('```js\nlet a\n```\n\n```js\nlet b\n```', { maxHighlightChars: 8 });
		expect(html.match(/class="hljs language-javascript"/g)).toHaveLength(1);
		expect(html).toContain('<pre class="md-code"><code>let b\n</code></pre>');
	});
});

/** A long, ordinary answer: prose, lists, code, a table, math and links. */
function typicalAnswer(targetChars: number, salt: number): string {
	const section = (i: number) =>
		[
			`## Step ${i}: compare the candidates`,
			`The **first** answer explains the idea with *care*; the second skips \`edge cases\` (see [the spec](https://example.org/spec/${i})).`,
			`Its complexity is $O(n \\log n)$ and the expected error of step ${i} is $\\sigma_{${salt}.${i}}^2 / n$.`,
			'- correctness: both handle empty input\n- clarity: the first is easier to follow\n  - shorter functions\n  - better names',
			'```python\ndef merge(a, b):\n    out = []\n    while a and b:\n        out.append(a.pop(0) if a[0] <= b[0] else b.pop(0))\n    return out + a + b\n```',
			'| metric | A | B |\n|:--|--:|--:|\n| accuracy | 0.91 | 0.87 |\n| length | 412 | 1,033 |',
			'> Note: the reference answer mentions https://example.org/ref as a source.',
			`$$\n\\hat{\\theta}_{${salt}.${i}} = \\frac{1}{n}\\sum_{i=1}^{n} x_i\n$$`
		].join('\n\n');
	const parts: string[] = [];
	let length = 0;
	for (let i = 1; length < targetChars; i++) {
		const s = section(i);
		parts.push(s);
		length += s.length + 2;
	}
	return parts.join('\n\n');
}

describe('performance (logged, not asserted)', () => {
	// Wall time on a shared CI box says little, so CPU time of this process is logged as well.
	function measure(label: string, make: (run: number) => string) {
		// Warm-up (JIT, highlight.js grammars), with sources that differ from the measured ones.
		for (let run = -3; run < 0; run++) renderMarkdown(make(run));
		const runs = 5;
		let wall = 0;
		let cpu = 0;
		let result = renderMarkdown('');
		let chars = 0;
		for (let run = 0; run < runs; run++) {
			const source = make(run); // distinct per run, so the math cache only helps as it would in real answers
			chars = source.length;
			const cpuStart = process.cpuUsage();
			const wallStart = performance.now();
			result = renderMarkdown(source);
			wall += performance.now() - wallStart;
			const used = process.cpuUsage(cpuStart);
			cpu += (used.user + used.system) / 1000;
		}
		console.log(
			`[markdown perf] ${label}: ${chars} chars → ${result.html.length} chars of HTML, ` +
				`mean of ${runs}: ${(wall / runs).toFixed(1)} ms wall, ${(cpu / runs).toFixed(1)} ms CPU`
		);
		return result;
	}

	test('a 100 KB answer with code and math in every section', () => {
		const result = measure('mixed answer (headings, lists, tables, ~600 formulas, ~200 code blocks)', (run) =>
			typicalAnswer(100_000, run)
		);
		expect(result.mode).toBe('markdown');
		expect(findExecutableVectors(result.html)).toEqual([]);
	}, 120_000);

	test('a 100 KB answer of prose with some emphasis and links', () => {
		const paragraph = (i: number) =>
			`Paragraph ${i}: the candidate argues **carefully** that the *second* claim follows; see https://example.org/p/${i} for the source, and note \`edge\` cases.`;
		const result = measure('prose answer', (run) =>
			Array.from({ length: 700 }, (_, i) => paragraph(run * 1000 + i))
				.join('\n\n')
				.slice(0, 100_000)
		);
		expect(result.mode).toBe('markdown');
	}, 120_000);
});
