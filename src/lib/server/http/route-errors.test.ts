import { isHttpError } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { throwForLoad } from './route-errors';

const url = new URL('http://localhost/projects/p/queues/new');

/** What a load sees when a procedure's input fails validation. */
function invalidInput(schema: z.ZodType, input: unknown): TRPCError {
	const parsed = schema.safeParse(input);
	if (parsed.success) throw new Error('expected the input to be invalid');
	return new TRPCError({ code: 'BAD_REQUEST', message: JSON.stringify(parsed.error.issues), cause: parsed.error });
}

function statusAndMessage(err: unknown): { status: number; message: string } {
	try {
		throwForLoad(err, url);
	} catch (thrown) {
		if (isHttpError(thrown)) return { status: thrown.status, message: thrown.body.message };
		throw thrown;
	}
	throw new Error('throwForLoad returned');
}

describe('throwForLoad', () => {
	it('answers 404 when an id taken from the URL is not an id (e.g. /queues/new)', () => {
		const err = invalidInput(z.object({ projectId: z.string().uuid(), queueId: z.string().uuid() }), {
			projectId: '00000000-0000-4000-8000-000000000000',
			queueId: 'new'
		});
		expect(statusAndMessage(err).status).toBe(404);
	});

	it('names the field of any other invalid input, without the validator JSON', () => {
		const err = invalidInput(z.object({ limit: z.number().int().max(500) }), { limit: 9000 });
		const { status, message } = statusAndMessage(err);
		expect(status).toBe(400);
		expect(message).toMatch(/^limit: /);
		expect(message).not.toContain('"code"');
	});

	it('passes a plain bad request through with its own message', () => {
		const { status, message } = statusAndMessage(new TRPCError({ code: 'BAD_REQUEST', message: 'No such column.' }));
		expect([status, message]).toEqual([400, 'No such column.']);
	});
});
