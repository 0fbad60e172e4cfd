/**
 * The public samples in `../shared/data` (beside the checkout; see its README
 * for sources and licences). A fresh clone elsewhere has no such folder, so the
 * tests that read it skip with a printed reason; under `CI=true` the folder must
 * be there, and its absence fails the test file instead of hiding a gap.
 *
 * `CONCORD_SHARED_DATA` points at another folder (used to check the skip and the
 * CI failure without moving the real data).
 *
 *   describe.skipIf(!hasSharedData('llmbar-natural'))('LLMBar', () => { … sharedData('llmbar-natural/dataset.json') … });
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const SHARED_DATA_DIR = path.resolve(
	process.env.CONCORD_SHARED_DATA ?? path.join(process.cwd(), '../shared/data')
);

export const sharedData = (...parts: string[]): string => path.join(SHARED_DATA_DIR, ...parts);

const inCi = () => !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

/**
 * True when every named folder (relative to the data root) exists. Otherwise
 * prints why the tests are skipped and returns false, or throws under CI.
 */
export function hasSharedData(...folders: string[]): boolean {
	const missing = folders.map((f) => sharedData(f)).filter((dir) => !existsSync(dir));
	if (missing.length === 0) return true;
	const reason = `shared data not found: ${missing.join(', ')} (expected ../shared/data beside the checkout, or CONCORD_SHARED_DATA)`;
	if (inCi()) throw new Error(`${reason}; CI=true requires it`);
	console.warn(`skipped: ${reason}`);
	return false;
}
