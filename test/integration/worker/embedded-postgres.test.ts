/**
 * Embedded PostgreSQL life cycle with real binaries: start, share with a
 * running owner, adopt a server whose owner was SIGKILLed, clean up after a
 * server that died with it, and say which port is taken.
 */
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../../src/lib/server/db/embedded';
import { spawnTs, waitFor, type Child } from './support/child';

const dirs: string[] = [];
const handles: EmbeddedDatabase[] = [];
const children: Child[] = [];

afterAll(async () => {
	for (const c of children) c.kill('SIGTERM');
	await Promise.all(children.map((c) => c.exited));
	for (const h of handles) await h.stop().catch(() => {});
	for (const d of dirs) await stopLeftover(d);
	for (const d of dirs) await rm(d, { recursive: true, force: true });
}, 60_000);

async function tempDataDir(): Promise<string> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'concord-embedded-'));
	await chmod(dir, 0o755);
	dirs.push(dir);
	return dir;
}

async function start(dataDir: string, port?: number): Promise<EmbeddedDatabase> {
	const db = await startEmbeddedPostgres({ dataDir, port });
	handles.push(db);
	return db;
}

function startOwner(dataDir: string, options: { detached?: boolean } = {}): Child {
	const child = spawnTs('test/integration/worker/support/embedded-owner.ts', [dataDir], { via: 'node', ...options });
	children.push(child);
	return child;
}

async function query(url: string, text: string): Promise<unknown[]> {
	const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
	client.on('error', () => {});
	await client.connect();
	try {
		return (await client.query(text)).rows;
	} finally {
		await client.end();
	}
}

const answers = (url: string) =>
	query(url, 'select 1').then(
		() => true,
		() => false
	);
const portOf = (url: string) => new URL(url).port;

async function postmasterPid(dataDir: string): Promise<number | undefined> {
	try {
		return Number((await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
	} catch {
		return undefined;
	}
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Last resort for a failed test: never leave a postmaster behind. */
async function stopLeftover(dataDir: string) {
	const pid = await postmasterPid(dataDir);
	if (pid && isAlive(pid)) {
		process.kill(pid, 'SIGQUIT');
		await waitFor(async () => !isAlive(pid), `postmaster ${pid} to exit`, 10_000).catch(() =>
			process.kill(pid, 'SIGKILL')
		);
	}
}

describe('embedded PostgreSQL', () => {
	it('starts in a fresh directory, is shared by a second start in the same process, and stops cleanly', async () => {
		const dir = await tempDataDir();
		const db = await start(dir);
		expect(db.mode).toBe('started');
		expect(await query(db.url, 'select current_database() as name')).toEqual([{ name: 'concord' }]);
		// Readable by the `postgres` system user when we run as root.
		expect((await stat(dir)).mode & 0o777).toBe(0o755);

		const again = await start(dir);
		expect(again.mode).toBe('shared');
		expect(portOf(again.url)).toBe(portOf(db.url));
		await again.stop();
		expect(await answers(db.url)).toBe(true);

		await db.stop();
		expect(await answers(db.url)).toBe(false);
		expect(await postmasterPid(dir)).toBeUndefined();
	});

	it('a start while another live process owns the server reuses it instead of starting twice', async () => {
		const dir = await tempDataDir();
		const owner = startOwner(dir);
		const ready = await owner.waitForLog('owner ready');
		const pidBefore = await postmasterPid(dir);

		const db = await start(dir);
		expect(db.mode).toBe('shared');
		expect(portOf(db.url)).toBe(portOf(String(ready.url)));
		expect(await postmasterPid(dir)).toBe(pidBefore);
		// Stopping a shared handle leaves the owner's server running.
		await db.stop();
		expect(await answers(db.url)).toBe(true);

		owner.kill('SIGTERM');
		expect(await owner.exited).toBe(0);
		expect(await answers(db.url)).toBe(false);
	});

	it('adopts a server left running by a SIGKILLed owner, keeping its data', async () => {
		const dir = await tempDataDir();
		const owner = startOwner(dir);
		const url = String((await owner.waitForLog('owner ready')).url);
		await query(url, 'create table survivor (x int); insert into survivor values (42)');
		owner.kill('SIGKILL');
		await owner.exited;
		const orphan = await postmasterPid(dir);
		expect(orphan && isAlive(orphan)).toBe(true);

		const db = await start(dir);
		expect(db.mode).toBe('adopted');
		expect(portOf(db.url)).toBe(portOf(url));
		expect(await query(db.url, 'select x from survivor')).toEqual([{ x: 42 }]);

		await db.stop();
		expect(isAlive(orphan!)).toBe(false);
	});

	it('cleans up a stale postmaster.pid whose server died with its owner, then starts', async () => {
		const dir = await tempDataDir();
		const owner = startOwner(dir);
		const url = String((await owner.waitForLog('owner ready')).url);
		await query(url, 'create table survivor (x int); insert into survivor values (7)');
		const postmaster = (await postmasterPid(dir))!;
		owner.kill('SIGKILL');
		process.kill(postmaster, 'SIGKILL');
		await owner.exited;
		await waitFor(async () => !isAlive(postmaster), 'the postmaster to die');
		expect(await postmasterPid(dir)).toBe(postmaster);

		const db = await start(dir);
		expect(db.mode).toBe('started');
		expect(await query(db.url, 'select x from survivor')).toEqual([{ x: 7 }]);
		await db.stop();
	});

	it("keeps serving when a signal hits the owner's whole process group, until the owner stops it", async () => {
		// Ctrl-C in a terminal (and systemd's default stop) signals every process of
		// the group. PostgreSQL must not shut down before the app has drained its jobs.
		const dir = await tempDataDir();
		const owner = startOwner(dir, { detached: true });
		const url = String((await owner.waitForLog('owner ready')).url);
		process.kill(-owner.proc.pid!, 'SIGINT');
		await owner.waitForLog('owner got SIGINT');
		await new Promise((r) => setTimeout(r, 1000));
		expect(await answers(url)).toBe(true);

		owner.kill('SIGTERM');
		expect(await owner.exited).toBe(0);
		expect(await answers(url)).toBe(false);
	});

	it('names the port when CONCORD_PG_PORT is taken', async () => {
		const blocker = net.createServer();
		await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
		const { port } = blocker.address() as net.AddressInfo;
		try {
			const dir = await tempDataDir();
			const error = await startEmbeddedPostgres({ dataDir: dir, port }).then(
				() => undefined,
				(e: unknown) => e
			);
			expect(error).toBeInstanceOf(Error);
			expect((error as Error).message).toContain(`Port ${port} is in use`);
			expect((error as Error).message).toContain('CONCORD_PG_PORT');
		} finally {
			blocker.close();
		}
	});
});
