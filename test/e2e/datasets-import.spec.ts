/**
 * Datasets end to end: the admin imports a CSV through the wizard — maps a
 * column the importer cannot guess, sees the preview with the bad row marked,
 * gets the full error list when the import refuses the bad file, uploads a
 * corrected file — and then browses the items: search, filter by system,
 * open an item with the answers side by side, keyboard to the next item.
 */
import { expect, test, type Page } from '@playwright/test';
import { adminStatePath } from './support/accounts';
import { createProject, open } from './support/ui';

test.describe.configure({ mode: 'serial' });
test.use({ storageState: adminStatePath });

const suffix = Date.now().toString(36);
const projectName = `Datasets e2e ${suffix}`;
const datasetName = `Exam answers ${suffix}`;
let projectId = '';

// Long format: one row per item × system. "topic" is not a name the importer
// recognises, so the admin maps it to the category by hand.
const header = 'qid,question_text,gold,topic,model,response';
const rows = [
	'q1,How do plants turn light into chemical energy?,Photosynthesis,biology,alpha,"Through **photosynthesis**:\n\n- light reactions\n- the Calvin cycle"',
	'q1,How do plants turn light into chemical energy?,Photosynthesis,biology,beta,By eating sunlight.',
	'q2,What is 12 × 12?,144,maths,alpha,144',
	'q2,What is 12 × 12?,144,maths,beta,124',
	'q3,Name the largest planet of the solar system.,Jupiter,astronomy,alpha,Jupiter is the largest planet.',
	'q3,Name the largest planet of the solar system.,Jupiter,astronomy,beta,Saturn'
];
const good = [header, ...rows].join('\n') + '\n';
// Lines count as in the file: the first record's answer spans lines 2–5 (a quoted
// multi-line cell), so the record missing its question starts on line 6, and the
// item × system repeated with a different answer (first on line 7) on line 9.
const bad =
	[
		header,
		rows[0],
		'q1,,Photosynthesis,biology,beta,By eating sunlight.',
		rows[2],
		rows[3],
		// The same item × system again with another answer: a conflict (an identical repeat would be skipped).
		'q2,What is 12 × 12?,144,maths,alpha,Twelve dozen',
		rows[4],
		rows[5]
	].join('\n') + '\n';

const csv = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });

async function chooseFile(page: Page, name: string, text: string) {
	await page.getByTestId('import-file').setInputFiles(csv(name, text));
}

