import { describe, expect, test } from 'vitest';
import { findLinks } from './linkify';

const texts = (s: string) => findLinks(s).map((l) => l.text);

describe('findLinks', () => {
	test('finds http, https and www links', () => {
		expect(texts('a https://a.example/x b http://b.example c www.c.example/d')).toEqual([
			'https://a.example/x',
			'http://b.example',
			'www.c.example/d'
		]);
		expect(findLinks('www.c.example')[0].href).toBe('http://www.c.example/');
	});

	test('trims trailing punctuation and unbalanced brackets', () => {
		expect(texts('(see https://a.example/x).')).toEqual(['https://a.example/x']);
		expect(texts('https://en.example/wiki/A_(b)!')).toEqual(['https://en.example/wiki/A_(b)']);
		expect(texts('"https://a.example/q?x=1",')).toEqual(['https://a.example/q?x=1']);
	});

	test('ignores starts inside words and refused schemes', () => {
		expect(texts('xhttps://a.example me@www.a.example javascript://a.example%0Aalert(1) www. https://')).toEqual([]);
	});

	test('stays linear on long URL-like words', () => {
		const word = 'http://a.example/'.repeat(12_000);
		const started = performance.now();
		const links = findLinks(word);
		const ms = performance.now() - started;
		console.log(`[linkify perf] ${word.length} chars in ${ms.toFixed(1)} ms`);
		// One link per 2048-character window, nothing quadratic.
		expect(links.length).toBeLessThanOrEqual(Math.ceil(word.length / 2048) + 1);
	});
});
