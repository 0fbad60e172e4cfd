/**
 * Hostile model answers rendered by the real SafeMarkdown component in the built app, in Chromium.
 *
 * The test page (src/routes/(dev)/__test/markdown, served only with CONCORD_E2E=1) renders the
 * shared hostile corpus, once during SSR and once in the browser (`?render=client`). Every
 * payload tries to set `window.__xss`, call alert() and fetch from evil.example. We watch for
 * all three, and we route every request of the browser context: anything leaving for a host
 * other than the app's is recorded and aborted — images included, until a reader clicks
 * "Load image".
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { foreignHost, hostileCases } from '../../src/lib/markdown/testing/hostile-corpus';
import { adminStatePath } from './support/accounts';

const testPage = '/__test/markdown';
// The page adds one ordinary answer before the hostile ones.
const caseCount = hostileCases.length + 1;

type Watch = { foreign: string[]; dialogs: string[]; popups: string[]; errors: string[] };

async function watch(context: BrowserContext, page: Page, appOrigin: string): Promise<Watch> {
	const seen: Watch = { foreign: [], dialogs: [], popups: [], errors: [] };
	await context.route('**/*', (route) => {
		const url = route.request().url();
		if (new URL(url).origin === appOrigin) return route.continue();
		if (!seen.foreign.includes(url)) seen.foreign.push(url);
		return route.abort('blockedbyclient');
	});
	// Belt and braces: a request that bypassed routing would still show up here.
	context.on('request', (request) => {
		const url = request.url();
		if (!url.startsWith('data:') && new URL(url).origin !== appOrigin && !seen.foreign.includes(url))
			seen.foreign.push(url);
	});
	page.on('dialog', (dialog) => {
		seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
		void dialog.dismiss();
	});
	context.on('page', (popup) => seen.popups.push(popup.url()));
	// An injected script that ran and failed, or a hydration crash, shows up here.
	page.on('pageerror', (error) => seen.errors.push(error.message));
	return seen;
}

/** What hostile content managed to do so far; `inert` is what it must look like. */
async function verdict(page: Page, seen: Watch) {
	// `path` catches a <meta refresh> or a followed link.
	const xss = await page.evaluate(() => (window as { __xss?: unknown }).__xss ?? null);
	const { dialogs, foreign, popups, errors } = seen;
	return { xss, dialogs, foreign, popups, errors, path: new URL(page.url()).pathname };
}
const inert = { xss: null, dialogs: [], foreign: [], popups: [], errors: [], path: testPage };

/**
 * Opens the test page, checks that loading it did nothing, then waits until it is hydrated
 * (buttons do nothing before that).
 */
async function open(page: Page, seen: Watch, url = testPage) {
	await page.goto(url, { waitUntil: 'networkidle' });
	expect(await verdict(page, seen)).toEqual(inert);
	await expect(page.locator('[data-ready="true"]')).toBeVisible();
	await expect(page.locator('[data-case] .safe-md')).toHaveCount(caseCount);
}

/** Problems the browser's own parse of the rendered answers shows; empty when safe. */
function auditDom(): string[] {
	const problems: string[] = [];
	const forbidden = new Set([
		'script',
		'iframe',
		'frame',
		'object',
		'embed',
		'form',
		'input',
		'textarea',
		'select',
		'svg',
		'style',
		'link',
		'meta',
		'base',
		'img',
		'video',
		'audio',
		'source',
		'picture',
		'template',
		'noscript'
	]);
	for (const root of document.querySelectorAll('.md-body')) {
		for (const el of root.querySelectorAll('*')) {
			if (forbidden.has(el.localName)) problems.push(`<${el.localName}> in an answer`);
			for (const attr of el.attributes) {
				if (attr.name.startsWith('on')) problems.push(`${attr.name} on <${el.localName}>`);
				if (
					['style', 'src', 'srcset', 'srcdoc', 'action', 'formaction', 'xlink:href', 'id', 'name'].includes(attr.name)
				) {
					problems.push(`${attr.name} on <${el.localName}>`);
				}
			}
			if (el instanceof HTMLAnchorElement && el.hasAttribute('href')) {
				if (!['http:', 'https:', 'mailto:'].includes(el.protocol)) problems.push(`link to ${el.href}`);
				if (el.rel !== 'noopener noreferrer nofollow' || el.target !== '_blank')
					problems.push(`link without rel/target: ${el.href}`);
			}
		}
	}
	if (document.querySelector('base, meta[http-equiv]'))
		problems.push('a <base> or <meta http-equiv> reached the document');
	return problems;
}

