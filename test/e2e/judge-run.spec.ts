/**
 * A judge run from start to finish in the browser: on a fresh demo project the admin makes a
 * rubric version from the built-in pairwise judge and a simulated provider through their pages,
 * starts a BOTH-ORDER, all-pairs run on the demo questions, watches the progress bar fill
 * without reloading the page, and reads the per-system summary and one judgment's exact prompt
 * and raw reply (plain text).
 */
import { expect, test } from '@playwright/test';
import { adminStatePath } from './support/accounts';
import { open } from './support/ui';

test.use({ storageState: adminStatePath });

test('an admin runs a both-order pairwise simulated judge on the demo project and sees it finish', async ({ page }) => {
	test.setTimeout(240_000); // a demo import, a rubric, a provider and a run of 240 judgments
	const suffix = Date.now().toString(36);

	await open(page, '/demo');
	await page.getByRole('button', { name: 'Create demo project' }).click();
	await page.waitForURL(/\/projects\/[0-9a-f-]{36}/);
	const projectUrl = new URL(page.url()).pathname.match(/^\/projects\/[0-9a-f-]{36}/)![0];

	// A rubric version from the built-in pairwise judge, in English.
	await open(page, `${projectUrl}/rubrics/new`);
	await page.getByRole('combobox', { name: 'Built-in judge' }).selectOption('pairwise');
	await page.getByRole('textbox', { name: 'Name', exact: true }).fill(`Pairwise ${suffix}`);
	await page.getByRole('button', { name: 'Create rubric' }).click();
	await expect(page).toHaveURL(/\/rubrics\/[0-9a-f-]{36}/);

	// The simulated judge: no model, no network.
	await open(page, `${projectUrl}/providers/new`);
	await page.getByRole('textbox', { name: 'Name', exact: true }).fill(`Offline ${suffix}`);
	await page.getByRole('combobox', { name: 'Kind' }).selectOption('simulated');
	await page.getByRole('button', { name: 'Save provider' }).click();
	await expect(page).toHaveURL(/\/providers\/[0-9a-f-]{36}/);

	// The run form, once the demo import has written its 40 items.
	const dataset = page.getByRole('combobox', { name: 'Dataset' });
	await expect(async () => {
		await open(page, `${projectUrl}/runs/new`);
		await expect(dataset.locator('option', { hasText: 'Demo questions' })).toContainText('40 items, 3 systems', {
			timeout: 1000
		});
	}).toPass({ timeout: 60_000 });
	await dataset.selectOption({ label: 'Demo questions (40 items, 3 systems)' });
	await page
		.getByRole('combobox', { name: 'Rubric', exact: true })
		.selectOption({ label: `Pairwise ${suffix} · pairwise` });
	// Its versions, the latest preselected and told apart by hash prefix and date.
	const version = page.getByRole('combobox', { name: 'Version', exact: true });
	await expect(version.locator('option:checked')).toHaveText(/^v1 · [0-9a-f]{8} · .+ \(latest\)$/);
	const hash = (await version.locator('option:checked').textContent())!.split(' · ')[1];
	const provider = page.getByRole('combobox', { name: 'Provider' });
	await provider.selectOption({ label: `Offline ${suffix} (simulated) · simulated-judge` });
	await expect(page.getByRole('checkbox', { name: 'Judge each pair in both orders' })).toBeChecked();
	await expect(page.getByRole('radio', { name: 'All pairs of systems' })).toBeChecked();
	// 40 items × 3 pairs × 2 orders.
	await expect(page.getByTestId('run-estimate')).toHaveText('At most 240 judge calls.');
	await page.getByRole('button', { name: 'Start run' }).click();
	await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
	const runUrl = page.url();

	// From here on the page must not reload: the bar is fed by polling.
	let navigations = 0;
	page.on('framenavigated', (frame) => {
		if (frame === page.mainFrame()) navigations++;
	});
	const bar = page.getByRole('progressbar', { name: 'Progress' });
	await expect(bar).toBeVisible();
	await expect(page.getByText(/simulated/).first()).toBeVisible();
	// The run shows the version it used, with its content hash.
	await expect(page.locator(`span[title^="sha256:${hash}"]`)).toBeVisible();
	await expect(page.getByTestId('run-progress-counts')).toContainText('240 of 240 judgments done', {
		timeout: 120_000
	});
	await expect(bar).toHaveAttribute('value', '240');
	await expect(page.locator('.page-head').getByText('completed', { exact: true })).toBeVisible();
	expect(navigations).toBe(0);
	expect(page.url()).toBe(runUrl);

	// Per system: each is in two pairs × 40 items × 2 orders = 160 judgments.
	const summary = page.getByRole('table', { name: 'Results per system' });
	for (const system of ['atlas-large', 'brisk-small', 'verbose-tuned']) {
		const row = summary.getByRole('row', { name: new RegExp(system) });
		await expect(row.getByRole('cell').first()).toHaveText('160');
	}
	await expect(summary.getByRole('columnheader', { name: 'Inconsistent pairs' })).toBeVisible();
	await expect(summary.getByRole('columnheader', { name: 'Red-line failures' })).toBeVisible();
	await expect(page.getByText('Pairs whose two orders disagreed')).toBeVisible();

	// One judgment: the exact messages and the raw reply, as plain text.
	await page
		.getByRole('button', { name: /^Details of / })
		.first()
		.click();
	const dialog = page.getByRole('dialog');
	await expect(dialog.getByRole('heading', { name: /^Judgment of / })).toBeVisible();
	await expect(dialog.getByTestId('judgment-message').first()).not.toBeEmpty();
	await expect(dialog.getByTestId('judgment-reply')).toContainText(/simulated/i);
	await dialog.getByRole('button', { name: 'Close' }).click();
	await expect(dialog).toBeHidden();

	// The run is listed with its status, and the dataset page links to it.
	await open(page, `${projectUrl}/runs`);
	await expect(page.getByRole('row', { name: new RegExp(`Pairwise ${suffix}`) })).toContainText('completed');
});
