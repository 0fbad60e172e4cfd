/**
 * http1.ts against a raw TCP server that writes exactly the bytes each case needs: the framings
 * (length, chunked cut at awkward places, close), interim replies, connection reuse and its limits,
 * and the failures (reset mid-body, abort, broken framing).
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeIdleConnections, http1Request } from './http1';

type Script = (socket: net.Socket, request: string) => void;

let server: net.Server;
let base: string;
let script: Script = () => {};
let connections = 0;
const requests: string[] = [];

beforeAll(async () => {
	server = net.createServer((socket) => {
		connections++;
		let pending = '';
		socket.on('data', (d) => {
			pending += d.toString('latin1');
			// One request at a time: head, then content-length bytes.
			for (;;) {
				const end = pending.indexOf('\r\n\r\n');
				if (end < 0) return;
				const length = Number(/content-length: (\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
				if (pending.length < end + 4 + length) return;
				const request = pending.slice(0, end + 4 + length);
				pending = pending.slice(end + 4 + length);
				requests.push(request);
				script(socket, request);
			}
		});
		socket.on('error', () => {});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	closeIdleConnections();
	await new Promise((r) => server.close(r));
});

const post = (body = '{"x":1}', signal?: AbortSignal) =>
	http1Request(new URL(`${base}/v1/chat/completions?q=1`), {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
		body,
		signal
	});

/** Writes the pieces with a pause between them, so the client sees them as separate reads. */
async function trickle(socket: net.Socket, pieces: string[]) {
	for (const piece of pieces) {
		socket.write(piece);
		await new Promise((r) => setTimeout(r, 5));
	}
}

describe('http1Request', () => {
	it('sends one well-formed request and reads a Content-Length reply; the connection is reused', async () => {
		closeIdleConnections();
		const before = connections;
		requests.length = 0;
		script = (socket) =>
			socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"a":1}');
		const first = await post('{"é":1}');
		const second = await post();
		expect(first.status).toBe(200);
		expect(first.statusText).toBe('OK');
		expect(first.headers['content-type']).toBe('application/json');
		expect(first.body?.toString()).toBe('{"a":1}');
		expect(second.body?.toString()).toBe('{"a":1}');
		expect(connections - before).toBe(1);
		expect(requests[0]).toMatch(/^POST \/v1\/chat\/completions\?q=1 HTTP\/1\.1\r\nhost: 127\.0\.0\.1:\d+\r\n/);
		// The byte length, not the character count.
		expect(requests[0]).toContain('content-length: 8\r\n');
		expect(requests[0].endsWith('\r\n\r\n{"Ã©":1}')).toBe(true);
	});

	it('reads chunked replies cut anywhere, with extensions and trailers, after an interim 100', async () => {
		script = (socket) =>
			void trickle(socket, [
				'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n',
				'4;ext=1\r\nab',
				'cd\r',
				'\n3\r\nefg\r\n0\r\nX-Trailer: t\r\n',
				'\r\n'
			]);
		const reply = await post();
		expect(reply.status).toBe(201);
		expect(reply.body?.toString()).toBe('abcdefg');
		expect(reply.headers['set-cookie']).toEqual(['a=1', 'b=2']);
	});

	it('reads a reply framed by the end of the connection, and does not reuse that connection', async () => {
		closeIdleConnections();
		const before = connections;
		script = (socket) => {
			socket.write('HTTP/1.1 200 OK\r\n\r\npart one, ');
			setTimeout(() => socket.end('part two'), 5);
		};
		expect((await post()).body?.toString()).toBe('part one, part two');
		script = (socket) => socket.end('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n');
		expect((await post()).body).toBeNull();
		expect(connections - before).toBe(2);
	});

	it('drops an idle connection the server closed, and opens a new one', async () => {
		closeIdleConnections();
		const before = connections;
		let n = 0;
		script = (socket) => {
			socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
			if (++n === 1) setTimeout(() => socket.end(), 5);
		};
		await post();
		await new Promise((r) => setTimeout(r, 30));
		expect((await post()).body?.toString()).toBe('ok');
		expect(connections - before).toBe(2);
	});

	it('rejects a reset mid-body, a broken framing and a garbage status line', async () => {
		script = (socket) => {
			socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort');
			setTimeout(() => socket.destroy(), 5);
		};
		await expect(post()).rejects.toThrow(/closed before the reply ended|ECONNRESET/);
		script = (socket) => socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n');
		await expect(post()).rejects.toThrow(/malformed HTTP reply/);
		script = (socket) => socket.write('SSH-2.0-OpenSSH\r\n\r\n');
		await expect(post()).rejects.toThrow(/malformed HTTP reply/);
	});

	it('aborts a hanging request with an AbortError and does not pool its connection', async () => {
		script = () => {};
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 20);
		const error = await post('{}', controller.signal).catch((e: Error) => e);
		expect((error as Error).name).toBe('AbortError');
		const before = connections;
		script = (socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
		expect((await post()).body?.toString()).toBe('ok');
		// The aborted connection was destroyed: this one came from the pool only if it was clean.
		expect(connections - before).toBeLessThanOrEqual(1);
	});

	it('refuses a connection that is refused', async () => {
		const closed = net.createServer();
		await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((r) => closed.close(r));
		await expect(http1Request(new URL(`http://127.0.0.1:${port}/`), { method: 'GET', headers: {} })).rejects.toThrow(
			/ECONNREFUSED/
		);
	});
});
