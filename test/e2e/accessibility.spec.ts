/**
 * Every page against WCAG 2.1 A and AA with axe-core, in English and in Chinese:
 * the app pages as the admin (projects, overview, datasets, a dataset, an item,
 * each import wizard step, members, rubrics (list, new, editor, prompt preview),
 * providers (list, new, one), account, demo, the annotation pages: my queues, the
 * workspace, queues, a queue's progress, adjudication; judge runs: list, new, a finished
 * run and one judgment's prompt; analysis: agreement (pairwise and pointwise), bias, leaderboard, calibration, question quality, judge card, gate with a pinned set), the signed-out pages
 * (sign-in, sign-up, an invitation) and the error pages (404, and 403 for a
 * viewer opening the import wizard). Any violation fails the test; every page
 * is checked before it fails, so one run lists them all.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { adminStatePath, newPerson } from './support/accounts';
import { trpcAs } from './support/trpc';
import { acceptBySigningUp, chooseLanguage, createInvitation, freshBrowser, open } from './support/ui';

test.describe.configure({ mode: 'serial' });
test.use({ storageState: adminStatePath });

const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const languages = [
	{ locale: 'en', name: 'English', start: 'Start import', failed: 'The file was not imported' },
	{ locale: 'zh-CN', name: '简体中文', start: '开始导入', failed: '文件未能导入' }
] as const;

let projectUrl = '';
let datasetUrl = '';
let itemUrl = '';
let rubricUrl = '';
let rubricPreviewUrl = '';
let providerUrl = '';
let inviteLink = '';
let viewerState = '';
let queueUrl = '';
let runUrl = '';
let pointwiseAgreementUrl = '';
let pointwiseCardUrl = '';
let gateUrl = '';

async function audit(page: Page, name: string) {
	const { violations } = await new AxeBuilder({ page }).withTags(tags).analyze();
	const found = violations.map((v) => ({
		rule: v.id,
		impact: v.impact,
		help: v.help,
		nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`)
	}));
	expect.soft(found, `axe violations on ${name} (${page.url()})`).toEqual([]);
}

/** Through the language menu, as a person would; it also stores the choice for a signed-in user. */
async function switchLanguage(page: Page, to: (typeof languages)[number]) {
	await open(page, '/account');
	if ((await page.locator('html').getAttribute('lang')) !== to.locale) await chooseLanguage(page, to.name);
}

async function signedOutPage(browser: Browser, locale: string) {
	const context = await freshBrowser(browser, { locale: locale === 'en' ? 'en-US' : 'zh-CN' });
	return { context, page: await context.newPage() };
}

