/**
 * Steps the specs share, written against roles and labels (what a person sees),
 * in English unless a step says otherwise.
 */
import { expect, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';
import { newPerson } from './accounts';

export interface Person {
	name: string;
	email: string;
	password: string;
}

export type Role = 'admin' | 'annotator' | 'viewer';

/**
 * Navigates and waits until the page has hydrated (network quiet): text typed
 * into a server-rendered form before hydration can be reset by it.
 */
export async function open(page: Page, url: string) {
	const response = await page.goto(url);
	await page.waitForLoadState('networkidle');
	return response;
}
const roleLabel: Record<Role, string> = { admin: 'Admin', annotator: 'Annotator', viewer: 'Viewer' };

/** Creates a project from the project list; returns its id (the page is left on its overview). */
export async function createProject(page: Page, name: string): Promise<string> {
	await open(page, '/projects');
	const form = page.getByRole('region', { name: 'New project' });
	await form.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
	await form.getByRole('button', { name: 'Create project' }).click();
	await expect(page).toHaveURL(/\/projects\/[0-9a-f-]{36}$/);
	await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
	return page.url().split('/').pop()!;
}

/** On the members page, creates an invitation link for `role` and returns it (shown once). */
export async function createInvitation(page: Page, projectId: string, role: Role): Promise<string> {
	await open(page, `/projects/${projectId}/members`);
	const invite = page.getByRole('region', { name: 'Invite people' });
	await invite.getByRole('combobox', { name: 'Role' }).selectOption({ label: roleLabel[role] });
	await invite.getByRole('button', { name: 'Create invitation link' }).click();
	const link = invite.getByRole('textbox', { name: 'Invitation link' });
	await expect(link).toHaveValue(/\/invite\/.+/);
	await invite.getByRole('button', { name: 'Copy' }).click();
	await expect(invite.getByText('Copied to the clipboard.')).toBeVisible();
	// What the admin pastes into a message is what the member will open.
	const copied = await page.evaluate(() => navigator.clipboard.readText());
	expect(copied).toBe(await link.inputValue());
	return copied;
}

/**
 * Contexts made with browser.newContext() inherit the test's `use` options,
 * signed-in storageState included: this one starts with no cookies at all.
 */
export const freshBrowser = (browser: Browser, options: BrowserContextOptions = {}) =>
	browser.newContext({ storageState: { cookies: [], origins: [] }, ...options });

/** A new browser (no cookies, English) opens the link and creates an account from it. */
export async function acceptBySigningUp(browser: Browser, link: string, person: Person): Promise<Page> {
	const context = await freshBrowser(browser);
	const page = await context.newPage();
	await open(page, link);
	await expect(page.getByRole('heading', { name: 'You are invited' })).toBeVisible();
	const signUp = page.getByRole('region', { name: 'New to Concord? Create your account' });
	await signUp.getByRole('textbox', { name: 'Display name', exact: true }).fill(person.name);
	await signUp.getByRole('textbox', { name: 'Email', exact: true }).fill(person.email);
	await signUp.getByRole('textbox', { name: 'Password', exact: true }).fill(person.password);
	await signUp.getByRole('button', { name: 'Create account and join' }).click();
	return page;
}

export async function signIn(
	page: Page,
	person: Person,
	labels = { email: 'Email', password: 'Password', submit: 'Sign in' }
) {
	await open(page, '/sign-in');
	await page.getByRole('textbox', { name: labels.email, exact: true }).fill(person.email);
	await page.getByRole('textbox', { name: labels.password, exact: true }).fill(person.password);
	await page.getByRole('main').getByRole('button', { name: labels.submit }).click();
}

/**
 * Through the language menu in the page header. It is a menu of buttons: the language
 * changes on a button only, never on a single arrow key (WCAG 3.2.2).
 */
export async function chooseLanguage(page: Page, name: 'English' | '简体中文') {
	const header = page.getByRole('banner');
	await header
		.locator('summary')
		.filter({ hasText: /^\s*(English|简体中文)\s*$/ })
		.click();
	await header.getByRole('button', { name, exact: true }).click();
	await expect(page.locator('html')).toHaveAttribute('lang', name === 'English' ? 'en' : 'zh-CN');
}

/** Through the account menu; `labels` for a page in another language. */
export async function signOut(
	page: Page,
	person: Person,
	labels = { menu: `${person.name}: account menu`, signOut: 'Sign out' }
) {
	await page.getByLabel(labels.menu).click();
	await page.getByRole('button', { name: labels.signOut }).click();
	await expect(page).toHaveURL(/\/sign-in/);
}

/** An annotator joins the project through an invitation link the admin (`page`) made; returns their page. */
export async function joinAsAnnotator(page: Page, browser: Browser, projectId: string, label: string): Promise<Page> {
	const member = await acceptBySigningUp(
		browser,
		await createInvitation(page, projectId, 'annotator'),
		newPerson(label)
	);
	await expect(member).toHaveURL(new RegExp(projectId));
	return member;
}
