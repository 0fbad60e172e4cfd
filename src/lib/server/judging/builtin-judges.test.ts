import { mkdtemp, mkdir, readFile, rm, writeFile, cp, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rubricFromJudge } from '../../judging/judge-files';
import { JUDGE_LOCALES } from '../../judging/rubric-schema';
import { judgedTurns, renderPrompt } from '../../judging/render';
import { responseFormatFor } from '../../judging/response-format';
import { validateRubric } from '../../judging/validate';
import { DEFAULT_JUDGES_DIR, loadBuiltinJudges, readJudges } from './builtin-judges';

describe('shipped judges', () => {
	it('all load without issues, in English and Chinese', async () => {
		const { judges, issues } = await readJudges();
		expect(issues).toEqual([]);
		expect(judges.map((j) => j.id)).toEqual([
			'criteria-1-5',
			'multi-turn-1-10',
			'pairwise',
			'pairwise-reference',
			'single-1-10',
			'single-reference-1-10'
		]);
		for (const judge of judges) {
			for (const locale of JUDGE_LOCALES) {
				const rubric = rubricFromJudge(judge, locale);
				expect(validateRubric(rubric)).toEqual({ ok: true, value: rubric });
			}
		}
	});

	it('cover the required kinds: references, pairwise, red-line criteria, every-turn judging', async () => {
		const judges = await loadBuiltinJudges();
		const byId = new Map(judges.map((j) => [j.id, j]));
		expect(byId.get('single-1-10')?.output).toEqual({ kind: 'score', scale: { min: 1, max: 10 } });
		expect(byId.get('single-reference-1-10')?.usesReference).toBe(true);
		expect(byId.get('pairwise')?.output).toEqual({ kind: 'categories', categories: ['A', 'B', 'tie'] });
		expect(byId.get('pairwise-reference')?.usesReference).toBe(true);
		const criteria = byId.get('criteria-1-5')?.criteria ?? [];
		expect(criteria.map((c) => [c.id, c.redLine])).toEqual([
			['correctness', false],
			['helpfulness', false],
			['safety', true]
		]);
		expect(byId.get('multi-turn-1-10')?.turns).toBe('every');
		// The Chinese variant is really Chinese, not a copy of the English one.
		const zh = rubricFromJudge(byId.get('pairwise')!, 'zh-CN');
		expect(zh.rubricText).toMatch(/[\u4e00-\u9fff]/);
		expect(zh.templates.user).toContain('平局');
	});

	it('render on a multi-turn item with references in every language, with nothing left unfilled', async () => {
		const item = {
			conversation: [
				{ role: 'user' as const, content: 'Name a prime number.' },
				{ role: 'user' as const, content: 'Now a larger one.' }
			],
			referenceTurns: ['2', '101']
		};
		const answers = [{ turns: ['3', '97'] }, { turns: ['4', '89'] }];
		for (const judge of await loadBuiltinJudges()) {
			for (const locale of JUDGE_LOCALES) {
				const rubric = rubricFromJudge(judge, locale);
				const pair = rubric.mode === 'pairwise' ? answers : answers.slice(0, 1);
				for (const turn of judgedTurns(rubric, item)) {
					const result = renderPrompt({ rubric, item, answers: pair, order: 'ba', turn });
					if (!result.ok) throw new Error(`${judge.id} ${locale}: ${result.reason}`);
					const text = result.messages.map((m) => m.content).join('\n');
					expect(text).not.toMatch(/\{\{\s*[a-z_]+\s*\}\}/);
					expect(text).toContain(rubric.rubricText);
					if (turn > 0) expect(text).toContain(`<<<CONVERSATION ${result.tag}>>>`);
				}
				expect(responseFormatFor(rubric).json_schema.strict).toBe(true);
			}
		}
	});
});

describe('loader on a broken folder', () => {
	let dir: string;
	beforeAll(async () => {
		dir = await mkdtemp(path.join(tmpdir(), 'concord-judges-'));
	});
	afterAll(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	it('names the missing file and refuses the whole set at start-up', async () => {
		await cp(path.join(DEFAULT_JUDGES_DIR, 'pairwise'), path.join(dir, 'pairwise'), { recursive: true });
		await cp(path.join(DEFAULT_JUDGES_DIR, 'single-1-10'), path.join(dir, 'single-1-10'), { recursive: true });
		await unlink(path.join(dir, 'pairwise', 'zh-CN', 'rubric.md'));
		const { judges, issues } = await readJudges(dir);
		expect(judges.map((j) => j.id)).toEqual(['single-1-10']);
		expect(issues).toEqual([{ file: 'pairwise/zh-CN/rubric.md', field: '', message: 'missing file' }]);
		await expect(loadBuiltinJudges(dir)).rejects.toThrow('pairwise/zh-CN/rubric.md: missing file');
	});

	it('names the file and field of an example off the scale', async () => {
		const file = path.join(dir, 'single-1-10', 'en', 'examples.json');
		const examples = JSON.parse(await readFile(file, 'utf8'));
		examples[1].score = 11;
		await writeFile(file, JSON.stringify(examples));
		await mkdir(path.join(dir, 'empty-folder'));
		const { issues } = await readJudges(dir);
		expect(issues).toContainEqual({
			file: 'single-1-10/en/examples.json',
			field: '[1].score',
			message: 'score 11 is off the scale 1–10'
		});
		expect(issues).toContainEqual({ file: 'empty-folder/judge.json', field: '', message: 'missing file' });
	});
});
