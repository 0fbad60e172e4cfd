/**
 * COPY … TO STDOUT read as a stream on a node-postgres client.
 * - `copyOutBytea`: `COPY (select bytea) TO STDOUT (FORMAT binary)` as an async iterator of the
 *   column's values. Reading uploaded chunks this way gets raw bytes — a plain SELECT returns
 *   bytea as a hex string twice the size, which for a 1 GB upload is 2 GB of short-lived strings.
 * - `copyOutCsv`: `COPY (select …) TO STDOUT (FORMAT csv)` on a dedicated connection, as ~64 KiB
 *   chunks of CSV text with CRLF line ends (the big CSV exports).
 * Backpressure: node-postgres reads the socket as fast as data comes, so the
 * socket is paused while more than a few chunks wait to be consumed.
 */
import type pg from 'pg';

interface PgConnection {
	query(text: string): void;
	stream: NodeJS.ReadableStream;
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const MAX_QUEUED = 4;

class CopyToQuery {
	readonly queue: Buffer[] = [];
	connection: PgConnection | null = null;
	error: Error | null = null;
	ended = false;
	private wake: (() => void) | null = null;

	constructor(readonly text: string) {}

	submit(connection: PgConnection): void {
		this.connection = connection;
		connection.query(this.text);
	}

	handleCopyData(msg: { chunk: Buffer }): void {
		// The parser reuses its buffer: copy the message out before the next read.
		this.queue.push(Buffer.from(msg.chunk));
		if (this.queue.length >= MAX_QUEUED) this.connection?.stream.pause();
		this.notify();
	}

	handleError(error: Error): void {
		this.error = error;
		this.connection?.stream.resume();
		this.notify();
	}

	handleReadyForQuery(): void {
		this.ended = true;
		this.notify();
	}

	handleCommandComplete(): void {}
	handleRowDescription(): void {}
	handleDataRow(): void {}
	handlePortalSuspended(): void {}
	handleEmptyQuery(): void {}
	handleCopyInResponse(): void {}

	notify(): void {
		const w = this.wake;
		this.wake = null;
		w?.();
	}

	waitForData(): Promise<void> {
		return new Promise((resolve) => {
			this.wake = resolve;
		});
	}
}

/** Runs `q` on `client` and yields what it queues, resuming the paused socket as the queue drains; ends when the COPY has. */
async function* drain(client: pg.ClientBase, q: CopyToQuery): AsyncGenerator<Buffer> {
	client.query(q as unknown as pg.QueryConfig);
	try {
		for (;;) {
			const next = q.queue.shift();
			if (next) {
				if (q.queue.length < MAX_QUEUED) q.connection?.stream.resume();
				yield next;
				continue;
			}
			if (q.error) throw q.error;
			if (q.ended) return;
			await q.waitForData();
		}
	} finally {
		q.connection?.stream.resume();
	}
}

/** Raw CopyData messages of a COPY … TO STDOUT, with backpressure (also bench:export's baseline). */
export function copyOutMessages(client: pg.ClientBase, text: string): AsyncGenerator<Buffer> {
	return drain(client, new CopyToQuery(text));
}

/**
 * The values of a single bytea column, streamed. `select` must return exactly one
 * bytea column; rows arrive in the select's order. Parses PostgreSQL's binary COPY
 * format: signature, flags, header extension, then per row int16 field count,
 * int32 length and the bytes; a field count of -1 ends the data.
 */
export async function* copyOutBytea(client: pg.ClientBase, select: string): AsyncGenerator<Buffer> {
	let pending: Buffer = Buffer.alloc(0);
	let headerDone = false;
	for await (const msg of copyOutMessages(client, `copy (${select}) to stdout (format binary)`)) {
		pending = pending.byteLength === 0 ? msg : Buffer.concat([pending, msg]);
		let off = 0;
		if (!headerDone) {
			if (pending.byteLength < 19) continue;
			if (!pending.subarray(0, 11).equals(SIGNATURE)) throw new Error('unexpected COPY binary header');
			off = 19 + pending.readInt32BE(15);
			headerDone = true;
		}
		for (;;) {
			if (pending.byteLength - off < 2) break;
			const fields = pending.readInt16BE(off);
			if (fields === -1) {
				off += 2;
				continue;
			}
			if (fields !== 1) throw new Error(`expected one column, got ${fields}`);
			if (pending.byteLength - off < 6) break;
			const len = pending.readInt32BE(off + 2);
			if (len === -1) {
				off += 6;
				continue;
			}
			if (pending.byteLength - off < 6 + len) break;
			yield pending.subarray(off + 6, off + 6 + len);
			off += 6 + len;
		}
		pending = pending.subarray(off);
	}
}

const CHUNK = 64 * 1024;
const LF = 10;
const CR = 13;

/**
 * A COPY … TO STDOUT (FORMAT csv) gathered into chunks of about 64 KiB with CRLF line ends
 * (RFC 4180). PostgreSQL sends exactly one CopyData message per row (protocol docs, "Copy-out
 * mode"), ending in its line end (LF except on Windows), so the record end is always a
 * message's last byte: a line break inside a quoted field is never the last byte and stays
 * as it is. Rows are copied straight into the chunk (no Buffer per row).
 */
class CsvCopyToQuery extends CopyToQuery {
	private chunk = Buffer.allocUnsafe(CHUNK);
	private used = 0;

	override handleCopyData(msg: { chunk: Buffer }): void {
		const row = msg.chunk;
		const n = row.byteLength;
		const bare = n > 0 && row[n - 1] === LF && (n < 2 || row[n - 2] !== CR);
		const need = n + (bare ? 1 : 0);
		if (this.used + need > this.chunk.byteLength) this.flush(need);
		if (bare) {
			row.copy(this.chunk, this.used, 0, n - 1);
			this.chunk[this.used + n - 1] = CR;
			this.chunk[this.used + n] = LF;
		} else row.copy(this.chunk, this.used);
		this.used += need;
	}

	override handleReadyForQuery(): void {
		this.flush(0);
		super.handleReadyForQuery();
	}

	/** Hands the filled part on and starts a chunk big enough for `next` bytes. */
	private flush(next: number): void {
		if (this.used > 0) {
			this.queue.push(this.chunk.subarray(0, this.used));
			if (this.queue.length >= MAX_QUEUED) this.connection?.stream.pause();
			this.notify();
		}
		this.chunk = Buffer.allocUnsafe(Math.max(CHUNK, next));
		this.used = 0;
	}
}

/**
 * `COPY (select …) TO STDOUT (FORMAT csv …)` on a DEDICATED connection of `pool`, as chunks of
 * CSV text with CRLF line ends, with backpressure: the socket is paused while four chunks wait,
 * so a slow reader slows PostgreSQL instead of filling memory. The connection goes back to the
 * pool when the COPY has ended; a consumer that stops early (the HTTP client went away) or an
 * error destroys it instead, which ends the COPY on the server (its next write fails), since a
 * connection in the middle of a COPY can't be reused.
 */
export async function* copyOutCsv(pool: pg.Pool, copySql: string): AsyncGenerator<Buffer> {
	const client = await pool.connect();
	let clean = false;
	try {
		yield* drain(client, new CsvCopyToQuery(copySql));
		clean = true;
	} finally {
		// After an error or an early stop the connection is destroyed (simplest safe state; rare).
		client.release(clean ? undefined : new Error('COPY abandoned'));
	}
}
