/**
 * `readOnOneSnapshot` on real PostgreSQL: reads on several connections see one snapshot (a row
 * committed meanwhile is seen by none of them), the settings reach every connection, a pool of
 * one connection runs the reads in turn, and a failing read fails the whole and frees the way
 * for the next.
 */
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { sql } from 'kysely';
import { createDb, createPool, type Db } from '../../src/lib/server/db/client';
import { readOnOneSnapshot, type SnapshotRead } from '../../src/lib/server/db/snapshot-reads';

let db: Db;
let single: Db;
let writer: Db;

beforeAll(async () => {
	db = createDb(createPool(inject('databaseUrl'), 4));
	single = createDb(createPool(inject('databaseUrl'), 1));
	writer = createDb(createPool(inject('databaseUrl'), 1));
	await sql`create table if not exists snapshot_probe (id serial primary key, at timestamptz default now())`.execute(
		writer
	);
});
afterAll(async () => {
	await sql`drop table if exists snapshot_probe`.execute(writer);
	await Promise.all([db.destroy(), single.destroy(), writer.destroy()]);
});

const count: SnapshotRead<number> = async (trx) =>
	Number((await sql<{ n: string }>`select count(*) as n from snapshot_probe`.execute(trx)).rows[0].n);
const backend: SnapshotRead<number> = async (trx) =>
	(await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0].pid;
const setting: SnapshotRead<string> = async (trx) =>
	(await sql<{ v: string }>`select current_setting('work_mem') as v`.execute(trx)).rows[0].v;

describe('readOnOneSnapshot', () => {
	it('runs the reads on separate connections that all see the rows as of the start', async () => {
		const before = await count(writer as never);
		// The first read waits while a row is committed; the later reads start after the commit.
		const slowFirst: SnapshotRead<number> = async (trx) => {
			await sql`insert into snapshot_probe default values`.execute(writer);
			await sql`select pg_sleep(0.2)`.execute(trx);
			return count(trx);
		};
		const late: SnapshotRead<number> = async (trx) => {
			await new Promise((r) => setTimeout(r, 100));
			return count(trx);
		};
		const [a, b, c, pids] = await readOnOneSnapshot(db, [slowFirst, late, late, backend]);
		expect([a, b, c]).toEqual([before, before, before]);
		expect(await count(writer as never)).toBe(before + 1);
		// One connection per lane: as many as reads, the pool (4) and this machine's cores allow.
		const lanes = await readOnOneSnapshot(db, [backend, backend, backend, backend]);
		expect(new Set(lanes).size).toBe(Math.min(4, availableParallelism()));
		expect(typeof pids).toBe('number');
	});

	it('sets the settings on every connection', async () => {
		const values = await readOnOneSnapshot(db, [setting, setting, setting], { settings: { work_mem: '7MB' } });
		expect(values).toEqual(['7MB', '7MB', '7MB']);
		// Local to the reads' transactions.
		expect(await setting(db as never)).not.toBe('7MB');
	});

	it('runs every read in turn on a pool of one connection', async () => {
		const pids = await readOnOneSnapshot(single, [backend, backend, count]);
		expect(pids[0]).toBe(pids[1]);
		expect(typeof pids[2]).toBe('number');
	});

	it('fails as a whole when one read fails, and the next call still runs', async () => {
		const broken: SnapshotRead<number> = async (trx) => {
			await sql`select * from no_such_table`.execute(trx);
			return 0;
		};
		await expect(readOnOneSnapshot(db, [count, broken, count])).rejects.toThrow(/no_such_table/);
		const [n] = await readOnOneSnapshot(db, [count, count]);
		expect(n).toBeGreaterThanOrEqual(0);
	});
});