test('setup: a demo project with a dataset, a rubric, a provider, an annotation queue, an open invitation and a viewer', async ({
	page,
	browser,
	baseURL
}) => {
	test.setTimeout(300_000); // a demo project, a rubric preview, a provider, a queue, two invitations and a sign-up
	await open(page, '/demo');
	await page.getByRole('button', { name: 'Create demo project' }).click();
	await page.waitForURL(/\/projects\/[0-9a-f-]{36}/);
	projectUrl = new URL(page.url()).pathname.match(/^\/projects\/[0-9a-f-]{36}/)![0];
	await open(page, `${projectUrl}/datasets`);
	await page.getByRole('link', { name: 'Demo questions' }).click();
	await page.waitForURL(/datasets\/[0-9a-f-]{36}$/);
	datasetUrl = new URL(page.url()).pathname;
	await page.getByRole('link', { name: 'cld-01', exact: true }).click();
	await page.waitForURL(/items\//);
	itemUrl = new URL(page.url()).pathname;

	// A rubric (from the default built-in judge) previewed on a demo item, and a simulated provider.
	await open(page, `${projectUrl}/rubrics/new`);
	await page.getByRole('button', { name: 'Create rubric' }).click();
	await page.waitForURL(/\/rubrics\/[0-9a-f-]{36}$/);
	rubricUrl = new URL(page.url()).pathname;
	await page.waitForLoadState('networkidle');
	await page.getByRole('combobox', { name: 'Dataset' }).selectOption({ label: 'Demo questions' });
	await page.waitForURL(/dataset=/);
	await page.waitForLoadState('networkidle');
	await page.getByRole('combobox', { name: 'Item', exact: true }).selectOption({ index: 1 });
	await page.waitForURL(/item=/);
	await page.waitForLoadState('networkidle');
	await page.getByRole('combobox', { name: 'Answer A' }).selectOption({ index: 1 });
	await page.waitForURL(/a=/);
	await page.waitForLoadState('networkidle');
	await page.getByRole('combobox', { name: 'Answer B' }).selectOption({ index: 2 });
	await expect(page.getByRole('heading', { name: 'Rendered messages' })).toBeVisible();
	rubricPreviewUrl = new URL(page.url()).pathname + new URL(page.url()).search;
	await open(page, `${projectUrl}/providers/new`);
	await page.getByRole('combobox', { name: 'Kind' }).selectOption('simulated');
	await page.getByRole('textbox', { name: 'Name' }).fill('Axe judge');
	await page.getByRole('button', { name: 'Save provider' }).click();
	await page.waitForURL(/\/providers\/[0-9a-f-]{36}/);
	providerUrl = new URL(page.url()).pathname;

	const projectId = projectUrl.split('/').pop()!;
	// A pairwise queue over the demo questions with the admin as its annotator (admins label only when listed).
	const api = trpcAs(page, baseURL!);
	const me = await api.query<{ id: string }>('auth.me', undefined);
	const { versionId } = await api.mutate<{ versionId: string }>('rubrics.create', {
		projectId,
		fromBuiltin: { judgeId: 'pairwise', locale: 'en' }
	});
	const { id: queueId } = await api.mutate<{ id: string }>('annotation.createQueue', {
		projectId,
		datasetId: datasetUrl.split('/').pop(),
		rubricVersionId: versionId,
		name: 'Axe queue',
		overlapK: 2,
		memberUserIds: [me.id],
		selection: { kind: 'random', n: 3 }
	});
	queueUrl = `${projectUrl}/queues/${queueId}`;

	// A finished both-order pairwise run of the simulated judge on the same questions.
	const provider = await api.mutate<{ id: string }>('providers.create', {
		projectId,
		name: 'Axe offline judge',
		kind: 'simulated',
		simulation: { positionBias: 0.2, lengthBias: 0.1, noise: 0.1, seed: 1 }
	});
	const { runId } = await api.mutate<{ runId: string }>('judgeRuns.start', {
		projectId,
		datasetId: datasetUrl.split('/').pop(),
		rubricVersionId: versionId,
		providerId: provider.id,
		options: { bothOrders: true, samples: 1, pairing: 'all-pairs' }
	});
	runUrl = `${projectUrl}/runs/${runId}`;
	await expect
		.poll(async () => (await api.query<{ status: string }>('judgeRuns.progress', { projectId, runId })).status, {
			timeout: 120_000
		})
		.toBe('completed');

	// The demo's own results include a pointwise run: the agreement page shows it as scores.
	const demoDatasetId = datasetUrl.split('/').pop();
	let pointwiseRun: string | undefined;
	await expect
		.poll(
			async () => {
				const a = await api.query<{ runs: { id: string; mode: string; okCount: number }[] }>('analysis.agreement', {
					projectId,
					datasetId: demoDatasetId
				});
				pointwiseRun = a.runs.find((r) => r.mode === 'pointwise' && r.okCount > 0)?.id;
				return pointwiseRun !== undefined;
			},
			{ timeout: 180_000 }
		)
		.toBe(true);
	pointwiseAgreementUrl = `${projectUrl}/analysis/agreement?dataset=${demoDatasetId}&run=${pointwiseRun}`;
	pointwiseCardUrl = `${projectUrl}/analysis/card?run=${pointwiseRun}`;

	// The demo's labels are written after its runs: wait for them before pinning a set from them.
	await expect
		.poll(
			async () =>
				(await api.query<{ counts: { both: number } }>('analysis.agreement', { projectId, datasetId: demoDatasetId }))
					.counts.both,
			{ timeout: 120_000 }
		)
		.toBeGreaterThan(0);
	// The gate with a calibration set pinned from the demo's labels and an evaluation started (not awaited).
	const gate = await api.query<{ rubric: { id: string } | null; versions: { id: string }[] }>('gate.overview', {
		projectId
	});
	const { setId } = await api.mutate<{ setId: string }>('gate.pinSet', {
		projectId,
		rubricId: gate.rubric!.id,
		datasetId: demoDatasetId,
		name: 'Axe calibration set',
		reference: 'auto'
	});
	await api.mutate('gate.evaluate', {
		projectId,
		setId,
		rubricVersionId: gate.versions[0].id,
		providerId: provider.id
	});
	gateUrl = `${projectUrl}/analysis/gate?rubric=${gate.rubric!.id}`;

	inviteLink = await createInvitation(page, projectId, 'viewer');
	const viewerLink = await createInvitation(page, projectId, 'viewer');
	const viewerPage = await acceptBySigningUp(browser, viewerLink, newPerson('Axe viewer'));
	await expect(viewerPage).toHaveURL(new RegExp(projectUrl));
	viewerState = JSON.stringify(await viewerPage.context().storageState());
	await viewerPage.context().close();
});

for (const language of languages) {
	test(`every page passes axe in ${language.name}`, async ({ page }) => {
		test.setTimeout(900_000); // two dozen pages and an import, each audited
		await switchLanguage(page, language);
		try {
			for (const [name, url] of [
				['projects', '/projects'],
				['project overview', projectUrl],
				['datasets', `${projectUrl}/datasets`],
				['dataset', datasetUrl],
				['item', itemUrl],
				['members', `${projectUrl}/members`],
				['rubrics', `${projectUrl}/rubrics`],
				['new rubric', `${projectUrl}/rubrics/new`],
				['rubric editor', rubricUrl],
				['rubric with a prompt preview', rubricPreviewUrl],
				['providers', `${projectUrl}/providers`],
				['new provider', `${projectUrl}/providers/new`],
				['provider', providerUrl],
				['annotate: my queues', `${projectUrl}/annotate`],
				// Redirects to the reserved task: the annotator workspace.
				['annotate: workspace', `${projectUrl}/annotate/${queueUrl.split('/').pop()}`],
				['queues', `${projectUrl}/queues`],
				['queue progress', queueUrl],
				['adjudication', `${queueUrl}/adjudicate`],
				['judge runs', `${projectUrl}/runs`],
				['new judge run', `${projectUrl}/runs/new`],
				['judge run', runUrl],
				['analysis: agreement', `${projectUrl}/analysis/agreement`],
				['analysis: agreement on a pointwise run', pointwiseAgreementUrl],
				['analysis: bias', `${projectUrl}/analysis/bias`],
				['analysis: leaderboard', `${projectUrl}/analysis/leaderboard`],
				['analysis: calibration', `${projectUrl}/analysis/calibration`],
				['analysis: question quality', `${projectUrl}/analysis/quality`],
				['analysis: judge card', `${projectUrl}/analysis/card`],
				['analysis: judge card of a pointwise run', pointwiseCardUrl],
				['analysis: gate', gateUrl],
				['account', '/account'],
				['demo', '/demo'],
				['not found', '/projects/00000000-0000-0000-0000-000000000000']
			] as const) {
				await open(page, url);
				await audit(page, name);
			}

			// A judgment's prompt and reply, in its dialog.
			await open(page, runUrl);
			await page
				.getByRole('button', { name: /^(Details of|的详情)|的详情$/ })
				.first()
				.click();
			await expect(page.getByTestId('judgment-reply')).toBeVisible();
			await audit(page, 'judge run: a judgment');

			// The import wizard, step by step.
			await open(page, `${projectUrl}/datasets/import`);
			await audit(page, 'import: choose a file');
			const csv = 'id,prompt,model,answer\na1,What is 2 + 2?,alpha,4\na1,What is 2 + 2?,beta,5\na2,,alpha,x\n';
			await page
				.getByTestId('import-file')
				.setInputFiles({ name: 'axe.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
			await expect(page.locator('#preview-heading')).toBeVisible();
			await expect(page.locator('#preview-heading')).toBeFocused();
			await audit(page, 'import: preview with a problem');
			await page.getByRole('button', { name: language.start }).click();
			await expect(page.getByRole('heading', { name: language.failed })).toBeVisible({ timeout: 30_000 });
			await audit(page, 'import: result (refused file)');
		} finally {
			// The admin is shared with the other specs: leave it in English.
			if (language.locale !== 'en') await switchLanguage(page, languages[0]);
		}
	});

	test(`signed-out and error pages pass axe in ${language.name}`, async ({ browser }) => {
		test.setTimeout(180_000);
		const { context, page } = await signedOutPage(browser, language.locale);
		for (const [name, url] of [
			['sign-in', '/sign-in'],
			['sign-up', '/sign-up'],
			['invitation', new URL(inviteLink).pathname]
		] as const) {
			await open(page, url);
			await expect(page.locator('html')).toHaveAttribute('lang', language.locale);
			await audit(page, name);
		}
		await context.close();

		// 403: a viewer opens the import wizard (admins only).
		const viewer = await browser.newContext({ storageState: JSON.parse(viewerState) });
		const viewerPage = await viewer.newPage();
		await switchLanguage(viewerPage, language);
		const response = await open(viewerPage, `${projectUrl}/datasets/import`);
		expect(response?.status()).toBe(403);
		await audit(viewerPage, 'forbidden');
		await viewer.close();
	});
}
