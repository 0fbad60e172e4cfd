/**
 * End-to-end tests: the BUILT app (`vite build` + `node build/index.js`) on a
 * fresh embedded PostgreSQL, driven by Debian's Chromium.
 *
 * One worker and no parallelism: the first account on a fresh instance becomes
 * instance admin, so the `first-admin` project runs first and every spec shares
 * that admin (test/e2e/support/accounts.ts).
 *
 * Environment:
 * - E2E_PORT       port of the app under test (default 4300)
 * - CHROMIUM_PATH  browser binary (default /usr/bin/chromium, else Playwright's own)
 */
import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';
import { freshDataDir } from './test/e2e/support/data-dir';

const port = Number(process.env.E2E_PORT ?? 4300);
const baseURL = `http://127.0.0.1:${port}`;

// Created once by the runner; its workers inherit the variable instead of making their own.
const dataDir = (process.env.CONCORD_E2E_DATA_DIR ??= freshDataDir());

// This run's own build output: the server inside node_modules, so it still resolves its
// packages; SvelteKit's intermediate files inside .svelte-kit. Both are git-ignored.
const buildDir = `node_modules/.cache/concord-e2e/${port}/build`;
const kitDir = `.svelte-kit/e2e-${port}`;

// Debian's Chromium by default; without it, Playwright's own build (`npx playwright install chromium`).
const chromium = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
	testDir: 'test/e2e',
	workers: 1,
	fullyParallel: false,
	forbidOnly: !!process.env.CI,
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: [['list']],
	outputDir: 'test-results',
	use: {
		baseURL,
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		// The app negotiates the UI language; pin it so English strings are the default.
		locale: 'en-US',
		// Copy buttons (invitation links) write to the clipboard; tests read it back.
		permissions: ['clipboard-read', 'clipboard-write'],
		launchOptions: {
			executablePath: chromium,
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-dev-shm-usage',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run',
				'--disable-quic'
			]
		}
	},
	projects: [
		// Signs up the first account on the fresh instance (the instance admin) and saves its session.
		{ name: 'first-admin', testMatch: 'first-admin.setup.ts', use: { ...devices['Desktop Chrome'] } },
		{
			name: 'chromium',
			testMatch: '**/*.spec.ts',
			dependencies: ['first-admin'],
			use: { ...devices['Desktop Chrome'] }
		}
	],
	webServer: {
		// DATABASE_URL is removed (not blanked: an empty value fails validation) so the
		// app boots its own embedded PostgreSQL in the fresh data directory.
		command: 'env -u DATABASE_URL sh -c \'npx vite build && node "$CONCORD_BUILD_DIR/index.js"\'',
		url: `${baseURL}/api/health`,
		reuseExistingServer: false,
		timeout: 300_000,
		stdout: 'ignore',
		stderr: 'pipe',
		// SIGTERM lets the app drain its worker and stop PostgreSQL before the data dir is swept.
		gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
		env: {
			NODE_ENV: 'production',
			PORT: String(port),
			HOST: '127.0.0.1',
			// Without ORIGIN, adapter-node assumes https and SvelteKit refuses our http form posts.
			ORIGIN: baseURL,
			CONCORD_DATA_DIR: dataDir,
			CONCORD_BUILD_DIR: buildDir,
			CONCORD_KIT_DIR: kitDir,
			CONCORD_LOG_LEVEL: 'warn',
			// Serves the test-only pages under src/routes/(dev) (404 otherwise).
			CONCORD_E2E: '1',
			// As in `npm start`: uploads stream past adapter-node's 512 KB default; hooks cap other bodies.
			BODY_SIZE_LIMIT: 'Infinity'
		}
	}
});
