/**
 * Runs first, on the fresh instance: the first account to sign up becomes the
 * instance admin, and sign-up closes behind it. Saves the admin's signed-in
 * state for the specs (support/accounts.ts).
 */
import { expect, test as setup } from '@playwright/test';
import { admin, adminStatePath } from './support/accounts';

setup('the first account on a fresh instance becomes the instance admin', async ({ page, browser }) => {
	await page.goto('/');
	await expect(page).toHaveURL(/\/sign-in/);
	await page.getByRole('link', { name: 'create the first administrator account' }).click();

	await expect(page.getByRole('heading', { name: 'Create the first administrator account' })).toBeVisible();
	// Typed text must not be reset by hydration.
	await page.waitForLoadState('networkidle');
	await page.getByRole('textbox', { name: 'Display name', exact: true }).fill(admin.name);
	await page.getByRole('textbox', { name: 'Email', exact: true }).fill(admin.email);
	await page.getByRole('textbox', { name: 'Password', exact: true }).fill(admin.password);
	await page.getByRole('button', { name: 'Create account' }).click();

	await expect(page).toHaveURL(/\/projects$/);
	await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();
	await expect(page.getByLabel(`${admin.name}: account menu`)).toBeVisible();
	const me = await page.request.get('/api/trpc/auth.me');
	expect((await me.json()).result.data.json).toMatchObject({ email: admin.email, isInstanceAdmin: true });

	// Sign-up is closed from now on: a stranger needs an invitation.
	const stranger = await browser.newContext({ storageState: { cookies: [], origins: [] } });
	const strangerPage = await stranger.newPage();
	await strangerPage.goto('/sign-up');
	await expect(strangerPage.getByRole('heading', { name: 'An invitation is needed' })).toBeVisible();
	await expect(strangerPage.getByRole('button', { name: 'Create account' })).toHaveCount(0);
	await stranger.close();

	await page.context().storageState({ path: adminStatePath });
});
