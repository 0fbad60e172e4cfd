import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallerFactory, type Context } from '../../../src/lib/server/trpc/init';
import { appRouter } from '../../../src/lib/server/trpc/router';
import { createHarness, type Harness } from '../support/harness';
import { makeUser } from './factories';

let h: Harness;
beforeAll(async () => {
	h = await createHarness();
});
afterAll(() => h.close());

describe('account router', () => {
	it('returns the signed-in user and refuses anonymous callers', async () => {
		const user = await makeUser(h.db, { name: 'Ada' });
		await expect(h.caller(user).account.me()).resolves.toMatchObject({
			id: user.id,
			email: user.email,
			displayName: 'Ada',
			locale: null
		});
		await expect(h.caller().account.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
	});

	it('stores the locale per user and sets the Paraglide cookie readable by the browser runtime', async () => {
		const user = await makeUser(h.db);
		const cookies: { name: string; value: string; opts: Record<string, unknown> }[] = [];
		const ctx: Context = {
			db: h.db,
			queue: h.queue,
			user,
			session: { id: 's', createdAt: new Date(), lastVerifiedAt: new Date() },
			request: {
				clientAddress: '127.0.0.1',
				userAgent: null,
				setCookie: (name, value, opts) => cookies.push({ name, value, opts })
			}
		};
		const caller = createCallerFactory(appRouter)(ctx);
		await expect(caller.account.setLocale({ locale: 'zh-CN' })).resolves.toEqual({ locale: 'zh-CN' });
		expect(cookies).toEqual([
			{ name: 'PARAGLIDE_LOCALE', value: 'zh-CN', opts: expect.objectContaining({ path: '/', httpOnly: false }) }
		]);
		await expect(caller.account.me()).resolves.toMatchObject({ locale: 'zh-CN' });
		await expect(caller.account.setLocale({ locale: 'fr' as 'en' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
	});

	it('updates the display name after trimming, and rejects an empty one', async () => {
		const user = await makeUser(h.db);
		await h.caller(user).account.updateProfile({ displayName: '  Grace  ' });
		await expect(h.caller(user).account.me()).resolves.toMatchObject({ displayName: 'Grace' });
		await expect(h.caller(user).account.updateProfile({ displayName: ' ' })).rejects.toMatchObject({
			code: 'BAD_REQUEST'
		});
	});
});
