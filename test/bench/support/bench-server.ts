/**
 * What the HTTP benches share: command-line options, progress lines on stderr, a fresh database
 * on the PostgreSQL server (migrated by the caller, dropped afterwards unless --keep), the app
 * built into the benches' own folder, and the BUILT server started on that database
 * (NODE_ENV=production, as in playwright.config.ts) and stopped again.
 *
 * One build folder for every bench, so `--no-build` reuses whichever bench built last.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';

export const BENCH_BUILD_DIR = 'node_modules/.cache/concord-bench/build';
const BENCH_KIT_DIR = '.svelte-kit/bench';

/** `--name value` numbers and `--flag` switches from process.argv. */
export function benchArgs(argv = process.argv.slice(2)) {
	return {
		number(name: string, fallback: number): number {
			const i = argv.indexOf(`--${name}`);
			return i >= 0 ? Number(argv[i + 1]) : fallback;
		},
		string(name: string, fallback: string): string {
			const i = argv.indexOf(`--${name}`);
			return i >= 0 ? argv[i + 1] : fallback;
		},
		flag(name: string): boolean {
			return argv.includes(`--${name}`);
		}
	};
}

/** The PostgreSQL server the benches create their databases on. */
export const benchServerUrl = () =>
	process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type Say = (msg: string, fields?: Record<string, unknown>) => void;

/** Progress as JSON lines on stderr, so stdout keeps only the result line. */
export const progress =
	(bench: string): Say =>
	(msg, fields = {}) =>
		process.stderr.write(`${JSON.stringify({ bench, msg, ...fields })}\n`);

export interface BenchDatabase {
	name: string;
	url: string;
	drop(): Promise<void>;
}

/** A new, empty database `concord_bench_<label>_…` on `server`; `drop` keeps it when `keep`. */
export async function freshDatabase(
	label: string,
	{ server = benchServerUrl(), keep = false, say }: { server?: string; keep?: boolean; say?: Say } = {}
): Promise<BenchDatabase> {
	const name = `concord_bench_${label}_${Date.now()}_${process.pid}`;
	const admin = new pg.Client({ connectionString: server });
	await admin.connect();
	await admin.query(`create database ${name}`);
	await admin.end();
	const u = new URL(server);
	u.pathname = `/${name}`;
	return {
		name,
		url: u.toString(),
		async drop() {
			if (keep) {
				say?.('kept database', { name });
				return;
			}
			const c = new pg.Client({ connectionString: server });
			await c.connect();
			await c.query(`drop database if exists ${name} with (force)`);
			await c.end();
		}
	};
}

/** `vite build` into the benches' folder (production mode). */
export function buildApp(say: Say) {
	say('building (vite build)');
	const r = spawnSync('npx', ['vite', 'build'], {
		stdio: ['ignore', 'ignore', 'inherit'],
		env: { ...process.env, CONCORD_BUILD_DIR: BENCH_BUILD_DIR, CONCORD_KIT_DIR: BENCH_KIT_DIR, NODE_ENV: 'production' }
	});
	if (r.status !== 0) throw new Error('vite build failed');
}

export interface BenchServer {
	child: ChildProcess;
	base: string;
	/** Peak resident set of the server so far (Linux VmHWM), in MB. */
	peakRssMb(): number;
	/** SIGTERM, then wait for the exit (safe to call twice). */
	stop(): Promise<void>;
}

/** `node build/index.js` on `databaseUrl`, resolved once GET /api/health answers. */
export async function startServer({
	databaseUrl,
	port,
	env = {},
	nodeArgs = []
}: {
	databaseUrl: string;
	port: number;
	env?: Record<string, string>;
	nodeArgs?: string[];
}): Promise<BenchServer> {
	const base = `http://127.0.0.1:${port}`;
	// e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server.
	const extra = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
	const child = spawn('node', [...extra, ...nodeArgs, `${BENCH_BUILD_DIR}/index.js`], {
		stdio: ['ignore', 'ignore', 'inherit'],
		env: {
			...process.env,
			NODE_ENV: 'production',
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: base,
			DATABASE_URL: databaseUrl,
			CONCORD_LOG_LEVEL: 'warn',
			...env
		}
	});
	const server: BenchServer = {
		child,
		base,
		peakRssMb: () => peakRssMb(child.pid!),
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			child.kill('SIGTERM');
			await new Promise((r) => child.once('exit', r));
		}
	};
	const deadline = Date.now() + 120_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
		try {
			if ((await fetch(`${base}/api/health`)).ok) return server;
		} catch {
			/* not up yet */
		}
		if (Date.now() > deadline) {
			await server.stop();
			throw new Error('server did not start');
		}
		await new Promise((r) => setTimeout(r, 300));
	}
}

/** Peak resident set of a process (Linux VmHWM), in MB. */
export function peakRssMb(pid: number): number {
	const line = readFileSync(`/proc/${pid}/status`, 'utf8')
		.split('\n')
		.find((l) => l.startsWith('VmHWM:'));
	return Math.round(Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024);
}

/** user + system CPU time of a process so far, in ms (Linux /proc; clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	// utime and stime are fields 14 and 15 of the whole line (11 and 12 after the command).
	return (Number(fields[11]) + Number(fields[12])) * 10;
}

export const round3 = (x: number) => Math.round(x * 1000) / 1000;
