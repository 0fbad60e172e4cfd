import { expect, test, type Page } from '@playwright/test';

/**
 * At 390 px (a phone) the page does not scroll sideways; a full-page screenshot `<name>-390.png`
 * is kept with the results. The viewport is put back afterwards.
 */
export async function narrow(page: Page, name: string) {
	const size = page.viewportSize();
	await page.setViewportSize({ width: 390, height: 844 });
	expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at 390 px`).toBeLessThanOrEqual(390);
	await page.screenshot({ path: test.info().outputPath(`${name}-390.png`), fullPage: true });
	if (size) await page.setViewportSize(size);
}
