/**
 * Read-only statements run side by side on several connections, all on ONE snapshot of the
 * database. PostgreSQL runs a statement on one core, so a page whose inputs take several heavy
 * statements (the agreement page: bench:agreement) waits for their sum on one connection. Here
 * the first connection opens a repeatable-read transaction and exports its snapshot
 * (`pg_export_snapshot`); the others import it (`SET TRANSACTION SNAPSHOT`), as pg_dump's parallel
 * workers do, so every statement sees the same rows, as if they had run in one transaction.
 *
 * Lanes: at most one per core of this machine (where the database usually runs too: the embedded
 * one always does), as more statements at once than cores only share them; and each lane is a
 * connection whose backend, when new, first loads its catalog caches.
 *
 * Deadlock: a read holds its first connection while it waits for the others. Two such reads in
 * one process, each holding part of a full pool while waiting for more, would wait forever; so
 * these reads run one at a time per process, and never use more connections than the pool has.
 */
import { availableParallelism } from 'node:os';
import { sql, type Transaction } from 'kysely';
import { poolSize, type Db } from './client';
import type { Database } from './schema';

export type SnapshotRead<T> = (trx: Transaction<Database>) => Promise<T>;

export interface SnapshotReadOptions {
	/** Settings for every transaction (`set_config(name, value, true)`), e.g. { jit: 'off' }. */
	settings?: Record<string, string>;
}

let tail: Promise<unknown> = Promise.resolve();

/** Runs `task` after every earlier task of this process has settled. */
function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
	const run = tail.then(task, task);
	tail = run.catch(() => undefined);
	return run;
}

async function applySettings(trx: Transaction<Database>, settings: Record<string, string>) {
	const entries = Object.entries(settings);
	if (entries.length === 0) return;
	await sql`select ${sql.join(entries.map(([name, value]) => sql`set_config(${name}, ${value}, true)`))}`.execute(trx);
}

/**
 * The results of `reads`, in order, each run on a snapshot shared by all of them. Reads are dealt
 * round-robin over up to `reads.length` connections (fewer when the pool or the machine's cores
 * are fewer); the reads of one connection run in turn, so list the longest first.
 */
export function readOnOneSnapshot<T extends unknown[]>(
	db: Db,
	reads: { [K in keyof T]: SnapshotRead<T[K]> },
	{ settings = {} }: SnapshotReadOptions = {}
): Promise<T> {
	const lanes = Math.max(1, Math.min(reads.length, poolSize(db), availableParallelism()));
	const results: unknown[] = new Array(reads.length);
	const runLane = async (trx: Transaction<Database>, lane: number) => {
		await applySettings(trx, settings);
		for (let i = lane; i < reads.length; i += lanes) results[i] = await reads[i](trx);
	};
	const readOnly = () => db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only');
	return oneAtATime(() =>
		readOnly().execute(async (lead) => {
			if (lanes > 1) {
				const { rows } = await sql<{ snapshot: string }>`select pg_export_snapshot() as snapshot`.execute(lead);
				const snapshot = rows[0].snapshot;
				const others = Array.from({ length: lanes - 1 }, (_, i) =>
					readOnly().execute(async (trx) => {
						// Must be the transaction's first statement.
						await sql`set transaction snapshot ${sql.lit(snapshot)}`.execute(trx);
						await runLane(trx, i + 1);
					})
				);
				// The snapshot can be imported only while this transaction is open: it stays open
				// until every other lane has finished (and so has imported it or failed).
				const settled = await Promise.allSettled([runLane(lead, 0), ...others]);
				const failed = settled.find((s) => s.status === 'rejected');
				if (failed) throw failed.reason;
			} else await runLane(lead, 0);
			return results as T;
		})
	);
}
