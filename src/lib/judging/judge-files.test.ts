import { describe, expect, it } from 'vitest';
import { parseJudgeFiles, rubricFromJudge, type JudgeFileIssue } from './judge-files';
import { CATEGORICAL_CRITERION_MESSAGE, validateRubric } from './validate';
import { criteria5, criteriaTone, passFail } from './test-rubrics';

/** A small valid pointwise judge as file texts; each test breaks one thing. */
function pointwiseFiles(): Record<string, string> {
	return {
		'judge.json': JSON.stringify({
			id: 'tiny',
			version: 1,
			mode: 'pointwise',
			output: { kind: 'score', scale: { min: 1, max: 5 } },
			criteria: [],
			usesReference: false,
			turns: 'last',
			settings: { temperature: 0, maxTokens: 512 },
			locales: ['en']
		}),
		'en/strings.json': JSON.stringify({ name: 'Tiny', criteria: {} }),
		'en/system.md': 'You rate answers from {{scale_min}} to {{scale_max}}.\n',
		'en/user.md': '{{rubric}}\n{{examples}}\nQ: {{question}}\nA: {{answer}}\nRating: [[N]]\n',
		'en/rubric.md': 'Higher is better.\n',
		'en/examples.json': JSON.stringify([{ id: 'one', question: 'q', answer: 'a', score: 3, explanation: 'ok' }])
	};
}

function pairwiseFiles(): Record<string, string> {
	return {
		...pointwiseFiles(),
		'judge.json': JSON.stringify({
			id: 'tiny',
			version: 1,
			mode: 'pairwise',
			output: { kind: 'categories', categories: ['A', 'B', 'tie'] },
			criteria: [],
			usesReference: false,
			turns: 'last',
			settings: { temperature: 0, maxTokens: 512 },
			locales: ['en']
		}),
		'en/system.md': 'Compare.',
		'en/user.md': '{{rubric}} {{examples}} {{question}} {{answer_a}} {{answer_b}}',
		'en/examples.json': JSON.stringify([
			{ id: 'p', question: 'q', answerA: 'x', answerB: 'y', winner: 'A', explanation: '' }
		])
	};
}

function issuesOf(files: Record<string, string>): JudgeFileIssue[] {
	const result = parseJudgeFiles('tiny', files);
	if (result.ok) throw new Error('expected the judge to be refused');
	return result.issues;
}

function edit(files: Record<string, string>, file: string, change: (data: any) => void) {
	const data = JSON.parse(files[file]);
	change(data);
	return { ...files, [file]: JSON.stringify(data) };
}

