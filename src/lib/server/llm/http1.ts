/**
 * A small HTTP/1.1 client on raw sockets (node:net, node:tls) with keep-alive, for the LLM client.
 * node:http's ClientRequest/IncomingMessage machinery (header validation, streams, agent events)
 * costs about 0.22 ms of CPU per call, this about 0.07 ms; a judge run makes over a thousand
 * calls a second on a machine whose two cores it shares with PostgreSQL (`npm run bench:judge`).
 *
 * What it does: one request per connection at a time; the request head and body in one write;
 * replies framed by Content-Length, chunked transfer coding, or the end of the connection;
 * interim 1xx replies skipped. A connection goes back to the pool only when its reply was complete,
 * HTTP/1.1 and not `Connection: close`; an idle connection is dropped when the server closes it,
 * and after the server's `Keep-Alive: timeout` less a second (default 4 s), so a reused connection
 * is rarely one the server is about to close. No redirects, proxies or compression (we never ask for it).
 *
 * Failures: an abort rejects with an AbortError and destroys the connection; a connection that
 * fails or closes before the reply is complete rejects with the socket's error or
 * "the connection was closed before the reply ended"; a reply that breaks the framing rejects
 * with "malformed HTTP reply". The caller (client.ts) turns these into its error kinds.
 */
import net from 'node:net';
import tls from 'node:tls';

export interface Http1Reply {
	status: number;
	statusText: string;
	/** Lower-case names; repeated headers joined with ", " (set-cookie: an array), as node:http does. */
	headers: Record<string, string | string[]>;
	/** Null when the reply had no body. */
	body: Buffer | null;
}

export interface Http1Init {
	method: string;
	headers: Record<string, string>;
	body?: string | Uint8Array;
	signal?: AbortSignal;
}

const DEFAULT_IDLE_MS = 4000;
const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
/** A reply head larger than this is refused (node:http's limit is 16 KiB). */
const MAX_HEAD = 64 * 1024;

/** Idle keep-alive connections per origin (`protocol//host:port`). */
const idle = new Map<string, net.Socket[]>();

function abortError(signal: AbortSignal): Error {
	const reason = signal.reason;
	if (reason instanceof Error && reason.name === 'AbortError') return reason;
	return new DOMException('The operation was aborted.', 'AbortError');
}

const defaultPort = (url: URL) => (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

function connect(url: URL): net.Socket {
	const host = url.hostname.replace(/^\[|\]$/g, '');
	const port = defaultPort(url);
	const socket =
		url.protocol === 'https:'
			? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] })
			: net.connect({ host, port });
	socket.setNoDelay(true);
	return socket;
}

/** A pooled connection still open, or null. */
function takeIdle(origin: string): net.Socket | null {
	const list = idle.get(origin);
	while (list && list.length > 0) {
		const socket = list.pop()!;
		(socket as PooledSocket).release?.();
		if (!socket.destroyed && socket.writable && socket.readable) return socket;
		socket.destroy();
	}
	return null;
}

interface PooledSocket extends net.Socket {
	/** Detaches the idle-state listeners and timer. */
	release?: () => void;
}

function putIdle(origin: string, socket: PooledSocket, idleMs: number) {
	let list = idle.get(origin);
	if (!list) idle.set(origin, (list = []));
	const pool = list;
	const drop = () => {
		socket.release?.();
		const i = pool.indexOf(socket);
		if (i >= 0) pool.splice(i, 1);
		socket.destroy();
	};
	const timer = setTimeout(drop, idleMs);
	timer.unref();
	// Anything the server sends while no request is out (or its close) ends the connection.
	socket.on('data', drop);
	socket.on('end', drop);
	socket.on('close', drop);
	socket.on('error', drop);
	socket.release = () => {
		clearTimeout(timer);
		socket.off('data', drop);
		socket.off('end', drop);
		socket.off('close', drop);
		socket.off('error', drop);
		socket.release = undefined;
	};
	socket.unref();
	pool.push(socket);
}

/** The reply being read: the head once parsed, then the body by its framing. */
class ReplyParser {
	private buffer: Buffer = Buffer.alloc(0);
	status = 0;
	statusText = '';
	version = '';
	headers: Record<string, string | string[]> = {};
	private framing: 'length' | 'chunked' | 'close' | 'none' | null = null;
	private remaining = 0;
	private chunks: Buffer[] = [];
	/** Set when the reply is complete; `leftover` says whether bytes followed it. */
	done = false;
	leftover = false;