for (const render of ['server', 'client'] as const) {
	test(`hostile answers rendered on the ${render} run nothing and load nothing`, async ({ page, context, baseURL }) => {
		const seen = await watch(context, page, new URL(baseURL!).origin);
		await open(page, seen, render === 'client' ? `${testPage}?render=client` : testPage);

		// Formatting survives next to the hostile content.
		const ordinary = page.locator('[data-case="ordinary answer"]');
		await expect(ordinary.getByRole('heading', { name: 'Verdict' })).toBeVisible();
		await expect(ordinary.getByRole('link', { name: 'the docs' })).toHaveAttribute(
			'href',
			'https://docs.example.org/sort'
		);
		await expect(ordinary.locator('table td.md-align-right')).toHaveText('0.91');
		await expect(ordinary.locator('code.language-python .hljs-built_in')).toHaveText(['print', 'sorted']);
		await expect(ordinary.locator('math mfrac')).toHaveCount(1);

		// Give handlers every chance: hover and focus each interactive element in the answers.
		const interactive = page.locator('.md-body a, .md-body button');
		const count = await interactive.count();
		expect(count).toBeGreaterThan(10);
		for (let i = 0; i < count; i++) {
			await interactive.nth(i).hover();
			await interactive.nth(i).focus();
		}
		await page.mouse.move(0, 0);
		await page.waitForLoadState('networkidle');

		expect(await verdict(page, seen)).toEqual(inert);
		expect(await page.evaluate(auditDom)).toEqual([]);

		// Raw HTML in an answer is visible as text.
		await expect(page.locator('[data-case="script tag"] .md-body')).toContainText('<script>window.__xss=1;');
		// Bombs fall back to plain text and say why.
		const bomb = page.locator('[data-case="nested quotes bomb"] .safe-md');
		await expect(bomb).toHaveAttribute('data-render-mode', 'plain');
		await expect(bomb).toContainText('nested too deeply');
		await expect(page.locator('[data-case="oversized answer"] .safe-md')).toContainText('too large to format');
	});
}

test('the raw-text toggle shows the exact source, still inert', async ({ page, context, baseURL }) => {
	const seen = await watch(context, page, new URL(baseURL!).origin);
	await open(page, seen);
	const answer = page.locator('[data-case="mxss math style"]');
	const toggle = answer.getByRole('button', { name: 'Show raw text' });
	await expect(toggle).toHaveAttribute('aria-pressed', 'false');

	await toggle.click();
	await expect(toggle).toHaveAttribute('aria-pressed', 'true');
	const source = hostileCases.find((c) => c.name === 'mxss math style')!.source;
	await expect(answer.locator('pre.raw')).toHaveText(source);
	await expect(answer.locator('.md-body')).toHaveCount(0);

	await toggle.click();
	await expect(answer.locator('.md-body')).toBeVisible();
	expect(await verdict(page, seen)).toEqual(inert);
});

test('a remote image loads only when the reader asks, without a referrer', async ({ page, context, baseURL }) => {
	const seen = await watch(context, page, new URL(baseURL!).origin);
	const imageRequests: { url: string; referer: string | undefined }[] = [];
	// Registered after the catch-all, so it takes precedence for these two URLs.
	await context.route(new RegExp(`^http://${foreignHost.replace('.', '\\.')}/(beacon|i)\\.png$`), async (route) => {
		imageRequests.push({
			url: route.request().url(),
			referer: (await route.request().headerValue('referer')) ?? undefined
		});
		// A 1×1 transparent PNG.
		const png = Buffer.from(
			'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
			'base64'
		);
		return route.fulfill({ status: 200, contentType: 'image/png', body: png });
	});
	await open(page, seen);

	const beacon = page.locator('[data-case="md image beacon"]');
	const button = beacon.getByRole('button', { name: `Load image from ${foreignHost}` });
	await expect(button).toBeVisible();
	await expect(beacon.locator('img')).toHaveCount(0);
	expect(imageRequests).toEqual([]);

	await button.click();
	const image = beacon.locator('img.md-image');
	await expect(image).toHaveAttribute('src', `http://${foreignHost}/beacon.png`);
	await expect(image).toHaveAttribute('alt', 'tracking pixel');
	await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
	expect(imageRequests).toEqual([{ url: `http://${foreignHost}/beacon.png`, referer: undefined }]);

	// An image inside a link, loaded from the keyboard: the link is not followed.
	const linked = page.locator('[data-case="md image inside link"]');
	await linked.getByRole('button', { name: `Load image from ${foreignHost}` }).press('Enter');
	await expect(linked.locator('img.md-image')).toHaveAttribute('src', `http://${foreignHost}/i.png`);
	await expect.poll(() => imageRequests.length).toBe(2);
	expect(seen.popups).toEqual([]);
	expect(new URL(page.url()).pathname).toBe(testPage);

	// Nothing else left: the two images went through their own route, not the catch-all.
	expect(seen.foreign.filter((u) => !/\/(beacon|i)\.png$/.test(u))).toEqual([]);
	expect(seen.dialogs).toEqual([]);
});

