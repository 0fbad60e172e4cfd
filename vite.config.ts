import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [
		// Under Vitest the messages come from `npm run prepare`'s compile: the plugin's
		// project loader keeps file handles open that stall Vitest's exit by ~10 s.
		!process.env.VITEST &&
			paraglideVitePlugin({
				project: './src/lib/i18n/project.inlang',
				outdir: './src/lib/paraglide',
				// The chosen language lives in a cookie (and in the user's profile); no locale in URLs.
				strategy: ['cookie', 'preferredLanguage', 'baseLocale']
			}),
		sveltekit()
	],
	test: {
		expect: { requireAssertions: true },
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['src/**/*.test.ts'],
					environment: 'node'
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['test/integration/**/*.test.ts'],
					globalSetup: ['test/integration/global-setup.ts'],
					testTimeout: 60_000,
					hookTimeout: 120_000
				}
			}
		]
	}
});
