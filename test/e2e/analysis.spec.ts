/**
 * The analysis pages on the demo project, as an admin, in English and in Chinese: the demo
 * comes with a simulated judge's runs and simulated annotators' labels (the demo.results job),
 * so each page must show real figures (estimates with their 95% intervals, a row per demo
 * system), not only its headings. Then a CSV export is downloaded from the leaderboard and
 * read back: its header, one row per system, and the same win rates as the page.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import { adminStatePath } from './support/accounts';
import { trpcAs } from './support/trpc';
import { chooseLanguage, open } from './support/ui';

test.describe.configure({ mode: 'serial' });
test.use({ storageState: adminStatePath });

type Messages = Record<string, string>;
const messages = (locale: string): Messages =>
	JSON.parse(readFileSync(new URL(`../../src/lib/i18n/messages/${locale}.json`, import.meta.url), 'utf8'));
const languages = [
	{ locale: 'en', name: 'English', m: messages('en') },
	{ locale: 'zh-CN', name: '简体中文', m: messages('zh-CN') }
] as const;

/** The demo's three systems (src/lib/server/demo). */
const SYSTEMS = ['atlas-large', 'brisk-small', 'verbose-tuned'];
// Estimates as the pages print them (format.ts), in both languages: "0.368 [0.258, 0.484]", "53.3% [46.2, 60.8]".
const num = String.raw`[-−]?\d[\d,]*(?:\.\d+)?`;
const WITH_CI = new RegExp(`^${num} \\[${num}, ${num}\\]$`);
const PCT_CI = new RegExp(`^${num}% \\[${num}, ${num}\\]`);

let projectUrl = '';

const table = (page: Page, caption: string) => page.getByRole('table', { name: caption, exact: true });
/** The cells of the row whose header cell is `name`. */
const rowCells = (t: Locator, name: string) =>
	t
		.getByRole('row')
		.filter({ has: t.page().getByRole('rowheader', { name, exact: true }) })
		.getByRole('cell');

test('setup: a demo project with its simulated results', async ({ page, baseURL }) => {
	test.setTimeout(180_000); // the demo imports, then its four simulated runs and labels
	await open(page, '/demo');
	await page.getByRole('button', { name: 'Create demo project' }).click();
	await page.waitForURL(/\/projects\/[0-9a-f-]{36}/);
	projectUrl = new URL(page.url()).pathname.match(/^\/projects\/[0-9a-f-]{36}/)![0];
	const projectId = projectUrl.split('/').pop()!;
	const api = trpcAs(page, baseURL!);
	// The English dataset's labels are written after its two runs finished: then every page has its figures.
	await expect
		.poll(
			async () => {
				const datasets = await api.query<{ id: string; name: string }[]>('datasets.list', { projectId });
				const demo = datasets.find((d) => d.name === 'Demo questions');
				if (!demo) return 'no dataset yet';
				const a = await api.query<{
					counts: { both: number };
					runs: { mode: string; okCount: number }[];
				}>('analysis.agreement', { projectId, datasetId: demo.id });
				const pointwise = a.runs.some((r) => r.mode === 'pointwise' && r.okCount > 0);
				return a.counts.both > 0 && pointwise ? 'ready' : 'waiting';
			},
			{ timeout: 150_000, intervals: [1000, 2000] }
		)
		.toBe('ready');
});

for (const { locale, name, m } of languages) {
	test(`the admin reads agreement, bias, leaderboard and calibration in ${name}`, async ({ page }) => {
		await open(page, '/account');
		if (locale !== 'en') await chooseLanguage(page, name);
		try {
			// Agreement: κ with its interval for judge ↔ human and human ↔ human, and per demo system.
			await open(page, `${projectUrl}/analysis/agreement`);
			await expect(page.getByRole('heading', { level: 2, name: m.analysis_agreement })).toBeVisible();
			const overall = table(page, m.analysis_overall_caption);
			const kappa = rowCells(overall, m.analysis_stat_kappa);
			await expect(kappa).toHaveCount(2);
			for (const cell of await kappa.all()) await expect(cell).toHaveText(WITH_CI);
			const bySystem = table(page, m.analysis_col_system);
			for (const system of SYSTEMS) {
				const cells = rowCells(bySystem, system);
				// pairs, judge ↔ human agreement, judge ↔ human κ, human ↔ human κ
				await expect(cells.nth(1)).toHaveText(PCT_CI);
				await expect(cells.nth(2)).toHaveText(WITH_CI);
				await expect(cells.nth(3)).toHaveText(WITH_CI);
			}

			// Bias: the plain-language verdict with its share, and position consistency with an interval.
			await open(page, `${projectUrl}/analysis/bias`);
			await expect(page.getByRole('heading', { name: m.analysis_bias_verdict })).toBeVisible();
			const verdict = m.analysis_bias_sentence_both.split('{share}')[0];
			await expect(page.getByText(verdict)).toContainText(/\d+(\.\d+)?%/);
			const position = table(page, m.analysis_bias_position_length);
			await expect(rowCells(position, m.analysis_bias_consistency).first()).toHaveText(PCT_CI);
			await expect(rowCells(position, m.analysis_bias_longer_shared)).toHaveText([PCT_CI, PCT_CI]);

			// Leaderboard: a row per demo system with the people's and the judge's win rates and intervals.
			await open(page, `${projectUrl}/analysis/leaderboard`);
			const wins = table(page, m.analysis_win_rates);
			await expect(wins.getByRole('row')).toHaveCount(SYSTEMS.length + 1);
			for (const system of SYSTEMS) {
				const cells = rowCells(wins, system);
				await expect(cells.nth(0)).toHaveText(PCT_CI);
				await expect(cells.nth(1)).toHaveText(PCT_CI);
			}

			// Calibration: the map at each judge score, and the error before and after with intervals.
			await open(page, `${projectUrl}/analysis/calibration`);
			const map = table(page, m.analysis_calibration_map_caption);
			await expect(map.getByRole('row').nth(1).getByRole('cell').nth(1)).toHaveText(WITH_CI);
			const errors = table(page, m.analysis_calibration_error_caption);
			await expect(rowCells(errors, m.analysis_calibration_mae)).toHaveText([WITH_CI, WITH_CI]);
		} finally {
			// The language is stored with the shared admin: give it English back.
			if (locale !== 'en') await chooseLanguage(page, 'English');
		}
	});
}