describe('parseJudgeFiles', () => {
	it('accepts a valid judge and trims the trailing newline of the markdown files', () => {
		const result = parseJudgeFiles('tiny', pointwiseFiles());
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const rubric = rubricFromJudge(result.judge, 'en');
		expect(rubric.templates.system).toBe('You rate answers from {{scale_min}} to {{scale_max}}.');
		expect(rubric.rubricText).toBe('Higher is better.');
		expect(rubric.examples).toHaveLength(1);
		expect(() => rubricFromJudge(result.judge, 'zh-CN')).toThrow('judge tiny has no zh-CN variant');
		expect(parseJudgeFiles('tiny', pairwiseFiles()).ok).toBe(true);
	});

	it('refuses an undeclared placeholder, naming the template file', () => {
		const files = {
			...pointwiseFiles(),
			'en/user.md': '{{rubric}} {{examples}} {{question}} {{answer}} {{reference}}'
		};
		expect(issuesOf(files)).toEqual([
			{
				file: 'tiny/en/user.md',
				field: '',
				message: 'placeholder {{reference}} is not declared for this rubric (usesReference is false)'
			}
		]);
		const typo = { ...pointwiseFiles(), 'en/system.md': 'Rate {{answr}}' };
		expect(issuesOf(typo)[0]).toEqual({
			file: 'tiny/en/system.md',
			field: '',
			message: 'placeholder {{answr}} is not declared for this rubric (unknown placeholder)'
		});
	});

	it('refuses an unused required placeholder: the answer, the reference, the examples', () => {
		const noAnswer = { ...pointwiseFiles(), 'en/user.md': '{{rubric}} {{examples}} {{question}}' };
		expect(issuesOf(noAnswer)).toEqual([
			{ file: 'tiny/en/user.md', field: '', message: 'placeholder {{answer}} is required but unused in both templates' }
		]);
		const withReference = edit(pointwiseFiles(), 'judge.json', (j) => (j.usesReference = true));
		const messages = issuesOf(withReference).map((i) => `${i.file} ${i.field} ${i.message}`);
		expect(messages).toContain('tiny/en/user.md  placeholder {{reference}} is required but unused in both templates');
		expect(messages).toContain('tiny/en/examples.json [0].reference the rubric uses references: the example needs one');
		const noExamplesSlot = { ...pointwiseFiles(), 'en/user.md': '{{rubric}} {{question}} {{answer}}' };
		expect(issuesOf(noExamplesSlot)[0].message).toBe(
			'placeholder {{examples}} is required but unused in both templates'
		);
	});

	it('refuses empty and duplicate categories', () => {
		const empty = edit(pairwiseFiles(), 'judge.json', (j) => (j.output.categories = []));
		expect(issuesOf(empty)).toContainEqual({
			file: 'tiny/judge.json',
			field: 'output.categories',
			message: 'at least one category is required'
		});
		const duplicate = edit(pairwiseFiles(), 'judge.json', (j) => (j.output.categories = ['A', 'B', 'A']));
		expect(issuesOf(duplicate)).toEqual([
			{ file: 'tiny/judge.json', field: 'output.categories[2]', message: 'duplicate category "A"' }
		]);
		const pointwiseCategories = edit(pointwiseFiles(), 'judge.json', (j) => {
			j.output = { kind: 'categories', categories: ['pass', ' ', 'Pass'] };
		});
		const fields = issuesOf(pointwiseCategories).map((i) => `${i.field}: ${i.message}`);
		expect(fields).toContain('output.categories[1]: a category cannot be empty');
		expect(fields).toContain('output.categories[2]: duplicate category "Pass"');
	});

	it('loads a categorical criterion (scale filled in as 0 … n − 1) and refuses empty or duplicate labels by file and field', () => {
		/** The tiny judge with an accuracy criterion (1–5) and `tone` as given. */
		const withTone = (tone: object) => {
			let files = edit(pointwiseFiles(), 'judge.json', (j) => {
				j.criteria = [
					{ id: 'accuracy', scale: { min: 1, max: 5 }, redLine: false },
					{ id: 'tone', redLine: false, ...tone }
				];
			});
			files = edit(files, 'en/strings.json', (t) => {
				t.criteria = { accuracy: { name: 'Accuracy', description: '' }, tone: { name: 'Tone', description: '' } };
			});
			files = edit(files, 'en/examples.json', (e) => {
				delete e[0].score;
				e[0].scores = { accuracy: 3, tone: 'formal' };
			});
			return { ...files, 'en/user.md': '{{rubric}}\n{{criteria}}\n{{examples}}\nQ: {{question}}\nA: {{answer}}\n' };
		};
		const ok = parseJudgeFiles('tiny', withTone({ categories: ['formal', 'casual'] }));
		if (!ok.ok) throw new Error(JSON.stringify(ok.issues));
		expect(ok.judge.criteria[1]).toEqual({
			id: 'tone',
			redLine: false,
			categories: ['formal', 'casual'],
			scale: { min: 0, max: 1 }
		});
		const fields = issuesOf(withTone({ categories: ['formal', ' ', 'Formal'] })).map(
			(i) => `${i.file} ${i.field}: ${i.message}`
		);
		expect(fields).toContain('tiny/judge.json criteria[1].categories[1]: a category cannot be empty');
		expect(fields).toContain('tiny/judge.json criteria[1].categories[2]: duplicate category "Formal"');
		expect(issuesOf(withTone({ labels: ['formal', 'casual'] }))).toContainEqual({
			file: 'tiny/judge.json',
			field: 'criteria[1].labels',
			message: CATEGORICAL_CRITERION_MESSAGE
		});
	});

	it('refuses examples off the scale or with a verdict outside the categories', () => {
		const off = edit(pointwiseFiles(), 'en/examples.json', (e) => (e[0].score = 0));
		expect(issuesOf(off)).toEqual([
			{ file: 'tiny/en/examples.json', field: '[0].score', message: 'score 0 is off the scale 1–5' }
		]);
		const fractional = edit(pointwiseFiles(), 'en/examples.json', (e) => (e[0].score = 2.5));
		expect(issuesOf(fractional)[0].field).toBe('[0].score');
		const pair = edit(pairwiseFiles(), 'judge.json', (j) => (j.output.categories = ['A', 'B']));
		const tieExample = edit(pair, 'en/examples.json', (e) => (e[0].winner = 'tie'));
		expect(issuesOf(tieExample)).toEqual([
			{ file: 'tiny/en/examples.json', field: '[0].winner', message: 'winner "tie" is not one of A, B' }
		]);
	});

	it('names every missing file, and a missing judge.json first', () => {
		const files = pointwiseFiles();
		delete files['en/user.md'];
		delete files['en/strings.json'];
		expect(issuesOf(files)).toEqual([
			{ file: 'tiny/en/strings.json', field: '', message: 'missing file' },
			{ file: 'tiny/en/user.md', field: '', message: 'missing file' }
		]);
		const noMeta = pointwiseFiles();
		delete noMeta['judge.json'];
		expect(issuesOf(noMeta)).toEqual([{ file: 'tiny/judge.json', field: '', message: 'missing file' }]);
	});

	it('reports broken JSON, a wrong field type, a folder/id mismatch and criterion texts', () => {
		const broken = { ...pointwiseFiles(), 'en/strings.json': '{"name": "x",' };
		expect(issuesOf(broken)[0].file).toBe('tiny/en/strings.json');
		expect(issuesOf(broken)[0].message).toMatch(/^not valid JSON/);
		const wrongType = edit(pointwiseFiles(), 'judge.json', (j) => (j.output.scale.max = '5'));
		expect(issuesOf(wrongType)[0]).toMatchObject({ file: 'tiny/judge.json', field: 'output.scale.max' });
		const renamed = edit(pointwiseFiles(), 'judge.json', (j) => (j.id = 'other'));
		expect(issuesOf(renamed)).toEqual([
			{ file: 'tiny/judge.json', field: 'id', message: 'id "other" differs from folder "tiny"' }
		]);
		let criteria = edit(pointwiseFiles(), 'judge.json', (j) => {
			j.criteria = [{ id: 'safety', scale: { min: 1, max: 5 }, redLine: true }];
		});
		criteria = { ...criteria, 'en/user.md': '{{rubric}} {{criteria}} {{examples}} {{question}} {{answer}}' };
		criteria = edit(criteria, 'en/strings.json', (s) => (s.criteria = { safty: { name: 'Safety', description: '' } }));
		expect(issuesOf(criteria)).toEqual([
			{ file: 'tiny/en/strings.json', field: 'criteria.safety', message: 'missing criterion text' },
			{
				file: 'tiny/en/strings.json',
				field: 'criteria.safty',
				message: 'criterion "safty" is not declared in judge.json'
			}
		]);
		const fixed = edit(
			criteria,
			'en/strings.json',
			(s) => (s.criteria = { safety: { name: 'Safety', description: '' } })
		);
		const moreIssues = issuesOf(fixed).map((i) => `${i.file} ${i.field}: ${i.message}`);
		expect(moreIssues).toEqual([
			'tiny/judge.json criteria[0].passMin: a red-line criterion needs passMin',
			'tiny/en/examples.json [0].scores.safety: the example needs a score for criterion "safety"'
		]);
	});
});

