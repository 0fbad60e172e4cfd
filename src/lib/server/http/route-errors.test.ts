import { isHttpError, isRedirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../errors';
import { failAction, throwForLoad } from './route-errors';

const url = new URL('http://concord.test/projects/p1?tab=x');

/** What a load sees when a procedure's input fails validation. */
function invalidInput(schema: z.ZodType, input: unknown): TRPCError {
	const parsed = schema.safeParse(input);
	if (parsed.success) throw new Error('expected the input to be invalid');
	return new TRPCError({ code: 'BAD_REQUEST', message: JSON.stringify(parsed.error.issues), cause: parsed.error });
}

function caught(run: () => unknown): unknown {
	try {
		run();
	} catch (error) {
		return error;
	}
	throw new Error('expected a throw');
}

describe('throwForLoad', () => {
	it('sends signed-out callers to sign-in with a way back', () => {
		const err = caught(() => throwForLoad(new TRPCError({ code: 'UNAUTHORIZED' }), url));
		expect(isRedirect(err) && err.location).toBe('/sign-in?redirectTo=%2Fprojects%2Fp1%3Ftab%3Dx');
	});

	it('maps NOT_FOUND and FORBIDDEN to 404 and 403, and rethrows unknown errors', () => {
		const notFound = caught(() => throwForLoad(new TRPCError({ code: 'NOT_FOUND' }), url));
		expect(isHttpError(notFound) && notFound.status).toBe(404);
		const forbidden = caught(() => throwForLoad(new TRPCError({ code: 'FORBIDDEN' }), url));
		expect(isHttpError(forbidden) && forbidden.status).toBe(403);
		const boom = new Error('boom');
		expect(caught(() => throwForLoad(boom, url))).toBe(boom);
	});

	it('answers 404 when an id taken from the URL is not an id (e.g. /queues/new)', () => {
		const err = invalidInput(z.object({ projectId: z.string().uuid(), queueId: z.string().uuid() }), {
			projectId: '00000000-0000-4000-8000-000000000000',
			queueId: 'new'
		});
		const thrown = caught(() => throwForLoad(err, url));
		expect(isHttpError(thrown) && thrown.status).toBe(404);
	});

	it('names the field of any other invalid input, without the validator JSON', () => {
		const thrown = caught(() =>
			throwForLoad(invalidInput(z.object({ limit: z.number().int().max(500) }), { limit: 9000 }), url)
		);
		expect(isHttpError(thrown) && thrown.status).toBe(400);
		const message = isHttpError(thrown) ? thrown.body.message : '';
		expect(message).toMatch(/^limit: /);
		expect(message).not.toContain('"code"');
	});

	it('passes a plain bad request through with its own message', () => {
		const thrown = caught(() => throwForLoad(new TRPCError({ code: 'BAD_REQUEST', message: 'No such column.' }), url));
		expect(isHttpError(thrown) && [thrown.status, thrown.body.message]).toEqual([400, 'No such column.']);
	});
});

describe('failAction', () => {
	it('turns validation issues into per-field messages', () => {
		const schema = z.object({ name: z.string().trim().min(1), description: z.string().max(3) });
		const parsed = schema.safeParse({ name: ' ', description: 'long' });
		const result = failAction(new TRPCError({ code: 'BAD_REQUEST', cause: parsed.error }), {
			form: 'create',
			values: { name: ' ' }
		});
		expect(result.status).toBe(400);
		expect(result.data).toMatchObject({
			form: 'create',
			values: { name: ' ' },
			fieldErrors: { name: 'This field is required.', description: 'At most 3 characters.' }
		});
	});

	it("prefers the page's wording for a service reason", () => {
		const cause = new AppError('CONFLICT', 'server words', { reason: 'last_admin' });
		const result = failAction(new TRPCError({ code: 'CONFLICT', message: cause.message, cause }), {
			messages: { last_admin: 'page words' }
		});
		expect(result.status).toBe(409);
		expect(result.data).toMatchObject({ message: 'page words', reason: 'last_admin' });
	});

	it('rethrows server errors instead of showing them as form messages', () => {
		const err = new TRPCError({ code: 'INTERNAL_SERVER_ERROR' });
		expect(caught(() => failAction(err))).toBe(err);
	});
});