test('the admin downloads the leaderboard as CSV and it holds the page’s win rates', async ({ page }) => {
	await open(page, `${projectUrl}/analysis/leaderboard`);
	const shown = new Map<string, string>();
	for (const system of SYSTEMS)
		shown.set(system, (await rowCells(table(page, 'Win rates'), system).first().innerText()).split(/\s/)[0]);

	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('navigation', { name: 'Download this data' }).getByRole('link', { name: 'CSV' }).click()
	]);
	expect(download.suggestedFilename()).toMatch(/^leaderboard-[0-9a-f]{8}-.+\.csv$/);
	const text = readFileSync((await download.path())!, 'utf8');
	const rows: Record<string, string>[] = parse(text, { columns: true, bom: true, skip_empty_lines: true });
	expect(Object.keys(rows[0])).toEqual(
		expect.arrayContaining(['system', 'human_win_rate', 'human_ci_low', 'human_ci_high', 'judge_win_rate'])
	);
	expect(rows.map((r) => r.system).sort()).toEqual(SYSTEMS);
	for (const r of rows) {
		for (const column of ['human_win_rate', 'human_ci_low', 'human_ci_high', 'judge_win_rate'])
			expect(Number.isFinite(Number(r[column])), `${r.system} ${column} = ${r[column]}`).toBe(true);
		expect(Number(r.human_ci_low)).toBeLessThanOrEqual(Number(r.human_win_rate));
		expect(Number(r.human_win_rate)).toBeLessThanOrEqual(Number(r.human_ci_high));
		// The page rounds to a tenth of a percent.
		expect(`${(Number(r.human_win_rate) * 100).toFixed(1)}%`).toBe(shown.get(r.system));
	}
});

test('the admin opens question quality and the judge card in both languages and downloads the card as JSON', async ({
	page
}) => {
	for (const { locale, name, m } of languages) {
		await open(page, '/account');
		if (locale !== 'en') await chooseLanguage(page, name);
		try {
			// Question quality: a row per question (the demo has 40 in its English dataset), each linked to its item.
			await open(page, `${projectUrl}/analysis/quality?view=all`);
			const quality = table(page, m.analysis_quality_caption);
			await expect(quality.getByRole('row').nth(1).getByRole('link').first()).toHaveAttribute('href', /\/items\//);
			await expect(page.getByRole('heading', { name: m.analysis_quality_measures })).toBeVisible();

			// Judge card: agreement beside the human ceiling, with intervals.
			await open(page, `${projectUrl}/analysis/card`);
			await expect(page.getByRole('heading', { level: 2, name: m.analysis_card })).toBeVisible();
			const agreement = table(page, m.analysis_card_agreement_caption);
			await expect(agreement.getByRole('row').nth(1).getByRole('cell').first()).toHaveText(PCT_CI);
		} finally {
			if (locale !== 'en') await chooseLanguage(page, 'English');
		}
	}
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('link', { name: 'Card as JSON' }).click()
	]);
	expect(download.suggestedFilename()).toMatch(/^judge-card-[0-9a-f]{8}-.+\.json$/);
	const body = JSON.parse(readFileSync((await download.path())!, 'utf8'));
	expect(body.manifest).toMatchObject({ kind: 'card', format: 'json' });
	expect(body.card.run.id).toBe(body.manifest.runs[0].id);
	expect(body.card.rubric.contentHash).toBe(body.manifest.runs[0].rubric.contentHash);
});
