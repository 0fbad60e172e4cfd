/**
 * The lint rule that keeps SQL inside src/lib/server/db/ (eslint.config.js,
 * `DB_ONLY`): a fixture that queries in every way it forbids is reported line
 * by line when it sits in a service, and not at all when it sits in db/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../../..');
const fixture = path.join(root, 'test/fixtures/lint/query-outside-db.ts');
const code = readFileSync(fixture, 'utf8');
const marked = code
	.split('\n')
	.flatMap((line, i) => (line.includes('// violation:') ? [i + 1] : []))
	.sort((a, b) => a - b);

async function dbRuleLines(asPath: string): Promise<number[]> {
	const eslint = new ESLint({ cwd: root });
	const [result] = await eslint.lintText(code, { filePath: path.join(root, asPath) });
	return result.messages
		.filter((m) => m.ruleId === 'no-restricted-syntax' && m.message.startsWith('SQL belongs in src/lib/server/db/'))
		.map((m) => m.line)
		.sort((a, b) => a - b);
}

describe('lint: SQL only in src/lib/server/db', () => {
	it('reports every query built or sent outside db/', { timeout: 60_000 }, async () => {
		expect(marked).toHaveLength(6);
		expect(await dbRuleLines('src/lib/server/services/query-outside-db.ts')).toEqual(marked);
		expect(await dbRuleLines('src/routes/api/health/query-outside-db.ts')).toEqual(marked);
	});

	it('allows the same code inside db/', { timeout: 60_000 }, async () => {
		expect(await dbRuleLines('src/lib/server/db/repositories/query-outside-db.ts')).toEqual([]);
	});
});
