/**
 * The card's Markdown with hostile names, rubric text and model settings: rendered by a real
 * CommonMark renderer with raw HTML switched on (the worst viewer a reader may use), nothing of
 * it becomes markup — no HTML element, link, image, heading or extra table cell — and every
 * hostile string still reads as itself.
 */
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import type { JudgeCard } from '../services/judge-card';
import { cardMarkdown, mdBlock, mdInline } from './card-markdown';

const HOSTILE = [
	'<img src=x onerror=alert(1)>',
	'</code><script>alert(2)</script>',
	'[click](javascript:alert(3))',
	'![i](http://evil/x.png)',
	'# Heading\n## Another\n- list',
	'a | b | c',
	'**bold** _em_ `code` ~~gone~~ &amp; &#60;',
	'line\r\nbreak\u2028sep\u0000nul\u001bESC',
	'$x^2$ \\[y\\] <http://autolink> <mailto:a@b>'
];
const RUBRIC_TEXT = 'Judge fairly.\n```\n# not a heading\n<script>alert(4)</script>\n````\n~~~\nend';

function hostileCard(): JudgeCard {
	const name = HOSTILE.join(' ');
	return {
		format: 1,
		generatedAt: '2026-12-03T07:00:00.000Z',
		projectId: '00000000-0000-4000-8000-000000000001',
		simulated: false,
		run: {
			id: '00000000-0000-4000-8000-000000000002',
			name,
			source: 'live',
			mode: 'pairwise',
			status: 'completed',
			options: { note: HOSTILE[1] },
			createdAt: '2026-12-03T06:00:00.000Z',
			finishedAt: null
		},
		rubric: {
			rubricId: '00000000-0000-4000-8000-000000000003',
			name,
			version: 2,
			contentHash: `sha256:${'a'.repeat(64)}`,
			judgeId: HOSTILE[0],
			judgeVersion: 1,
			locale: 'en',
			mode: 'pairwise',
			usesReference: false,
			turns: 'last',
			output: { kind: 'preference', allowTie: true } as never,
			criteria: [
				// A categorical criterion's labels are rubric text too: hostile, in a table cell.
				{ id: 'c1', name: HOSTILE[2], description: HOSTILE[4], scale: null, labels: [HOSTILE[5], HOSTILE[0]] },
				{ id: 'c2', name: 'Scored', description: 'on a scale', scale: { min: 1, max: 5 }, labels: null }
			],
			rubricText: RUBRIC_TEXT,
			settings: {} as never
		},
		model: { judgeModel: HOSTILE[3], provider: { model: HOSTILE[0], baseUrl: '```\n<b>x</b>' } },
		bias: { available: false, reason: 'no-labels' },
		agreement: { available: false, reason: 'no-labels' },
		calibration: { available: false, reason: 'pairwise' },
		costAndTime: {
			items: 3,
			judgments: 6,
			ok: 6,
			inputTokens: 10,
			outputTokens: 5,
			cost: 0.5,
			costPerItem: 0.5 / 3,
			judgeSecondsPerItem: 1.5,
			humanMedianSeconds: null,
			humanTimedLabels: 0
		},
		data: {
			dataset: { id: '00000000-0000-4000-8000-000000000004', name },
			items: 3,
			judgments: 6,
			labels: [{ kind: 'imported', labels: 4, annotators: 2, names: [HOSTILE[5], HOSTILE[0]] }]
		},
		// A certification whose use, set, model and certifier are hostile too.
		certification: {
			status: 'needs-recertification',
			certifications: [
				{
					id: '00000000-0000-4000-8000-000000000005',
					use: name,
					version: 2,
					rubricHash: 'sha256:abc',
					setId: '00000000-0000-4000-8000-000000000006',
					setName: name,
					setHash: 'sha256:def',
					runId: '00000000-0000-4000-8000-000000000007',
					model: { model: HOSTILE[2], temperature: 0 },
					modelHash: 'sha256:123',
					thresholds: { statistic: 'kappaPairwise', minAgreement: 0.6, minTpr: null, minTnr: null },
					results: {
						mode: 'pairwise',
						checks: [{ key: 'agreement', criterion: null, lower: 0.71, threshold: 0.6, ok: true }]
					},
					certifiedBy: HOSTILE[0],
					createdAt: '2026-12-03T07:00:00.000Z',
					status: 'needs-recertification',
					reasons: ['model-changed']
				}
			]
		}
	};
}

// Raw HTML on. (Bare http(s) URLs may still be auto-linked by GFM viewers that linkify text;
// that is a plain link, never a script, and CommonMark has no escape for it.)
const md = new MarkdownIt({ html: true });

describe('judge card Markdown', () => {
	for (const locale of ['en', 'zh-CN'] as const) {
		it(`renders hostile strings as text only (${locale})`, () => {
			const text = cardMarkdown(hostileCard(), { kind: 'card', note: HOSTILE[1] }, locale);
			const html = md.render(text);
			// No element from the hostile strings: only what the card itself writes.
			expect(html).not.toMatch(/<(img|script|b|em|strong|del|s)\b/i);
			expect(html).not.toMatch(/<a\b|href=/i);
			// One title; the rubric's and the names' '#' lines never become headings.
			expect(html.match(/<h1>/g)).toHaveLength(1);
			expect(html).not.toMatch(/<h\d>(not a heading|Heading|Another)/);
			// Tables keep their column counts: the '|' in names is escaped.
			for (const table of html.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
				const rows = table.match(/<tr>[\s\S]*?<\/tr>/g)!;
				const widths = new Set(rows.map((r) => (r.match(/<t[hd][ >]/g) ?? []).length));
				expect(widths.size).toBe(1);
			}
			// The rubric text is shown verbatim inside one code block.
			const codes = [...html.matchAll(/<pre><code[^>]*>([\s\S]*?)<\/code><\/pre>/g)].map((c) => c[1]);
			const unescape = (s: string) =>
				s.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');
			expect(codes.map(unescape)).toContain(`${RUBRIC_TEXT}\n`);
			// Control characters are gone, the hostile names still read as themselves.
			// eslint-disable-next-line no-control-regex -- the characters the renderer must drop
			expect(text).not.toMatch(/[\u0000\u001b]/);
			expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
			expect(html).toContain('[click](javascript:alert(3))');
			// The criteria table gives each criterion's scale or labels.
			expect(html).toMatch(/<td>1–5<\/td>/);
			expect(html).toContain('<td>a | b | c / &lt;img src=x onerror=alert(1)&gt;</td>');
		});
	}

	it('escapes one line of inline text and fences block text beyond its longest backtick run', () => {
		expect(mdInline('a\nb | <c> *d*')).toBe('a b \\| \\<c\\> \\*d\\*');
		expect(md.renderInline(mdInline('[x](y) &amp; `z`'))).toBe('[x](y) &amp;amp; `z`');
		const block = mdBlock('````\ninside');
		expect(block.startsWith('`````text\n')).toBe(true);
		expect(block.endsWith('\n`````')).toBe(true);
	});
});
