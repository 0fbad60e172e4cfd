/**
 * Imported votes are visible where results may be read: the admin imports
 * Chatbot Arena human votes through the wizard, sees the label source on the
 * dataset page, and the votes on an item page whose source file had no texts,
 * in English and in Chinese.
 */
import { expect, test } from '@playwright/test';
import { adminStatePath } from './support/accounts';
import { chooseLanguage, createProject, open } from './support/ui';

test.use({ storageState: adminStatePath });

const votes = [
	{ question_id: 'q1', model_a: 'alpha', model_b: 'beta', winner: 'model_a', num: 1 },
	{ question_id: 'q1', model_a: 'beta', model_b: 'alpha', winner: 'tie', num: 2 },
	{ question_id: 'q2', model_a: 'alpha', model_b: 'gamma', winner: 'model_b', num: 3 }
];

test('the admin imports Arena human votes and sees them on the dataset and item pages, in both languages', async ({
	page
}) => {
	test.slow(); // an import job and two languages
	const suffix = Date.now().toString(36);
	const projectId = await createProject(page, `Votes e2e ${suffix}`);
	await open(page, `/projects/${projectId}/datasets/import`);
	await page.getByTestId('import-file').setInputFiles({
		name: 'human.jsonl',
		mimeType: 'application/jsonl',
		buffer: Buffer.from(votes.map((v) => JSON.stringify(v)).join('\n') + '\n')
	});
	await expect(page.getByRole('heading', { name: 'Check the preview' })).toBeVisible();
	await expect(page.getByRole('combobox', { name: 'Format' })).toHaveValue('arena-votes');
	await page.getByRole('textbox', { name: 'Name of the new dataset' }).fill(`Arena ${suffix}`);
	await page.getByRole('button', { name: 'Start import' }).click();
	await expect(page.getByRole('heading', { name: 'Import finished' })).toBeVisible({ timeout: 30_000 });
	await page.getByRole('link', { name: 'Open the dataset' }).click();

	const sources = page.getByRole('region', { name: 'Verdicts and labels in this dataset' });
	const labelSources = sources.getByRole('table', { name: 'Label sources (1)' });
	await expect(labelSources.getByRole('row', { name: /chatbot-arena/ }).getByRole('cell')).toHaveText([
		'chatbot-arena',
		'imported',
		'3',
		'2'
	]);

	await page.getByRole('link', { name: 'q1', exact: true }).click();
	await expect(page.getByText('This item records comparisons between: alpha, beta.')).toBeVisible();
	const labels = page.getByRole('table', { name: 'Human labels (2)' });
	await expect(labels.getByRole('row', { name: /battle:1/ })).toContainText('alpha better');
	await expect(labels.getByRole('row', { name: /battle:2/ })).toContainText('Tie');
	// An answer with no text in the source shows no "0 characters".
	await expect(page.getByRole('article', { name: 'Answer from alpha' }).getByText(/characters/)).toHaveCount(0);

	await chooseLanguage(page, '简体中文');
	try {
		const zhLabels = page.getByRole('table', { name: '人工标注（2）' });
		await expect(zhLabels.getByRole('row', { name: /battle:1/ })).toContainText('alpha 更好');
		await expect(zhLabels.getByRole('row', { name: /battle:2/ })).toContainText('平局');
		await expect(page.getByText('此条目记录了以下系统之间的比较：alpha, beta。')).toBeVisible();
	} finally {
		// The language is stored with the account: give the shared admin English back.
		await chooseLanguage(page, 'English');
	}
});
