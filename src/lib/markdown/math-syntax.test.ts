import { describe, expect, test } from 'vitest';
import { renderMarkdown } from './render';

const mathCount = (html: string) => (html.match(/<math /g) ?? []).length;

describe('math delimiters', () => {
	test.each([
		['$x$', 1],
		['a $x^2$ b $y$', 2],
		['It costs $5 and $10.', 0],
		['between $5 and 10$', 1],
		['\\$x$ is not math', 0],
		['$ x$ needs no space after the opener', 0],
		['$x $ needs no space before the closer', 0],
		['$x$5 is not closed before a digit', 0],
		['`$x$` in code', 0],
		['$`a$b`$ may contain a dollar', 1],
		['inline display $$\\sum x$$ here', 1],
		['$$a$$ and $$b$$', 2],
		['$$\n\\int_0^1 f\n$$', 1],
		['$$ \\frac{1}{2} $$', 1],
		['- $$\n  x\n  $$', 1],
		['$$\nnever closed', 0]
	])('%j has %i formulas', (source, count) => {
		expect(mathCount(renderMarkdown(source).html)).toBe(count);
	});

	test('display blocks become MathML blocks', () => {
		const { html } = renderMarkdown('text\n$$\na\n+b\n$$\nafter');
		expect(html).toContain(
			'<div class="md-math-block"><span class="katex"><math xmlns="http://www.w3.org/1998/Math/MathML" display="block">'
		);
		expect(html).toContain('<p>after</p>');
	});

	test('text full of dollar signs stays linear', () => {
		for (const source of [
			'$a '.repeat(60_000),
			'$$a '.repeat(45_000),
			'a$ '.repeat(60_000),
			'$$\n'.repeat(1000) + 'x\n'.repeat(50_000)
		]) {
			const started = performance.now();
			const result = renderMarkdown(source);
			console.log(
				`[math perf] ${JSON.stringify(source.slice(0, 8))}… ${source.length} chars: ${result.mode} ${result.reason ?? ''} in ${(performance.now() - started).toFixed(0)} ms`
			);
			expect(result.html.length).toBeGreaterThan(0);
		}
	}, 60_000);
});
