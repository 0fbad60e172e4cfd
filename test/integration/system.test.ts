import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
	h = await createHarness();
});
afterAll(() => h.close());

describe('schema', () => {
	it('has applied the foundation migration', async () => {
		const row = await h.db
			.selectFrom('kysely_migration' as never)
			.select('name' as never)
			.execute();
		expect(row.map((r) => (r as { name: string }).name)).toContain('0001-foundation');
	});
});
