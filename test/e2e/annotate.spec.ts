/**
 * Annotation end to end (issue 11): an annotator labels a small PAIRWISE queue with the keyboard
 * only, in Chinese (a / b to choose, Enter to submit, Ctrl+Enter from the rationale, ? for help,
 * the single-key switch); a second annotator (through tRPC) disagrees on every item; the admin
 * then sees the disagreements side by side in the adjudication view and sets a gold label. Last,
 * a category rubric (pass / fail) by keyboard: digits pick the category, Enter submits.
 */
import { expect, test, type Page } from '@playwright/test';
import { passFail } from '../../src/lib/judging/test-rubrics';
import { adminStatePath } from './support/accounts';
import { narrow } from './support/narrow';
import { projectWithPairs } from './support/pairs-project';
import { labelEveryTask } from './support/queue-labels';
import { trpcAs } from './support/trpc';
import { chooseLanguage, joinAsAnnotator, open } from './support/ui';

test.use({ storageState: adminStatePath });

/** The workspace is showing a task of this queue (its id in the address) and has hydrated. */
async function onTask(page: Page, queueId: string) {
	await expect(page).toHaveURL(new RegExp(`/annotate/${queueId}/[0-9a-f-]{36}$`));
	await page.waitForLoadState('networkidle');
}