	constructor(private readonly method: string) {}

	/** Feeds bytes; throws on a malformed reply. */
	push(data: Buffer) {
		this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
		this.advance();
	}

	/** The connection ended: completes a reply framed by the close, else it is cut short. */
	end(): boolean {
		if (this.framing === 'close') {
			if (this.buffer.length > 0) this.chunks.push(this.buffer);
			this.buffer = Buffer.alloc(0);
			this.done = true;
		}
		return this.done;
	}

	get body(): Buffer | null {
		if (this.chunks.length === 0) return null;
		return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
	}

	get reusable(): boolean {
		const connection = String(this.headers.connection ?? '').toLowerCase();
		return (
			this.done &&
			!this.leftover &&
			this.framing !== 'close' &&
			this.version === '1.1' &&
			!connection.split(/\s*,\s*/).includes('close')
		);
	}

	private advance() {
		for (;;) {
			if (this.done) {
				if (this.buffer.length > 0) this.leftover = true;
				return;
			}
			if (this.framing === null) {
				if (!this.parseHead()) return;
				continue;
			}
			if (this.framing === 'none') {
				this.done = true;
				continue;
			}
			if (this.framing === 'close') {
				if (this.buffer.length > 0) this.chunks.push(this.buffer);
				this.buffer = Buffer.alloc(0);
				return;
			}
			if (this.framing === 'length') {
				if (this.buffer.length < this.remaining) {
					if (this.buffer.length > 0) this.chunks.push(this.buffer);
					this.remaining -= this.buffer.length;
					this.buffer = Buffer.alloc(0);
					return;
				}
				if (this.remaining > 0) this.chunks.push(this.buffer.subarray(0, this.remaining));
				this.buffer = this.buffer.subarray(this.remaining);
				this.remaining = 0;
				this.done = true;
				continue;
			}
			// chunked: remaining > 0 while a chunk's data and its CRLF are awaited (taken whole); -1 in the trailers.
			if (this.remaining > 0) {
				if (this.buffer.length < this.remaining) return;
				if (!this.buffer.subarray(this.remaining - 2, this.remaining).equals(CRLF))
					throw new Error('malformed HTTP reply (chunk end)');
				this.chunks.push(this.buffer.subarray(0, this.remaining - 2));
				this.buffer = this.buffer.subarray(this.remaining);
				this.remaining = 0;
				continue;
			}
			const eol = this.buffer.indexOf(CRLF);
			if (eol < 0) {
				if (this.buffer.length > MAX_HEAD) throw new Error('malformed HTTP reply (chunk line)');
				return;
			}
			const line = this.buffer.toString('latin1', 0, eol);
			this.buffer = this.buffer.subarray(eol + 2);
			if (this.remaining === -1) {
				// Trailer lines until an empty one.
				if (line === '') {
					this.remaining = 0;
					this.done = true;
				}
				continue;
			}
			const size = parseInt(line.split(';')[0].trim(), 16);
			if (!Number.isFinite(size) || size < 0 || !/^[0-9a-fA-F]+$/.test(line.split(';')[0].trim()))
				throw new Error('malformed HTTP reply (chunk size)');
			this.remaining = size === 0 ? -1 : size + 2;
		}
	}

	/** Parses a head if complete; a 1xx head is dropped and the next one awaited. */
	private parseHead(): boolean {
		const end = this.buffer.indexOf(HEAD_END);
		if (end < 0) {
			if (this.buffer.length > MAX_HEAD) throw new Error('malformed HTTP reply (head too large)');
			return false;
		}
		const lines = this.buffer.toString('latin1', 0, end).split('\r\n');
		this.buffer = this.buffer.subarray(end + 4);
		const statusLine = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(lines[0]);
		if (!statusLine) throw new Error('malformed HTTP reply (status line)');
		const status = Number(statusLine[2]);
		if (status >= 100 && status < 200 && status !== 101) return true;
		this.version = statusLine[1];
		this.status = status;
		this.statusText = statusLine[3] ?? '';
		const headers: Record<string, string | string[]> = {};
		for (let i = 1; i < lines.length; i++) {
			const colon = lines[i].indexOf(':');
			if (colon <= 0) throw new Error('malformed HTTP reply (header)');
			const name = lines[i].slice(0, colon).trim().toLowerCase();
			const value = lines[i].slice(colon + 1).trim();
			const had = headers[name];
			if (name === 'set-cookie') headers[name] = [...((had as string[] | undefined) ?? []), value];
			else headers[name] = had === undefined ? value : `${had}, ${value}`;
		}
		this.headers = headers;
		const te = String(headers['transfer-encoding'] ?? '').toLowerCase();
		const length = headers['content-length'];
		if (this.method === 'HEAD' || status === 204 || status === 304) this.framing = 'none';
		else if (te) {
			if (!te.split(/\s*,\s*/).includes('chunked')) this.framing = 'close';
			else this.framing = 'chunked';
		} else if (length !== undefined) {
			const n = Number(String(length).split(',')[0].trim());
			if (!Number.isSafeInteger(n) || n < 0) throw new Error('malformed HTTP reply (content-length)');
			this.framing = 'length';
			this.remaining = n;
		} else this.framing = 'close';
		return true;
	}
}

