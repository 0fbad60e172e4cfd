import { describe, expect, it } from 'vitest';
import type { RequestEvent } from '@sveltejs/kit';
import { createBodyLimitHandle, isUploadRoute, limitStream } from './body-limit';

function event(url: string, init: RequestInit): RequestEvent {
	const request = new Request(url, init);
	return { request, url: new URL(url) } as unknown as RequestEvent;
}

const echo = async (e: RequestEvent) => new Response(await e.request.text());

function chunked(bytes: number): ReadableStream<Uint8Array> {
	let sent = 0;
	return new ReadableStream({
		pull(controller) {
			if (sent >= bytes) return controller.close();
			const n = Math.min(1000, bytes - sent);
			sent += n;
			controller.enqueue(new Uint8Array(n).fill(97));
		}
	});
}

describe('body limit', () => {
	const handle = createBodyLimitHandle(5000);

	it('refuses a declared body over the limit with 413 before reading it', async () => {
		const res = await handle({
			event: event('http://x/api/trpc/projects.create', {
				method: 'POST',
				body: 'a'.repeat(5001),
				headers: { 'content-length': '5001' }
			}),
			resolve: echo as never
		});
		expect(res.status).toBe(413);
		expect(await res.text()).toContain('5000 bytes');
		expect(res.headers.get('connection')).toBe('close');
	});

	it('passes bodies within the limit untouched', async () => {
		const res = await handle({
			event: event('http://x/sign-in', { method: 'POST', body: 'email=a' }),
			resolve: echo as never
		});
		expect(await res.text()).toBe('email=a');
	});

	it('cuts off a chunked body once it passes the limit', async () => {
		await expect(new Response(limitStream(chunked(6000), 5000)).text()).rejects.toThrow(/exceeds 5000 bytes/);
		await expect(new Response(limitStream(chunked(5000), 5000)).text()).resolves.toHaveLength(5000);
	});

	it('leaves the dataset upload endpoint to its own streaming limit', async () => {
		expect(isUploadRoute('/api/projects/0b8a1c9e-0000-4000-8000-000000000000/imports')).toBe(true);
		expect(isUploadRoute('/api/projects/x/imports/extra')).toBe(false);
		const res = await handle({
			event: event('http://x/api/projects/p/imports', {
				method: 'POST',
				body: 'a'.repeat(6000),
				headers: { 'content-length': '6000' }
			}),
			resolve: echo as never
		});
		expect((await res.text()).length).toBe(6000);
	});
});