/**
 * The same corpus through the real product path: imported as LLMBar pairs (hostile prompts and
 * hostile answers), then opened on every dataset item page, where the datasets UI renders
 * prompts and answers with SafeMarkdown.
 */
test.describe('through the dataset item pages', () => {
	test.use({ storageState: adminStatePath });

	test('imported hostile prompts and answers render inert on every item page', async ({ page, context, baseURL }) => {
		test.setTimeout(600_000);
		const origin = new URL(baseURL!).origin;
		const request = page.request;
		const post = (url: string, data: unknown) => request.post(url, { data: { json: data }, headers: { origin } });
		const query = async (path: string, input: unknown) => {
			const res = await request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
			expect(res.status()).toBe(200);
			return (await res.json()).result.data.json;
		};

		const created = await post('/api/trpc/projects.create', { name: `Hostile answers ${Date.now()}`, description: '' });
		expect(created.status()).toBe(200);
		const projectId: string = (await created.json()).result.data.json.id;

		// Pair case i with case i+1; the prompt carries case i too, so prompts are tested as well.
		const cases = hostileCases.filter((c) => c.name !== 'oversized answer');
		const lines = [];
		for (let i = 0; i < cases.length; i += 2) {
			const second = cases[i + 1] ?? cases[0];
			lines.push(
				JSON.stringify({
					input: `Case ${i}: ${cases[i].source}`,
					output_1: cases[i].source,
					output_2: second.source,
					label: 1
				})
			);
		}
		const upload = await request.post(`/api/projects/${projectId}/imports?fileName=hostile.jsonl`, {
			data: Buffer.from(lines.join('\n') + '\n'),
			headers: { origin, 'content-type': 'application/octet-stream' }
		});
		expect(upload.status(), await upload.text()).toBe(201);
		const { importId } = await upload.json();
		const started = await post('/api/trpc/imports.start', {
			projectId,
			importId,
			newDatasetName: 'Hostile answers',
			format: 'llmbar'
		});
		expect(started.status(), await started.text()).toBe(200);
		let datasetId = '';
		await expect
			.poll(
				async () => {
					const imp = await query('imports.get', { projectId, importId });
					datasetId = imp.datasetId ?? '';
					return imp.status;
				},
				{ timeout: 180_000, intervals: [500, 1000, 2000] }
			)
			.toBe('succeeded');

		const seen = await watch(context, page, origin);
		const listPath = `/projects/${projectId}/datasets/${datasetId}`;
		await page.goto(listPath, { waitUntil: 'networkidle' });
		const hrefs = [
			...new Set(await page.locator('a[href*="/items/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!)))
		];
		expect(hrefs).toHaveLength(lines.length);
		expect(await verdict(page, seen)).toEqual({ ...inert, path: listPath });

		let rendered = 0;
		for (const href of hrefs) {
			await page.goto(href, { waitUntil: 'networkidle' });
			const answers = page.locator('.safe-md');
			await expect(answers.nth(2)).toBeAttached(); // the prompt and both answers
			rendered += await answers.count();
			expect(await verdict(page, seen), href).toEqual({ ...inert, path: new URL(href, origin).pathname });
			expect(await page.evaluate(auditDom), href).toEqual([]);
		}
		expect(rendered).toBeGreaterThanOrEqual(lines.length * 3);
	});
});
