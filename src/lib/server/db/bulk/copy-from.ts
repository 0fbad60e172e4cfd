/**
 * `COPY … FROM STDIN` on a node-postgres client without an extra package.
 * node-postgres accepts any "submittable" object in `client.query()`: it calls
 * `submit(connection)` when the query's turn comes and forwards protocol messages
 * to `handle*` methods. After CopyInResponse we own the socket until CopyDone,
 * writing CopyData messages with backpressure from the socket.
 */
import type pg from 'pg';

interface PgConnection {
	query(text: string): void;
	sendCopyFromChunk(chunk: Buffer): void;
	endCopyFrom(): void;
	sendCopyFail(message: string): void;
	stream: NodeJS.WritableStream & { writableNeedDrain?: boolean };
}

class CopyFromQuery {
	private connection: PgConnection | null = null;
	private error: Error | null = null;
	rowCount = 0;
	readonly ready: Promise<void>;
	readonly done: Promise<number>;
	private resolveReady!: () => void;
	private rejectReady!: (e: Error) => void;
	private resolveDone!: (n: number) => void;
	private rejectDone!: (e: Error) => void;

	constructor(readonly text: string) {
		this.ready = new Promise((res, rej) => {
			this.resolveReady = res;
			this.rejectReady = rej;
		});
		this.done = new Promise((res, rej) => {
			this.resolveDone = res;
			this.rejectDone = rej;
		});
		// Either promise may settle with nobody listening yet.
		this.ready.catch(() => {});
		this.done.catch(() => {});
	}

	submit(connection: PgConnection): void {
		connection.query(this.text);
	}

	handleCopyInResponse(connection: PgConnection): void {
		this.connection = connection;
		this.resolveReady();
	}

	handleCommandComplete(msg: { text?: string }): void {
		const m = /^COPY (\d+)/.exec(msg.text ?? '');
		if (m) this.rowCount = Number(m[1]);
	}

	// node-postgres drops the active query on ErrorResponse, so the ReadyForQuery that
	// follows never reaches us: settle both promises here.
	handleError(error: Error): void {
		this.error = error;
		this.rejectReady(error);
		this.rejectDone(error);
	}

	handleReadyForQuery(): void {
		if (this.error) this.rejectDone(this.error);
		else this.resolveDone(this.rowCount);
	}

	// Not used by COPY FROM, but node-postgres may call them on any active query.
	handleRowDescription(): void {}
	handleDataRow(): void {}
	handlePortalSuspended(): void {}
	handleEmptyQuery(): void {}
	handleCopyData(): void {}

	get failed(): Error | null {
		return this.error;
	}

	get conn(): PgConnection {
		if (!this.connection) throw new Error('COPY is not ready');
		return this.connection;
	}
}

export interface CopyWriter {
	/** Sends one buffer; resolves when the socket can take more. */
	write(data: Buffer): Promise<void>;
	/** Finishes the COPY; resolves with the number of rows loaded. */
	end(): Promise<number>;
	/** Aborts the COPY (the surrounding transaction is then in error and must roll back). */
	abort(reason: string): Promise<void>;
}

export async function copyFrom(client: pg.ClientBase, text: string): Promise<CopyWriter> {
	const q = new CopyFromQuery(text);
	client.query(q as unknown as pg.QueryConfig);
	await q.ready;
	return {
		async write(data) {
			if (q.failed) throw q.failed;
			const c = q.conn;
			c.sendCopyFromChunk(data);
			if (c.stream.writableNeedDrain) {
				await new Promise<void>((resolve) => {
					const done = () => {
						c.stream.removeListener('drain', done);
						c.stream.removeListener('close', done);
						resolve();
					};
					c.stream.once('drain', done);
					c.stream.once('close', done);
				});
			}
		},
		async end() {
			if (!q.failed) q.conn.endCopyFrom();
			return q.done;
		},
		async abort(reason) {
			if (!q.failed) q.conn.sendCopyFail(reason);
			await q.done.catch(() => {});
		}
	};
}

/** COPY text format: backslash, newline, carriage return and tab are escaped; NULL is \N. */
export function copyText(value: string | null | undefined): string {
	if (value === null || value === undefined) return '\\N';
	return /[\\\n\r\t]/.test(value) ? value.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c]) : value;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A text[] literal for COPY: each element double-quoted with \ and " escaped, then COPY-escaped. */
export function copyTextArray(values: readonly string[]): string {
	return copyText(`{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`);
}
