/**
 * An admin makes a rubric from the built-in pairwise judge, saves a second version, then
 * configures the simulated provider and tests it (it needs no network, and says so).
 */
import { expect, test } from '@playwright/test';
import { adminStatePath } from './support/accounts';
import { createProject, open } from './support/ui';

test.use({ storageState: adminStatePath });

test('an admin versions a rubric from the pairwise judge and sets up the simulated provider', async ({ page }) => {
	const projectId = await createProject(page, `Rubrics e2e ${Date.now().toString(36)}`);

	await page.getByRole('navigation', { name: 'Project sections' }).getByRole('link', { name: 'Rubrics' }).click();
	await page.getByRole('link', { name: 'New rubric' }).first().click();
	await page.waitForLoadState('networkidle');
	await page.getByRole('combobox', { name: 'Built-in judge' }).selectOption('pairwise');
	await page.getByRole('combobox', { name: 'Language of the prompt and the rubric text' }).selectOption('en');
	await page.getByRole('textbox', { name: 'Name' }).fill('Pairwise house style');
	await page.getByRole('button', { name: 'Create rubric' }).click();
	await expect(page.getByRole('heading', { level: 2, name: 'Pairwise house style' })).toBeVisible();
	await expect(page.getByText(/Version 1\s*\(current\)/)).toBeVisible();
	await page.waitForLoadState('networkidle');

	const text = page.getByRole('textbox', { name: /Rubric text/ });
	await text.fill(`${await text.inputValue()}\n\n**Prefer answers that cite their sources.**`);
	// The rendered rubric text follows the edit.
	await expect(
		page.getByRole('region', { name: 'Rubric text as annotators see it' }).locator('strong').last()
	).toHaveText('Prefer answers that cite their sources.');
	await page.getByRole('textbox', { name: 'Note about this change' }).fill('Sources matter');
	await page.getByRole('button', { name: 'Save as a new version' }).click();
	await expect(page.getByText('Saved as version 2.')).toBeVisible();
	const versions = page.getByRole('region', { name: 'Versions of this rubric, newest first' });
	await expect(versions.getByRole('row')).toHaveCount(3);
	await expect(versions.getByRole('row').nth(1)).toContainText('Sources matter');
	// Saving the same content again makes no new version.
	await page.getByRole('button', { name: 'Save as a new version' }).click();
	await expect(page.getByText('Nothing changed: still version 2.')).toBeVisible();

	await open(page, `/projects/${projectId}/providers/new`);
	await page.getByRole('combobox', { name: 'Kind' }).selectOption('simulated');
	await page.getByRole('textbox', { name: 'Name' }).fill('Offline judge');
	await page.getByRole('spinbutton', { name: /Position bias/ }).fill('0.2');
	await page.getByRole('button', { name: 'Save provider' }).click();
	await expect(page.getByRole('heading', { level: 2, name: 'Offline judge (simulated)' })).toBeVisible();
	await page.getByRole('button', { name: 'Test connection' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Connection test' })).toContainText('needs no network');

	await page.getByRole('navigation', { name: 'Project sections' }).getByRole('link', { name: 'Providers' }).click();
	const row = page.getByRole('row', { name: /Offline judge \(simulated\)/ });
	await expect(row).toContainText('Simulated judge (no model)');
	await expect(row).toContainText('simulated-judge');
});