/** The idle time a reply allows its connection: the server's keep-alive timeout less a second. */
function idleMsOf(headers: Record<string, string | string[]>): number {
	const hint = /timeout=(\d+)/i.exec(String(headers['keep-alive'] ?? ''));
	if (!hint) return DEFAULT_IDLE_MS;
	return Math.max(0, Number(hint[1]) * 1000 - 1000);
}

/** One request; resolves with the whole reply. */
export function http1Request(url: URL, init: Http1Init): Promise<Http1Reply> {
	return new Promise((resolve, reject) => {
		const signal = init.signal;
		if (signal?.aborted) return reject(abortError(signal));
		if (url.protocol !== 'http:' && url.protocol !== 'https:')
			return reject(new TypeError(`unsupported protocol ${url.protocol}`));
		const origin = `${url.protocol}//${url.host}`;
		const socket: PooledSocket = takeIdle(origin) ?? connect(url);
		socket.ref();
		const parser = new ReplyParser(init.method);
		let settled = false;
		const cleanup = () => {
			socket.off('data', onData);
			socket.off('end', onEnd);
			socket.off('close', onClose);
			socket.off('error', onError);
			signal?.removeEventListener('abort', onAbort);
		};
		const fail = (error: Error) => {
			if (settled) return;
			settled = true;
			cleanup();
			socket.destroy();
			reject(error);
		};
		const finish = () => {
			settled = true;
			cleanup();
			if (parser.reusable) putIdle(origin, socket, idleMsOf(parser.headers));
			else socket.destroy();
			resolve({ status: parser.status, statusText: parser.statusText, headers: parser.headers, body: parser.body });
		};
		const onData = (data: Buffer) => {
			if (settled) return;
			try {
				parser.push(data);
			} catch (error) {
				return fail(error as Error);
			}
			if (parser.done) finish();
		};
		const onEnd = () => {
			if (settled) return;
			if (parser.end()) finish();
			else fail(new Error('the connection was closed before the reply ended'));
		};
		const onClose = () => onEnd();
		const onError = (error: Error) => fail(error);
		const onAbort = () => fail(abortError(signal!));
		socket.on('data', onData);
		socket.on('end', onEnd);
		socket.on('close', onClose);
		socket.on('error', onError);
		signal?.addEventListener('abort', onAbort, { once: true });

		const body = init.body;
		const length = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
		let head = `${init.method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`;
		for (const [name, value] of Object.entries(init.headers)) {
			if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) return fail(new TypeError(`invalid header ${name}`));
			const lower = name.toLowerCase();
			// Framing and the connection are this client's business.
			if (lower === 'host' || lower === 'connection' || lower === 'transfer-encoding' || lower === 'content-length')
				continue;
			head += `${name}: ${value}\r\n`;
		}
		if (body !== undefined || init.method === 'POST' || init.method === 'PUT' || init.method === 'PATCH')
			head += `content-length: ${length}\r\n`;
		head += 'connection: keep-alive\r\n\r\n';
		// Head and body in one write: one segment, one syscall.
		if (body === undefined || length === 0) socket.write(head);
		else if (typeof body === 'string') socket.write(head + body);
		else socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
	});
}

/** Closes every idle connection (tests; a process exits without it, since idle sockets are unref'd). */
export function closeIdleConnections() {
	for (const list of idle.values()) for (const socket of list.splice(0)) socket.destroy();
}
