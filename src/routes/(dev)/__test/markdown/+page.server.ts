/**
 * Test-only page for test/e2e/markdown-xss.spec.ts: renders the hostile corpus through the real
 * SafeMarkdown component, in the real app shell. It does not exist (404) in a build unless the
 * server runs with CONCORD_E2E=1, and it reads no data.
 */
import { error } from '@sveltejs/kit';
import { dev } from '$app/environment';
import { hostileCases, type HostileCase } from '$lib/markdown/testing/hostile-corpus';
import type { PageServerLoad } from './$types';

/** Ordinary content next to the hostile one, so the test also sees that formatting survives. */
const ordinaryCases: HostileCase[] = [
	{
		name: 'ordinary answer',
		source: [
			'## Verdict',
			'Answer **A** is better: it handles `[]` and cites [the docs](https://docs.example.org/sort).',
			'| model | score |\n|:--|--:|\n| A | 0.91 |',
			'```python\nprint(sorted([3, 1, 2]))\n```',
			'The mean is $\\bar{x} = \\frac{1}{n}\\sum_i x_i$.',
			// Fits a desktop column and overflows a phone's (test/e2e/rendered-scrollers.spec.ts).
			'$$\\rho = n A / (a^3 N_A) = 4 \\times 63.55\\ \\text{g/mol} / ((3.615 \\times 10^{-8}\\ \\text{cm})^3 \\times 6.022 \\times 10^{23}\\ \\text{mol}^{-1}) \\approx 8.93\\ \\text{g/cm}^3$$'
		].join('\n\n')
	}
];

export const load: PageServerLoad = () => {
	if (!dev && process.env.CONCORD_E2E !== '1') error(404, 'Not found');
	return { cases: [...ordinaryCases, ...hostileCases] };
};
