import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { describe, expect, it } from 'vitest';
import { appErrorMapping } from './errors';

describe('appErrorMapping', () => {
	it('gives every code the HTTP status tRPC answers for its tRPC code, so endpoints and procedures agree', () => {
		for (const [code, { trpc, http }] of Object.entries(appErrorMapping)) {
			expect(getHTTPStatusCodeFromError(new TRPCError({ code: trpc })), code).toBe(http);
		}
	});
});