test('the admin maps a CSV, sees the preview, gets every error of a bad file and imports the corrected one', async ({
	page
}) => {
	projectId = await createProject(page, projectName);
	await page.getByRole('navigation', { name: 'Project sections' }).getByRole('link', { name: 'Datasets' }).click();
	await expect(page.getByText('No datasets yet')).toBeVisible();
	await page.getByRole('link', { name: 'Import data' }).first().click();
	await expect(page.getByRole('heading', { name: 'Choose a file' })).toBeVisible();
	await page.waitForLoadState('networkidle');

	// The bad file first.
	await chooseFile(page, 'exam-answers.csv', bad);
	await expect(page.getByRole('heading', { name: 'Check the preview' })).toBeVisible();
	await expect(page.getByRole('combobox', { name: 'Format' })).toHaveValue('csv');
	const mapping = page.getByRole('group', { name: 'Which column holds what' });
	await expect(mapping.getByRole('combobox', { name: 'Item ID' })).toHaveValue('qid');
	await expect(mapping.getByRole('combobox', { name: 'Prompt column' })).toHaveValue('question_text');
	await expect(mapping.getByRole('combobox', { name: 'Answer column' })).toHaveValue('response');
	await expect(mapping.getByRole('combobox', { name: 'System column' })).toHaveValue('model');
	// The column the importer could not guess.
	await mapping.getByRole('combobox', { name: 'Category' }).selectOption('topic');
	await page.getByRole('button', { name: 'Update preview' }).click();
	const preview = page.getByRole('table', { name: 'Preview of the first rows' });
	await expect(preview.getByRole('cell', { name: 'biology' }).first()).toBeVisible();
	await expect(preview.getByText('How do plants turn light into chemical energy?').first()).toBeVisible();
	// The bad row is marked in the preview.
	await expect(page.getByRole('alert').filter({ hasText: 'question_text' }).first()).toBeVisible();

	await page.getByRole('textbox', { name: 'Name of the new dataset' }).fill(datasetName);
	await page.getByRole('button', { name: 'Start import' }).click();

	// Nothing is written; every bad row is named with its line, field and reason.
	await expect(page.getByRole('heading', { name: 'The file was not imported' })).toBeVisible({ timeout: 30_000 });
	const errors = page.getByRole('alert').filter({ has: page.getByRole('columnheader', { name: 'Line' }) });
	await expect(errors.getByRole('row').filter({ hasText: 'question_text' }).getByRole('cell').first()).toHaveText('6');
	await expect(
		errors
			.getByRole('row')
			.filter({ hasText: /Duplicate/i })
			.getByRole('cell')
			.first()
	).toHaveText('9');
	await expect(errors.getByRole('row')).toHaveCount(3); // header + the two problems

	// The corrected file, with the same target and mapping.
	await page.getByRole('button', { name: 'Upload a corrected file' }).click();
	await chooseFile(page, 'exam-answers-fixed.csv', good);
	await expect(page.getByRole('heading', { name: 'Check the preview' })).toBeVisible();
	await expect(
		page.getByRole('group', { name: 'Which column holds what' }).getByRole('combobox', { name: 'Category' })
	).toHaveValue('topic');
	await expect(page.getByRole('textbox', { name: 'Name of the new dataset' })).toHaveValue(datasetName);
	await expect(
		page.getByRole('table', { name: 'Preview of the first rows' }).getByRole('cell', { name: 'astronomy' }).first()
	).toBeVisible();
	await page.getByRole('button', { name: 'Start import' }).click();

	await expect(page.getByRole('heading', { name: 'Import finished' })).toBeVisible({ timeout: 30_000 });
	await expect(page.getByText('3 items added')).toBeVisible();
	await expect(page.getByText('6 answers added')).toBeVisible();
	await page.getByRole('link', { name: 'Open the dataset' }).click();
	await expect(page.getByRole('heading', { name: datasetName })).toBeVisible();
	await expect(page.getByText('3 items', { exact: true })).toBeVisible();
});

