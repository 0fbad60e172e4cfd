import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } }
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig }
		}
	},
	{
		rules: {
			'no-console': ['error', { allow: ['warn', 'error'] }],
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
		}
	},
	{
		// Client code never imports server code (types excepted: `import type` is erased).
		files: [
			'src/lib/components/**',
			'src/lib/state/**',
			'src/lib/trpc/**',
			'src/routes/**/*.svelte',
			'src/routes/**/+page.ts',
			'src/routes/**/+layout.ts'
		],
		rules: {
			'@typescript-eslint/no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['$lib/server/*', '**/lib/server/*'],
							message: 'Client code must not import server code.',
							allowTypeImports: true
						}
					]
				}
			]
		}
	},
	{
		// The server library runs outside Vite too (the worker): no $app/* there.
		files: ['src/lib/server/**', 'src/worker/**'],
		rules: { 'no-restricted-imports': ['error', { patterns: ['$app/*', '*.svelte'] }] }
	},
	{
		files: ['test/**', 'src/**/*.test.ts'],
		rules: { 'no-console': 'off' }
	},
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'node_modules/',
			'src/lib/paraglide/',
			'.concord/',
			'test-results/',
			'playwright-report/'
		]
	}
);
