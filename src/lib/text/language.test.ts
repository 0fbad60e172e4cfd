import { describe, expect, it } from 'vitest';
import { guessContentLanguage } from './language';

describe('guessContentLanguage', () => {
	it('calls text with a large share of Han ideographs Chinese, even with English terms and code in it', () => {
		expect(guessContentLanguage('请解释 BGP 路由震荡的原因，并给出 `show ip bgp` 的排查步骤。')).toBe('zh');
		expect(guessContentLanguage('在 Kubernetes 中，Pod 与 Deployment 有什么区别？')).toBe('zh');
	});

	it('calls plain Latin-letter text English, whatever its digits and symbols', () => {
		expect(guessContentLanguage('What is 2 + 2? Answer with **one** number.')).toBe('en');
		expect(guessContentLanguage('```python\nprint(sum(x for x in range(10)))\n```')).toBe('en');
	});

	it('tells Japanese (kana) and Korean (hangul) from Chinese', () => {
		expect(guessContentLanguage('東京の天気はどうですか？')).toBe('ja');
		expect(guessContentLanguage('서울의 날씨는 어떻습니까?')).toBe('ko');
	});

	it('leaves short text, accented Latin and other scripts unmarked rather than guess wrong', () => {
		expect(guessContentLanguage('')).toBeUndefined();
		expect(guessContentLanguage(null)).toBeUndefined();
		expect(guessContentLanguage('42 + 1')).toBeUndefined();
		expect(guessContentLanguage('OK')).toBeUndefined();
		expect(guessContentLanguage('Ça dépend: où êtes-vous né, à Genève?')).toBeUndefined();
		expect(guessContentLanguage('Привет, как дела?')).toBeUndefined();
	});

	it('an English answer that quotes a few Chinese words stays English', () => {
		expect(
			guessContentLanguage('The term 负载均衡 means load balancing; it spreads requests across several servers.')
		).toBe('en');
	});
});
