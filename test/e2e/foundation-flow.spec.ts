/**
 * The Foundation flow end to end: the admin creates a project and invites a
 * member; the member joins from the link in a fresh browser, signs in again,
 * and sees only what the role allows; the language switch changes the UI and
 * is remembered for the person across sign-out, sign-in and browsers.
 */
import { expect, test, type Page } from '@playwright/test';
import { adminStatePath, newPerson } from './support/accounts';
import {
	acceptBySigningUp,
	chooseLanguage,
	createInvitation,
	createProject,
	freshBrowser,
	signIn,
	signOut
} from './support/ui';

test.describe.configure({ mode: 'serial' });
test.use({ storageState: adminStatePath });

const suffix = Date.now().toString(36);
const shared = `Shared project ${suffix}`;
const hidden = `Admin-only project ${suffix}`;
const annotator = newPerson('Annie');
const viewer = newPerson('Victor');
let sharedId = '';
let hiddenId = '';

/** What an admin sees and a non-admin must not. */
async function expectNoAdminControls(page: Page, projectId: string) {
	await page.goto(`/projects/${projectId}`);
	await expect(page.getByRole('heading', { level: 1, name: shared })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Project settings' })).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Refresh' })).toHaveCount(0);

	await page.getByRole('navigation', { name: 'Project sections' }).getByRole('link', { name: 'Members' }).click();
	await expect(page).toHaveURL(`/projects/${projectId}/members`);
	await expect(page.getByRole('heading', { name: /members?$/ })).toBeVisible();
	await expect(page.getByRole('region', { name: 'Invite people' })).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Change role' })).toHaveCount(0);
	await expect(page.getByRole('button', { name: /^Remove/ })).toHaveCount(0);
}

test('the admin creates projects and sees the admin controls', async ({ page }) => {
	sharedId = await createProject(page, shared);
	await expect(page.getByRole('heading', { name: 'Project settings' })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Refresh' })).toBeVisible();
	hiddenId = await createProject(page, hidden);

	await page.goto('/projects');
	await expect(page.getByRole('link', { name: shared })).toBeVisible();
	await expect(page.getByRole('link', { name: hidden })).toBeVisible();
});

test('an invited annotator joins from the link, signs in again and sees only what the role allows', async ({
	page,
	browser
}) => {
	const link = await createInvitation(page, sharedId, 'annotator');

	const member = await acceptBySigningUp(browser, link, annotator);
	await expect(member).toHaveURL(`/projects/${sharedId}`);
	await expect(member.getByText('Annotator', { exact: true }).first()).toBeVisible();

	// The link is used up.
	const again = await freshBrowser(browser);
	const late = await again.newPage();
	await late.goto(link);
	await expect(late.getByRole('heading', { name: 'You are invited' })).toHaveCount(0);
	await again.close();

	await signOut(member, annotator);
	await signIn(member, annotator);
	await expect(member).toHaveURL('/projects');
	await expect(member.getByRole('link', { name: shared })).toBeVisible();
	await expect(member.getByRole('link', { name: hidden })).toHaveCount(0);

	await expectNoAdminControls(member, sharedId);
	// Annotators stay blind to results: no statistics on the overview.
	await member.goto(`/projects/${sharedId}`);
	await expect(member.getByRole('heading', { name: 'Statistics' })).toHaveCount(0);

	// A project they are not in does not exist for them.
	const response = await member.goto(`/projects/${hiddenId}`);
	expect(response?.status()).toBe(404);
	await expect(member.getByText(hidden)).toHaveCount(0);
	await member.context().close();
});

test('an invited viewer reads results but has no admin controls', async ({ page, browser }) => {
	const link = await createInvitation(page, sharedId, 'viewer');
	const member = await acceptBySigningUp(browser, link, viewer);
	await expect(member).toHaveURL(`/projects/${sharedId}`);
	await expect(member.getByRole('heading', { name: 'Statistics' })).toBeVisible();
	await expectNoAdminControls(member, sharedId);
	expect((await member.goto(`/projects/${hiddenId}/members`))?.status()).toBe(404);
	await member.context().close();

	// The admin sees both new members with their roles.
	await page.goto(`/projects/${sharedId}/members`);
	await expect(page.getByRole('heading', { name: '3 members' })).toBeVisible();
	await expect(page.getByRole('combobox', { name: `Role of ${annotator.name}` })).toHaveValue('annotator');
	await expect(page.getByRole('combobox', { name: `Role of ${viewer.name}` })).toHaveValue('viewer');
});

test('the language switch changes the UI and is remembered for the person', async ({ browser }) => {
	const context = await freshBrowser(browser);
	const page = await context.newPage();
	await signIn(page, annotator);
	await expect(page).toHaveURL('/projects');
	await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();

	await page.waitForLoadState('networkidle'); // the switch submits from a hydrated handler
	// A menu of buttons: the language changes on activation only, never on a single arrow key.
	await chooseLanguage(page, '简体中文');
	await expect(page.getByRole('heading', { level: 1, name: '项目' })).toBeVisible();
	await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
	await expect(page.getByRole('link', { name: shared })).toBeVisible();

	// Same browser: signed out, the sign-in page stays Chinese; signed in again, so does the app.
	await signOut(page, annotator, { menu: `${annotator.name} 的账户菜单`, signOut: '退出登录' });
	await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
	await signIn(page, annotator, { email: '电子邮箱', password: '密码', submit: '登录' });
	await expect(page.getByRole('heading', { level: 1, name: '项目' })).toBeVisible();
	await context.close();

	// Another browser that prefers English: the person's choice wins once they sign in.
	const other = await freshBrowser(browser, { locale: 'en-US' });
	const second = await other.newPage();
	await signIn(second, annotator);
	await expect(second.getByRole('heading', { level: 1, name: '项目' })).toBeVisible();
	await expect(second.getByLabel('简体中文 · 语言')).toBeVisible();

	// Switching back works the same way.
	await second.waitForLoadState('networkidle');
	await chooseLanguage(second, 'English');
	await expect(second.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();
	await other.close();
});