describe('validateRubric and categorical criteria', () => {
	const tone = { id: 'tone', name: 'Tone', description: '', categories: ['formal', 'casual'], redLine: false };

	it('accepts a categorical criterion beside numeric ones, its scale 0 … n − 1', () => {
		const result = validateRubric({ ...criteria5, criteria: [...criteria5.criteria, tone] });
		if (!result.ok) throw new Error(JSON.stringify(result.issues));
		expect(result.value.criteria[3]).toEqual({ ...tone, scale: { min: 0, max: 1 } });
		expect(validateRubric(criteriaTone).ok).toBe(true);
	});

	it('refuses empty and duplicate labels, a red line, another scale, and only categorical criteria', () => {
		const i = criteria5.criteria.length;
		const issues = (content: unknown) => {
			const result = validateRubric(content);
			return result.ok ? [] : result.issues;
		};
		const withTone = (extra: object) => ({ ...criteria5, criteria: [...criteria5.criteria, { ...tone, ...extra }] });
		expect(issues(withTone({ categories: [] }))).toContainEqual({
			field: `criteria[${i}].categories`,
			message: 'at least one category is required'
		});
		expect(issues(withTone({ categories: ['formal', ''] }))).toContainEqual({
			field: `criteria[${i}].categories[1]`,
			message: 'a category cannot be empty'
		});
		expect(issues(withTone({ categories: ['formal', 'FORMAL '] }))).toContainEqual({
			field: `criteria[${i}].categories[1]`,
			message: 'duplicate category "FORMAL "'
		});
		expect(issues(withTone({ redLine: true, passMin: 1 })).map((x) => x.field)).toEqual([
			`criteria[${i}].redLine`,
			`criteria[${i}].passMin`
		]);
		expect(issues(withTone({ scale: { min: 1, max: 5 } }))).toEqual([
			{
				field: `criteria[${i}].scale`,
				message: "a categorical criterion's scale is 0–1 (its labels' indexes); leave it out"
			}
		]);
		expect(issues({ ...criteria5, criteria: [tone] }).map((x) => x.field)).toEqual(['criteria']);
	});

	it('checks an example answers a categorical criterion with one of its labels', () => {
		const example = (toneValue: unknown) => ({
			...criteriaTone,
			examples: [
				{
					id: 'e1',
					question: 'q',
					answer: 'a',
					scores: { correctness: 3, helpfulness: 3, safety: 5, tone: toneValue },
					explanation: ''
				}
			]
		});
		expect(validateRubric(example('casual')).ok).toBe(true);
		const bad = validateRubric(example('sarcastic'));
		expect(bad.ok ? [] : bad.issues).toEqual([
			{ field: 'examples[0].scores.tone', message: '"sarcastic" is not one of the labels formal, casual, rude' }
		]);
	});

	it('still refuses criteria beside a category output, pointing at criteria[i].categories', () => {
		const result = validateRubric({ ...passFail, criteria: criteria5.criteria });
		expect(result.ok).toBe(false);
		if (result.ok) return;
		const kind = result.issues.find((i) => i.field === 'output.kind');
		expect(kind?.message).toMatch(/criteria\[i\]\.categories/);
	});
});
