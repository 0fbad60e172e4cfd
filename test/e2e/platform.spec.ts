/**
 * Platform behaviour of the built server: the health endpoint and the Origin
 * check that guards every state-changing request, tRPC JSON posts included.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { adminStatePath } from './support/accounts';

const createProject = (request: APIRequestContext, name: string, headers: Record<string, string>) =>
	request.post('/api/trpc/projects.create', { data: { json: { name, description: '' } }, headers });

async function projectNames(request: APIRequestContext): Promise<string[]> {
	const res = await request.get('/api/trpc/projects.list');
	expect(res.status()).toBe(200);
	const body = (await res.json()) as { result: { data: { json: { name: string }[] } } };
	return body.result.data.json.map((p) => p.name);
}

test('GET /api/health reports ok while the database answers', async ({ request }) => {
	const res = await request.get('/api/health');
	expect(res.status()).toBe(200);
	expect(await res.json()).toMatchObject({ ok: true, database: 'up' });
});

test('pages carry a Content-Security-Policy that allows no inline or foreign script', async ({ page }) => {
	const violations: string[] = [];
	page.on('console', (msg) => {
		if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
	});
	const res = await page.goto('/sign-in');
	const csp = res?.headers()['content-security-policy'] ?? '';
	// Only our origin plus the per-response nonce (or hash) SvelteKit gives its own start-up script.
	expect(csp).toMatch(/script-src 'self'( '(nonce|sha256)-[^']+')*;/);
	expect(csp).toContain("object-src 'none'");
	expect(csp).toContain("frame-ancestors 'none'");
	expect(csp).not.toContain('unsafe-eval');
	// The app's own start-up script runs under the policy: the page hydrates and logs no violation.
	await expect(page.getByRole('button', { name: /sign in/i })).toBeVisible();
	expect(violations).toEqual([]);
});

test.describe('Origin check on tRPC posts', () => {
	test.use({ storageState: adminStatePath });

	test('a cross-site POST carrying the session cookie is refused with 403 and changes nothing', async ({
		page,
		baseURL
	}) => {
		// page.request shares the signed-in browser context's cookies.
		const request = page.request;
		const me = await request.get('/api/trpc/auth.me');
		expect((await me.json()).result.data.json).toMatchObject({ email: 'admin@concord.test' });

		const crossSite = await createProject(request, 'Forged by origin', {
			origin: 'https://evil.example',
			'sec-fetch-site': 'cross-site'
		});
		expect(crossSite.status()).toBe(403);
		const fetchSiteOnly = await createProject(request, 'Forged by fetch-site', { 'sec-fetch-site': 'cross-site' });
		expect(fetchSiteOnly.status()).toBe(403);
		// A cookie but neither header: not a browser we can trust with ambient authority.
		const bare = await createProject(request, 'Forged without headers', {});
		expect(bare.status()).toBe(403);

		// The same request from our own origin gets through to the procedure.
		const sameOrigin = await createProject(request, 'Created same-origin', { origin: baseURL! });
		expect(sameOrigin.status()).toBe(200);

		const names = await projectNames(request);
		expect(names).toContain('Created same-origin');
		expect(names.filter((n) => n.startsWith('Forged'))).toEqual([]);
	});
});

test.describe('request body limits on the built server', () => {
	test.use({ storageState: adminStatePath });

	test('a multi-megabyte dataset upload streams through while other bodies are capped at 1 MiB', async ({
		page,
		baseURL
	}) => {
		const request = page.request;
		const origin = { origin: baseURL! };
		const created = await createProject(request, 'Body limits', origin);
		expect(created.status()).toBe(200);
		const projectId = ((await created.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id;

		// ~3 MB: far past adapter-node's 512 KB default, which `npm start` lifts for uploads.
		const line = JSON.stringify({ id: 'q', prompt: 'x'.repeat(2000), system: 's', answer: 'y'.repeat(2000) }) + '\n';
		const upload = await request.post(`/api/projects/${projectId}/imports?fileName=big.jsonl`, {
			data: Buffer.from(line.repeat(750)),
			headers: { ...origin, 'content-type': 'application/octet-stream' }
		});
		expect(upload.status()).toBe(201);
		expect((await upload.json()).byteSize).toBe(line.length * 750);

		const oversized = await createProject(request, 'z'.repeat(2 * 1024 * 1024), origin);
		expect(oversized.status()).toBe(413);
	});
});
