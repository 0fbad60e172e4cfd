/**
 * Start-up refuses an invalid built-in judge, naming file and field, before it touches a database:
 * the runtime is given a database URL nobody listens on, so reaching it would fail differently.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../../src/lib/server/env';
import { startRuntime } from '../../../src/lib/server/runtime';

let dir: string;
beforeAll(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'concord-judges-'));
	await cp(path.resolve('judges'), dir, { recursive: true });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const config = (judgesDir: string) =>
	loadEnv({ ...process.env, CONCORD_JUDGES_DIR: judgesDir, DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none' });

describe('start-up validation of the built-in judges', () => {
	it('stops start-up on an invalid judge file, naming the file and the field', async () => {
		const file = path.join(dir, 'pairwise', 'judge.json');
		const judge = JSON.parse(await readFile(file, 'utf8'));
		judge.output.categories = ['A', 'B', 'A'];
		await writeFile(file, JSON.stringify(judge));
		const started = startRuntime({ worker: false, config: config(dir) });
		await expect(started).rejects.toThrow(/invalid built-in judges/);
		await expect(started).rejects.toThrow('pairwise/judge.json (output.categories[2]): duplicate category "A"');
	});

	it('names a placeholder problem in the template file of its language', async () => {
		const file = path.join(dir, 'pairwise', 'judge.json');
		const judge = JSON.parse(await readFile(file, 'utf8'));
		judge.output.categories = ['A', 'B', 'tie'];
		await writeFile(file, JSON.stringify(judge));
		await writeFile(
			path.join(dir, 'pairwise', 'zh-CN', 'user.md'),
			'{{question}} {{answer_a}} {{answer_b}} {{rubric}} {{verdict}}'
		);
		await expect(startRuntime({ worker: false, config: config(dir) })).rejects.toThrow(
			/pairwise\/zh-CN\/user\.md: placeholder \{\{verdict\}\} is not declared/
		);
	});

	it('gets past the judges with the shipped folder (and then fails on the unreachable database)', async () => {
		const error = await startRuntime({ worker: false, config: config(path.resolve('judges')) }).catch((e) => e);
		expect(String(error)).not.toMatch(/built-in judges/);
		expect(String(error)).toMatch(/ECONNREFUSED|connect/);
	});
});