test('the admin searches and filters the items, opens one and compares the answers side by side', async ({ page }) => {
	await open(page, `/projects/${projectId}/datasets`);
	await expect(page.getByRole('region', { name: 'Recent imports' }).getByText('exam-answers-fixed.csv')).toBeVisible();
	await page.getByRole('link', { name: datasetName }).click();
	await page.waitForLoadState('networkidle');

	// Search reaches answer text, not only prompts.
	await page.getByRole('searchbox', { name: 'Search prompts, references and answers' }).fill('calvin cycle');
	await page.getByRole('button', { name: 'Search' }).click();
	await expect(page.getByText('1 matching item')).toBeVisible();
	await expect(page.getByRole('link', { name: 'q1', exact: true })).toBeVisible();

	await page.getByRole('link', { name: 'Clear filters' }).click();
	await expect(page.getByText('3 items', { exact: true })).toBeVisible();
	await page.getByRole('combobox', { name: 'Category' }).selectOption('maths');
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await expect(page.getByText('1 matching item')).toBeVisible();
	await expect(page.getByRole('link', { name: 'q2', exact: true })).toBeVisible();
	await page.getByRole('link', { name: 'Clear filters' }).click();
	await expect(page.getByText('3 items', { exact: true })).toBeVisible();
	await page.getByRole('combobox', { name: 'System' }).selectOption({ label: 'beta (3)' });
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await expect(page.getByText('3 matching items')).toBeVisible();

	await page.getByRole('link', { name: 'q1', exact: true }).click();
	await expect(page.getByRole('heading', { name: 'q1', level: 2 })).toBeVisible();
	await expect(page.getByText('How do plants turn light into chemical energy?')).toBeVisible();
	await expect(page.getByText('Reference answer')).toBeVisible();
	const alpha = page.getByRole('article', { name: 'Answer from alpha' });
	const beta = page.getByRole('article', { name: 'Answer from beta' });
	await expect(alpha.getByRole('listitem').filter({ hasText: 'the Calvin cycle' })).toBeVisible(); // Markdown rendered
	await expect(alpha.getByText(/\d+ characters/)).toBeVisible();
	await expect(beta.getByText('19 characters')).toBeVisible();
	await expect(beta.getByText('≈ 5 tokens')).toBeVisible();
	// Side by side on a desktop screen.
	const [a, b] = [await alpha.boundingBox(), await beta.boundingBox()];
	expect(a && b && Math.abs(a.y - b.y) < 2 && b.x > a.x + a.width - 1).toBe(true);

	// Keyboard: j goes to the next item under the same filter (system = beta).
	await page.keyboard.press('j');
	await expect(page.getByRole('heading', { name: 'q2', level: 2 })).toBeVisible();
	await expect(page).toHaveURL(/system=/);
	await page.keyboard.press('k');
	await expect(page.getByRole('heading', { name: 'q1', level: 2 })).toBeVisible();
	// The shortcuts can be turned off (WCAG 2.1.4), and stay off on the next page.
	await page.getByRole('checkbox', { name: /Keyboard shortcuts/ }).uncheck();
	await page.getByRole('heading', { name: 'q1', level: 2 }).click();
	await page.keyboard.press('j');
	await page.waitForTimeout(500);
	await expect(page.getByRole('heading', { name: 'q1', level: 2 })).toBeVisible();
	await page.reload();
	await expect(page.getByRole('checkbox', { name: /Keyboard shortcuts/ })).not.toBeChecked();
	await page.getByRole('checkbox', { name: /Keyboard shortcuts/ }).check();

	// Stacked on a narrow screen.
	await page.setViewportSize({ width: 420, height: 900 });
	const [na, nb] = [await alpha.boundingBox(), await beta.boundingBox()];
	expect(na && nb && nb.y > na.y + na.height - 1).toBe(true);
});

test('the instance admin creates the demo project in one click and browses it', async ({ page }) => {
	await open(page, '/demo');
	await page.getByRole('button', { name: 'Create demo project' }).click();
	await expect(page).toHaveURL(/\/projects\/[0-9a-f-]{36}\/datasets$/);
	await expect(page.getByRole('heading', { level: 1, name: 'Concord demo' })).toBeVisible();
	// The four demo files (two English, two Chinese) are imported by the worker, like any upload.
	await expect(async () => {
		await page.reload();
		await expect(page.getByRole('region', { name: 'Recent imports' }).getByText('Imported')).toHaveCount(4, {
			timeout: 1000
		});
	}).toPass({ timeout: 30_000 });
	await page.getByRole('link', { name: 'Demo questions' }).click();
	await expect(page.getByText('40 items', { exact: true })).toBeVisible();
	await page.getByRole('combobox', { name: 'Category' }).selectOption({ label: 'clinical-information (8)' });
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await expect(page.getByText('8 matching items')).toBeVisible();
	await page.getByRole('link', { name: 'med-07', exact: true }).click();
	await expect(page.getByRole('heading', { name: 'Turn 2 of 2' })).toBeVisible();
	for (const system of ['atlas-large', 'brisk-small', 'verbose-tuned']) {
		await expect(page.getByRole('article', { name: `Answer from ${system}` }).first()).toBeVisible();
	}
});
