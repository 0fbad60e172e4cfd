/**
 * The one way to run work that needs a DEDICATED connection: a transaction that
 * mixes bulk COPY with typed queries (imports today, judge runs later). A pooled
 * Kysely transaction can't do it: COPY needs the raw pg client, and the typed
 * repositories must run on that same client to see the rows COPY just wrote.
 *
 * `withDedicatedTransaction(pool, fn)` checks a client out, BEGINs, hands `fn`
 * a `DedicatedTx` and COMMITs when `fn` returns. If `fn` throws, any COPY still
 * open is aborted, the transaction is rolled back and the error rethrown. A
 * client whose ROLLBACK failed is destroyed, never returned to the pool.
 */
import type pg from 'pg';
import type { Db } from '../client';
import { dbOnClient } from './client-db';
import { CopyBuffer } from './copy-buffer';
import { copyFrom, type CopyWriter } from './copy-from';

/** A COPY … FROM STDIN in progress: rows are appended as COPY text and sent in ~1 MiB messages. */
export interface BulkCopy {
	/** Appends COPY text (one or more complete rows ending in `\n`). */
	add(text: string): Promise<void>;
	/** Sends what is buffered and finishes the COPY; resolves with the number of rows loaded. */
	end(): Promise<number>;
}

export interface DedicatedTx {
	/** The raw client, for the bulk repositories (set-based SQL over temp tables). */
	readonly client: pg.PoolClient;
	/** Kysely bound to the same client, for the typed repositories. */
	readonly db: Db;
	/** Starts `COPY … FROM STDIN` (text format); at most one at a time, as on any connection. */
	copyIn(copySql: string): Promise<BulkCopy>;
}

export async function withDedicatedTransaction<T>(pool: pg.Pool, fn: (tx: DedicatedTx) => Promise<T>): Promise<T> {
	const client = await pool.connect();
	let open: CopyWriter | null = null;
	let broken = false;
	const tx: DedicatedTx = {
		client,
		db: dbOnClient(client),
		async copyIn(copySql) {
			if (open) throw new Error('a COPY is already in progress on this transaction');
			const writer = await copyFrom(client, copySql);
			open = writer;
			const buffer = new CopyBuffer(writer);
			return {
				add: (text) => buffer.add(text),
				async end() {
					await buffer.flush();
					open = null;
					return writer.end();
				}
			};
		}
	};
	try {
		await client.query('begin');
		const result = await fn(tx);
		await client.query('commit');
		return result;
	} catch (error) {
		const copy = open as CopyWriter | null;
		if (copy) await copy.abort('transaction aborted').catch(() => {});
		await client.query('rollback').catch(() => {
			broken = true;
		});
		throw error;
	} finally {
		client.release(broken);
	}
}
