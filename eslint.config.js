import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const DB_ONLY_MESSAGE = 'SQL belongs in src/lib/server/db/ (a repository function); call that instead.';
/** Selectors for "a query built or sent outside db/" (see the block that uses them below). */
const DB_ONLY = [
	"ImportDeclaration[source.value='pg'][importKind='value']",
	"ImportDeclaration[source.value='kysely'][importKind='value'] > ImportSpecifier[importKind='value'][imported.name=/^(sql|Kysely|PostgresDialect)$/]",
	"TaggedTemplateExpression[tag.name='sql']",
	"CallExpression[callee.object.name='sql']",
	'CallExpression[callee.property.name=/^(selectFrom|selectNoFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|withRecursive)$/]',
	// pg's client.query('…'): tRPC's .query(fn) takes a function, never a string.
	"CallExpression[callee.property.name='query'][arguments.0.type=/^(Literal|TemplateLiteral)$/]"
].map((selector) => ({ selector, message: DB_ONLY_MESSAGE }));

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
		// Every SQL statement lives in src/lib/server/db/ (repositories, bulk IO, migrations
		// outside src/). Elsewhere: no query builders, no `sql` templates, no raw pg queries.
		// `import type` of pg/kysely stays allowed (pools and Db are passed around as values).
		files: ['src/**/*.ts', 'src/**/*.js', 'src/**/*.svelte'],
		ignores: ['src/lib/server/db/**'],
		rules: { 'no-restricted-syntax': ['error', ...DB_ONLY] }
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
			'playwright-report/',
			// Deliberately bad code that the lint tests feed to ESLint.
			'test/fixtures/lint/'
		]
	}
);
