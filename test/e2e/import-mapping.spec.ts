/**
 * Import wizard dead ends (issue 8): a CSV in which nothing looks like a prompt still gets
 * its column mapping, and is imported by mapping it by hand, in English and in Chinese; an
 * abandoned upload can be discarded from the recent imports.
 */
import { expect, test, type Page } from '@playwright/test';
import { adminStatePath } from './support/accounts';
import { chooseLanguage, createProject, open } from './support/ui';

test.describe.configure({ mode: 'serial' });
test.use({ storageState: adminStatePath });

const suffix = Date.now().toString(36);
let projectId = '';

// Support tickets: "ref" and "body" match no name the importer knows, and "reply" looks like an
// answer without a system, so there is no complete suggestion to fall back on.
const tickets =
	'ref,body,reply\nT-1,The printer on floor 2 is offline.,Restarted the print spooler.\nT-2,VPN drops every hour.,Renewed the certificate.\n';

interface Labels {
	importData: string;
	preview: string;
	format: string;
	mapping: string;
	itemId: string;
	promptColumn: string;
	systemName: string;
	update: string;
	newName: string;
	start: string;
	finished: string;
	itemsAdded: string;
}

const en: Labels = {
	importData: 'Import data',
	preview: 'Check the preview',
	format: 'Format',
	mapping: 'Which column holds what',
	itemId: 'Item ID',
	promptColumn: 'Prompt column',
	systemName: 'System name',
	update: 'Update preview',
	newName: 'Name of the new dataset',
	start: 'Start import',
	finished: 'Import finished',
	itemsAdded: '2 items added'
};
const zh: Labels = {
	importData: '导入数据',
	preview: '检查预览',
	format: '格式',
	mapping: '各列的含义',
	itemId: '条目 ID',
	promptColumn: '提示词列',
	systemName: '系统名称',
	update: '更新预览',
	newName: '新数据集名称',
	start: '开始导入',
	finished: '导入完成',
	itemsAdded: '新增 2 个条目'
};

async function setLanguage(page: Page, label: 'English' | '简体中文') {
	await open(page, '/projects');
	await chooseLanguage(page, label);
}

async function mapByHand(page: Page, t: Labels, fileName: string, datasetName: string) {
	await open(page, `/projects/${projectId}/datasets/import`);
	await page
		.getByTestId('import-file')
		.setInputFiles({ name: fileName, mimeType: 'text/csv', buffer: Buffer.from(tickets) });
	await expect(page.getByRole('heading', { name: t.preview })).toBeVisible();
	await expect(page.getByRole('combobox', { name: t.format })).toHaveValue('csv');
	// The mapping form is there although the suggestion is incomplete.
	const mapping = page.getByRole('group', { name: t.mapping });
	await mapping.getByRole('combobox', { name: t.itemId }).selectOption('ref');
	await mapping.getByRole('combobox', { name: t.promptColumn }).selectOption('body');
	await mapping.getByRole('textbox', { name: t.systemName }).fill('helpdesk-bot');
	await page.getByRole('button', { name: t.update }).click();
	await expect(page.getByText('The printer on floor 2 is offline.').first()).toBeVisible();
	await page.getByRole('textbox', { name: t.newName }).fill(datasetName);
	await page.getByRole('button', { name: t.start }).click();
	await expect(page.getByRole('heading', { name: t.finished })).toBeVisible({ timeout: 30_000 });
	await expect(page.getByText(t.itemsAdded)).toBeVisible();
}

test('a CSV without a prompt-like column is imported by mapping it by hand', async ({ page }) => {
	projectId = await createProject(page, `Mapping e2e ${suffix}`);
	await mapByHand(page, en, 'tickets.csv', `Tickets ${suffix}`);
});

test('the same, in Chinese', async ({ page }) => {
	await setLanguage(page, '简体中文');
	try {
		await mapByHand(page, zh, 'tickets-zh.csv', `工单 ${suffix}`);
	} finally {
		await setLanguage(page, 'English');
	}
});

test('the admin discards an abandoned upload, and its stored file with it', async ({ page }) => {
	await open(page, `/projects/${projectId}/datasets/import`);
	await page
		.getByTestId('import-file')
		.setInputFiles({ name: 'abandoned.csv', mimeType: 'text/csv', buffer: Buffer.from(tickets) });
	await expect(page.getByRole('heading', { name: 'Check the preview' })).toBeVisible();

	// Left without starting: the history shows it as uploaded, not started.
	await open(page, `/projects/${projectId}/datasets`);
	const history = page.getByRole('region', { name: 'Recent imports' });
	const row = history.getByRole('row').filter({ hasText: 'abandoned.csv' });
	await expect(row.getByText('Uploaded, not started')).toBeVisible();
	await row.getByRole('button', { name: 'Discard abandoned.csv' }).click();
	await expect(history.getByText('abandoned.csv')).toHaveCount(0);
	// Gone for good, not only from this page.
	await page.reload();
	await expect(page.getByRole('region', { name: 'Recent imports' }).getByText('tickets.csv')).toBeVisible();
	await expect(page.getByRole('region', { name: 'Recent imports' }).getByText('abandoned.csv')).toHaveCount(0);
});
