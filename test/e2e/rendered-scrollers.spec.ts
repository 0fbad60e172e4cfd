/**
 * A box that scrolls inside a rendered text (here a display formula) takes keyboard focus
 * exactly while it overflows, and follows every change that decides it: the window's width,
 * and the formula's own width changing while its column keeps its size (as when a font
 * arrives late). A formula is never a vertical scroller. Uses the test-only page
 * /__test/markdown (its "ordinary answer" holds the wide formula).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { adminStatePath } from './support/accounts';

test.use({ storageState: adminStatePath });

const formulaBox = (page: Page) => page.locator('[data-case="ordinary answer"] .md-math-block');

async function scrollable(page: Page) {
	const { violations } = await new AxeBuilder({ page }).withRules(['scrollable-region-focusable']).analyze();
	return violations.flatMap((v) => v.nodes.map((n) => n.target.join(' ')));
}

test('a wide formula is a tab stop while, and only while, it scrolls sideways', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.goto('/__test/markdown', { waitUntil: 'networkidle' });
	await expect(page.locator('[data-ready="true"]')).toBeVisible();
	const box = formulaBox(page);
	await expect(box).toHaveCount(1);

	// It fits a desktop column: no tab stop, and none on the answer's table and code block either.
	const fits = await box.evaluate((b) => b.scrollWidth <= b.clientWidth);
	expect(fits).toBe(true);
	await expect(box).not.toHaveAttribute('tabindex');
	const answer = page.locator('[data-case="ordinary answer"] .md-body');
	await expect(answer.locator('table, pre.md-code')).toHaveCount(2);
	await expect(answer.locator('[tabindex]')).toHaveCount(0);

	// On a phone it scrolls sideways, so it takes focus; axe agrees.
	await page.setViewportSize({ width: 390, height: 844 });
	await expect(box).toHaveAttribute('tabindex', '0');
	expect(await box.evaluate((b) => b.scrollWidth - b.clientWidth)).toBeGreaterThan(13);
	expect(await scrollable(page)).toEqual([]);
	await box.focus();
	await page.keyboard.press('ArrowRight');
	await expect.poll(() => box.evaluate((b) => b.scrollLeft)).toBeGreaterThan(0);

	// Back on the desktop the stop goes away again.
	await page.setViewportSize({ width: 1280, height: 800 });
	await expect(box).not.toHaveAttribute('tabindex');

	// The formula widens while its box keeps its size (as when a late font arrives): the box
	// is measured again.
	const size = () => box.evaluate((b) => [b.clientWidth, b.clientHeight]);
	const before = await size();
	await page.addStyleTag({
		content: '[data-case="ordinary answer"] .md-math-block math > * { padding-inline: 40em; }'
	});
	await expect(box).toHaveAttribute('tabindex', '0');
	expect(await size()).toEqual(before);
	expect(await scrollable(page)).toEqual([]);
});

test('a formula is never a vertical scroller and is not cut off', async ({ page }) => {
	await page.goto('/__test/markdown', { waitUntil: 'networkidle' });
	await expect(page.locator('[data-ready="true"]')).toBeVisible();
	// (A formula KaTeX cannot parse is shown as its source, without a math element.)
	const boxes = page.locator('.md-math-block:has(math)');
	expect(await boxes.count()).toBeGreaterThan(0);
	for (const box of await boxes.all()) {
		const m = await box.evaluate((b) => {
			const math = b.querySelector('math')!.getBoundingClientRect();
			const own = b.getBoundingClientRect();
			return { overflowY: getComputedStyle(b).overflowY, top: math.top - own.top, bottom: own.bottom - math.bottom };
		});
		expect(m.overflowY).toBe('hidden');
		// The padding holds the formula's whole height.
		expect(m.top).toBeGreaterThanOrEqual(0);
		expect(m.bottom).toBeGreaterThanOrEqual(0);
	}
});