test('an annotator finishes a pairwise queue by keyboard in Chinese; the admin adjudicates a disagreement', async ({
	page,
	browser,
	baseURL
}) => {
	test.setTimeout(300_000);
	const admin = trpcAs(page, baseURL!);
	const { projectId, datasetId } = await projectWithPairs(admin, 'Annotation');
	const { versionId } = await admin.mutate<{ versionId: string }>('rubrics.create', {
		projectId,
		fromBuiltin: { judgeId: 'pairwise', locale: 'zh-CN' }
	});

	// Two annotators join through invitation links.
	const first = await joinAsAnnotator(page, browser, projectId, 'Ann One');
	const second = await joinAsAnnotator(page, browser, projectId, 'Ann Two');

	const { id: queueId } = await admin.mutate<{ id: string; taskCount: number }>('annotation.createQueue', {
		projectId,
		datasetId,
		rubricVersionId: versionId,
		name: 'Pairs by hand',
		overlapK: 2,
		disagreementThreshold: 0
	});

	// ---- The first annotator, in Chinese, keyboard only.
	await open(first, `/projects/${projectId}/annotate`);
	await chooseLanguage(first, '简体中文');
	const start = first.getByRole('link', { name: '开始标注 Pairs by hand' });
	await start.focus();
	await first.keyboard.press('Enter');
	await onTask(first, queueId);

	// Help lists the shortcuts; Escape closes it.
	await first.keyboard.press('?');
	const help = first.getByRole('dialog', { name: '键盘快捷键' });
	await expect(help).toBeVisible();
	await expect(help.getByText('A 更好（第一个回答）')).toBeVisible();
	await first.keyboard.press('Escape');
	await expect(help).toBeHidden();

	const left = first.getByRole('radio', { name: 'A 更好' });
	const right = first.getByRole('radio', { name: 'B 更好' });

	// Single keys can be turned off (WCAG 2.1.4): then b does nothing.
	const toggle = first.getByRole('checkbox', { name: '单键快捷键' });
	await toggle.focus();
	await first.keyboard.press('Space');
	await expect(toggle).not.toBeChecked();
	await first.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
	await first.keyboard.press('b');
	await expect(right).not.toBeChecked();
	await toggle.focus();
	await first.keyboard.press('Space');
	await expect(toggle).toBeChecked();

	await first.keyboard.press('Tab'); // off the checkbox, on into the workspace
	await first.keyboard.press('a');
	await expect(left).toBeChecked();

	// Item 1: a rationale typed in the textarea (a and b type there), then Ctrl+Enter submits.
	const rationale = first.getByRole('textbox', { name: '理由（可选）' });
	await rationale.focus();
	await first.keyboard.type('A 答得对 b');
	await expect(left).toBeChecked();
	const firstTask = first.url();
	await first.keyboard.press('Control+Enter');
	await expect(first).not.toHaveURL(firstTask);
	await expect(first.getByRole('status').filter({ hasText: '已保存' })).toBeAttached();

	// Items 2 and 3: b, then Enter pressed twice (one label only).
	const seen = new Set<string>();
	for (let i = 0; i < 2; i++) {
		await onTask(first, queueId);
		seen.add(first.url());
		if (i === 0) await narrow(first, 'workspace');
		await first.keyboard.press('b');
		await expect(right).toBeChecked();
		const before = first.url();
		await first.keyboard.press('Enter');
		await first.keyboard.press('Enter');
		await expect(first).not.toHaveURL(before);
	}
	await expect(first.getByText('这里没有待你标注的条目了')).toBeVisible();
	expect(seen.size).toBe(2);
	const history = await trpcAs(first, baseURL!).query<{ entries: { labelVersion: number }[] }>('annotation.history', {
		projectId,
		queueId
	});
	expect(history.entries.map((e) => e.labelVersion)).toEqual([1, 1, 1]);

	// k from the newest label opens it for revision; its verdict is kept.
	const review = first.getByRole('link', { name: /查看我最近的标注/ });
	await review.focus();
	await first.keyboard.press('Enter');
	await onTask(first, queueId);
	await expect(right).toBeChecked();
	await expect(first.getByRole('button', { name: '保存修改' })).toBeVisible();
	await first.keyboard.press('k');
	await onTask(first, queueId);
	await expect(right).toBeChecked();

	// ---- The second annotator says tie to everything (through tRPC): every item is now disputed.
	await labelEveryTask(trpcAs(second, baseURL!), {
		projectId,
		queueId,
		label: () => ({ verdict: 'tie' }),
		rationale: () => '两个都行',
		activeSeconds: 7
	});

	// ---- The admin: progress, then adjudication.
	await open(page, `/projects/${projectId}/queues/${queueId}`);
	await expect(page.getByRole('region', { name: 'Progress per annotator' }).getByRole('row')).toHaveCount(3);
	await narrow(page, 'queue-progress');
	await page.getByRole('link', { name: 'Adjudication' }).click();
	await expect(page.getByRole('heading', { name: 'Adjudication', level: 2 })).toBeVisible();
	const items = page.getByRole('article');
	await expect(items).toHaveCount(3);
	const item = items.first();
	await expect(item.getByRole('cell', { name: '两个都行' })).toBeVisible();
	await expect(item.getByRole('cell', { name: 'Concord' })).toHaveCount(2);
	await narrow(page, 'adjudication');
	const gold = item.getByRole('group', { name: /Gold label for/ });
	await gold.getByRole('radio').first().check();
	await gold.getByRole('textbox', { name: 'Rationale' }).fill('The first answer is correct.');
	await gold.getByRole('button', { name: 'Save gold label' }).click();
	await expect(item.getByText('Gold label saved.')).toBeVisible();
	await expect(item.getByText('gold label v1')).toBeVisible();

	// ---- A category rubric (pass / fail): 2 picks the second category, 1 the first; Enter submits.
	const { versionId: categoryRubric } = await admin.mutate<{ versionId: string }>('rubrics.create', {
		projectId,
		name: 'Pass or fail',
		fromScratch: { ...passFail, judgeId: null, judgeVersion: null }
	});
	const { id: categoryQueue } = await admin.mutate<{ id: string }>('annotation.createQueue', {
		projectId,
		datasetId,
		rubricVersionId: categoryRubric,
		name: 'Pass or fail',
		overlapK: 1,
		selection: { kind: 'random', n: 1, seed: 'e2e' }
	});
	await open(first, `/projects/${projectId}/annotate/${categoryQueue}`);
	for (const [digit, category] of [
		['2', 'fail'],
		['1', 'pass']
	]) {
		await onTask(first, categoryQueue);
		const option = first.getByRole('radio', { name: category, exact: true });
		await expect(option).toHaveAttribute('aria-keyshortcuts', digit);
		if (digit === '2') await narrow(first, 'workspace-categories');
		await first.keyboard.press(digit);
		await expect(option).toBeChecked();
		const before = first.url();
		await first.keyboard.press('Enter');
		await expect(first).not.toHaveURL(before);
	}
	await expect(first.getByText('这里没有待你标注的条目了')).toBeVisible();
	const mine = trpcAs(first, baseURL!);
	const done = await mine.query<{ entries: { assignmentId: string }[] }>('annotation.history', {
		projectId,
		queueId: categoryQueue
	});
	const chosen = await Promise.all(
		done.entries.map((e) =>
			mine.query<{ label: { category: string | null } }>('annotation.task', { projectId, assignmentId: e.assignmentId })
		)
	);
	expect(chosen.map((t) => t.label.category).sort()).toEqual(['fail', 'pass']);

	await first.context().close();
	await second.context().close();
});
