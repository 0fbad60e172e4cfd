/**
 * Category rubrics for the admin (issue 11 with 10 and 12): the queue create form counts the
 * tasks a selection will make before it is confirmed (English and Chinese); a split on pass / fail
 * is adjudicated with the gold-category radio group from the keyboard; the agreement page shows
 * the simulated judge's categories against people's (κ, α nominal, the categories named); the
 * category adjudication page passes axe in English and Chinese. Then a CATEGORICAL CRITERION (tone:
 * formal / casual / rude beside a 1–5 criterion): its workspace passes axe in both languages, and
 * the annotator scores and picks the label with digits alone and submits with Enter. Each page is checked at 390 px and a screenshot kept.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { criteria5, passFail } from '../../src/lib/judging/test-rubrics';
import { adminStatePath } from './support/accounts';
import { narrow } from './support/narrow';
import { PAIRS, projectWithPairs } from './support/pairs-project';
import { labelEveryTask } from './support/queue-labels';
import { trpcAs } from './support/trpc';
import { chooseLanguage, joinAsAnnotator, open } from './support/ui';

test.use({ storageState: adminStatePath });

/** axe (WCAG 2.1 A and AA, as accessibility.spec.ts runs it): no violation on the page. */
async function audit(page: Page, name: string) {
	const { violations } = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
		.analyze();
	const found = violations.map((v) => ({
		rule: v.id,
		help: v.help,
		nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`)
	}));
	expect(found, `axe violations on ${name}`).toEqual([]);
}

test('category rubrics: the create form previews its count, a gold category by keyboard, judge ↔ human agreement', async ({
	page,
	browser,
	baseURL
}) => {
	test.setTimeout(300_000);
	const admin = trpcAs(page, baseURL!);
	const { projectId, datasetId } = await projectWithPairs(admin, 'Categories', [
		...PAIRS,
		{ input: 'What is 2 + 2?', output_1: '4', output_2: '5', label: 1 }
	]);
	const { versionId } = await admin.mutate<{ versionId: string }>('rubrics.create', {
		projectId,
		name: 'Pass or fail',
		fromScratch: { ...passFail, judgeId: null, judgeVersion: null }
	});
	const annotator = await joinAsAnnotator(page, browser, projectId, 'Cat One');

	// A simulated judge on the same rubric version, three samples per answer.
	const provider = await admin.mutate<{ id: string }>('providers.create', {
		projectId,
		name: 'Offline pass/fail judge',
		kind: 'simulated',
		simulation: { positionBias: 0, lengthBias: 0.2, noise: 0.3, seed: 7 }
	});
	const { runId } = await admin.mutate<{ runId: string }>('judgeRuns.start', {
		projectId,
		datasetId,
		rubricVersionId: versionId,
		providerId: provider.id,
		options: { bothOrders: false, samples: 3, pairing: 'all-pairs' }
	});
	await expect
		.poll(async () => (await admin.query<{ status: string }>('judgeRuns.progress', { projectId, runId })).status, {
			timeout: 120_000
		})
		.toBe('completed');

	// ---- The create form: 8 answers; a random 2 items make 4 tasks, 8 labels at overlap 2.
	await open(page, `/projects/${projectId}/queues`);
	const form = page.getByRole('region', { name: 'New queue' });
	await form.getByLabel('Rubric version').selectOption(versionId);
	const status = form.getByRole('status').filter({ hasText: /creates|创建/ });
	await expect(status).toHaveText('This selection creates 8 tasks · labels needed: 16 (2 per task).');
	await form.getByRole('radio', { name: 'A random sample' }).check();
	await form.getByLabel('Sample size').fill('2');
	await expect(status).toHaveText('This selection creates 4 tasks · labels needed: 8 (2 per task).');
	await form.getByLabel('Annotators per item (overlap k)').fill('3');
	await expect(status).toHaveText('This selection creates 4 tasks · labels needed: 12 (3 per task).');
	await narrow(page, 'queue-create-preview');

	await chooseLanguage(page, '简体中文');
	const formZh = page.getByRole('region', { name: '新建队列' });
	await formZh.getByLabel('评分准则版本').selectOption(versionId);
	await expect(formZh.getByRole('status').filter({ hasText: '创建' })).toHaveText(
		'此选择将创建 8 个任务 · 需要 16 条标注（每个任务 2 人）。'
	);
	await chooseLanguage(page, 'English');

	// ---- A queue over every answer, labelled by the admin and the annotator, who disagree on two.
	const members = await admin.query<{ userId: string; role: string }[]>('members.list', { projectId });
	const { id: queueId } = await admin.mutate<{ id: string }>('annotation.createQueue', {
		projectId,
		datasetId,
		rubricVersionId: versionId,
		name: 'Pass or fail by two',
		overlapK: 2,
		judgeRunId: runId,
		disagreementThreshold: 0,
		memberUserIds: members.map((m) => m.userId)
	});
	const label = (api: ReturnType<typeof trpcAs>, choose: (i: number) => string) =>
		labelEveryTask(api, {
			projectId,
			queueId,
			label: (i) => ({ category: choose(i) }),
			rationale: (i) => `label ${i}`,
			activeSeconds: 3
		});
	expect(await label(admin, (i) => (i % 2 ? 'fail' : 'pass'))).toBe(8);
	expect(
		await label(trpcAs(annotator, baseURL!), (i) => (i < 2 ? (i % 2 ? 'pass' : 'fail') : i % 2 ? 'fail' : 'pass'))
	).toBe(8);

	// ---- Adjudication: the gold category, chosen from the keyboard.
	await open(page, `/projects/${projectId}/queues/${queueId}/adjudicate`);
	const item = page.getByRole('article').first();
	await expect(item.getByRole('cell', { name: /^(pass|fail)$/ }).first()).toBeVisible();
	const gold = item.getByRole('group', { name: 'Gold category' });
	await expect(gold.getByRole('radio')).toHaveCount(2);
	await gold.getByRole('radio', { name: 'pass', exact: true }).focus();
	await page.keyboard.press('Space');
	await page.keyboard.press('ArrowRight');
	await expect(gold.getByRole('radio', { name: 'fail', exact: true })).toBeChecked();
	await page.keyboard.press('Tab');
	await page.keyboard.type('The answer is wrong.');
	await page.keyboard.press('Tab');
	await expect(item.getByRole('button', { name: 'Save gold label' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(item.getByText('Gold label saved.')).toBeVisible();
	await expect(item.getByText('gold label v1')).toBeVisible();
	await expect(gold.getByRole('radio', { name: 'fail', exact: true })).toBeChecked();
	await narrow(page, 'adjudication-category');
	await audit(page, 'category adjudication (en)');
	await chooseLanguage(page, '简体中文');
	await expect(page.getByRole('group', { name: '金标准类别' }).first()).toBeVisible();
	await audit(page, 'category adjudication (zh-CN)');
	await chooseLanguage(page, 'English');

	// ---- Agreement: the judge's categories against people's.
	await open(page, `/projects/${projectId}/analysis/agreement?datasetId=${datasetId}&judgeRunId=${runId}`);
	await expect(page.getByText(/Categories: pass · fail \(nominal\)/)).toBeVisible();
	await expect(page.getByText(/the judge agrees with people at Cohen κ \(nominal\)/)).toBeVisible();
	const overall = page.getByRole('table', { name: 'Agreement, judge with people and people with each other' });
	const kappa = overall.getByRole('row', { name: /Cohen κ \(nominal\)/ });
	await expect(kappa.getByRole('cell').first()).toHaveText(/^[−-]?[0-9.]+/);
	await narrow(page, 'agreement-categories');

	// ---- Leaderboard and calibration: a category has no mean, and the pages say so instead of ranking one.
	for (const name of ['leaderboard', 'calibration']) {
		await open(page, `/projects/${projectId}/analysis/${name}?datasetId=${datasetId}&judgeRunId=${runId}`);
		await expect(page.getByRole('status').filter({ hasText: /rubric names categories/ })).toBeVisible();
		await expect(page.getByText(/Nothing to compare yet/)).toHaveCount(0);
		await page.screenshot({ path: test.info().outputPath(`${name}-categories-1366.png`), fullPage: true });
		await narrow(page, `${name}-categories`);
	}

	// ---- A categorical criterion: 4 scores correctness and moves on to tone, 2 picks "casual", Enter submits.
	const tone = {
		...criteria5,
		judgeId: null,
		judgeVersion: null,
		name: 'Correctness and tone',
		criteria: [
			{ ...criteria5.criteria[0] },
			{
				id: 'tone',
				name: 'Tone',
				description: 'Register of the answer.',
				categories: ['formal', 'casual', 'rude'],
				redLine: false
			}
		]
	};
	const { versionId: toneVersion } = await admin.mutate<{ versionId: string }>('rubrics.create', {
		projectId,
		name: 'Correctness and tone',
		fromScratch: tone
	});
	const { id: toneQueue } = await admin.mutate<{ id: string }>('annotation.createQueue', {
		projectId,
		datasetId,
		rubricVersionId: toneVersion,
		name: 'Tone by keyboard',
		overlapK: 1,
		selection: { kind: 'random', n: 1, seed: 'tone' }
	});
	await open(annotator, `/projects/${projectId}/annotate/${toneQueue}`);
	await expect(annotator).toHaveURL(new RegExp(`/annotate/${toneQueue}/[0-9a-f-]{36}$`));
	await annotator.waitForLoadState('networkidle');
	const labels = annotator.getByRole('radiogroup', { name: 'Label for Tone' });
	await expect(labels.getByRole('radio')).toHaveCount(3);
	await expect(labels.getByRole('radio', { name: 'casual' })).toHaveAttribute('aria-keyshortcuts', '2');
	await audit(annotator, 'workspace with a categorical criterion (en)');
	await chooseLanguage(annotator, '简体中文');
	await expect(annotator.getByRole('radiogroup', { name: 'Tone 的标签' })).toBeVisible();
	await audit(annotator, 'workspace with a categorical criterion (zh-CN)');
	await chooseLanguage(annotator, 'English');
	await expect(labels).toBeVisible();
	await annotator.waitForLoadState('networkidle');
	await annotator.keyboard.press('4');
	await expect(
		annotator.getByRole('radiogroup', { name: 'Score for Correctness' }).getByRole('radio', { name: '4' })
	).toBeChecked();
	await expect(labels.getByRole('radio', { name: 'formal' })).toBeFocused(); // the focus moved on to tone
	await annotator.keyboard.press('2');
	await expect(labels.getByRole('radio', { name: 'casual' })).toBeChecked();
	// The last group keeps the focus, on the label the digit picked (arrow keys go on from there).
	await expect(labels.getByRole('radio', { name: 'casual' })).toBeFocused();
	await narrow(annotator, 'workspace-categorical-criterion');
	const before = annotator.url();
	await annotator.keyboard.press('Enter');
	await expect(annotator).not.toHaveURL(before);
	const mine = trpcAs(annotator, baseURL!);
	const done = await mine.query<{ entries: { assignmentId: string }[] }>('annotation.history', {
		projectId,
		queueId: toneQueue
	});
	const labelled = await mine.query<{ label: { scores: Record<string, number> } }>('annotation.task', {
		projectId,
		assignmentId: done.entries[0].assignmentId
	});
	expect(labelled.label.scores).toEqual({ correctness: 4, tone: 1 });

	await annotator.context().close();
});
