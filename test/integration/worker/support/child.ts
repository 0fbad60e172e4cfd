/**
 * Child processes for the worker and embedded-PostgreSQL tests: spawn a
 * TypeScript entry point, collect its output, wait for a structured log line
 * or for its exit.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export interface Child {
	proc: ChildProcessWithoutNullStreams;
	/** stdout + stderr so far. */
	output(): string;
	/** Resolves with the first JSON log record whose `msg` matches. */
	waitForLog(msg: string | RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
	/** Resolves with the exit code (or the signal name). */
	exited: Promise<number | string>;
	/** Sends `signal` unless the process has already exited. */
	kill(signal?: NodeJS.Signals): void;
}

export interface SpawnOptions {
	env?: Record<string, string | undefined>;
	/** `tsx` runs the tsx CLI exactly like `npm run worker`; `node` runs node with the tsx loader (one process, so its pid is the one doing the work). */
	via?: 'tsx' | 'node';
	/** Own process group, so a test can signal the whole group as a terminal or systemd would. */
	detached?: boolean;
}

export function spawnTs(script: string, args: string[] = [], options: SpawnOptions = {}): Child {
	const env: NodeJS.ProcessEnv = { ...process.env };
	for (const [k, v] of Object.entries(options.env ?? {})) {
		if (v === undefined) delete env[k];
		else env[k] = v;
	}
	const command = options.via === 'node' ? process.execPath : path.join(repoRoot, 'node_modules/.bin/tsx');
	const argv = options.via === 'node' ? ['--import', 'tsx', script, ...args] : [script, ...args];
	const proc = spawn(command, argv, { cwd: repoRoot, env, stdio: 'pipe', detached: options.detached ?? false });
	let text = '';
	const listeners = new Set<() => void>();
	const onData = (chunk: Buffer) => {
		text += chunk.toString('utf8');
		for (const l of listeners) l();
	};
	proc.stdout.on('data', onData);
	proc.stderr.on('data', onData);
	const exited = new Promise<number | string>((resolve) =>
		proc.on('exit', (code, signal) => resolve(code ?? signal ?? -1))
	);
	let done = false;
	void exited.then(() => {
		done = true;
		for (const l of listeners) l();
	});

	function findLog(msg: string | RegExp) {
		for (const line of text.split('\n')) {
			if (!line.startsWith('{')) continue;
			try {
				const record = JSON.parse(line) as Record<string, unknown>;
				const m = String(record.msg ?? '');
				if (typeof msg === 'string' ? m === msg : msg.test(m)) return record;
			} catch {
				// a partial line: wait for more output
			}
		}
		return undefined;
	}

	return {
		proc,
		output: () => text,
		exited,
		kill(signal = 'SIGTERM') {
			if (!done) proc.kill(signal);
		},
		waitForLog(msg, timeoutMs = 60_000) {
			return new Promise((resolve, reject) => {
				const check = () => {
					const found = findLog(msg);
					if (found) finish(() => resolve(found));
					else if (done) finish(() => reject(new Error(`process exited before logging ${String(msg)}:\n${text}`)));
				};
				const timer = setTimeout(
					() => finish(() => reject(new Error(`timed out waiting for ${String(msg)}:\n${text}`))),
					timeoutMs
				);
				const finish = (fn: () => void) => {
					clearTimeout(timer);
					listeners.delete(check);
					fn();
				};
				listeners.add(check);
				check();
			});
		}
	};
}

export async function waitFor<T>(
	probe: () => Promise<T | undefined | false>,
	what: string,
	timeoutMs = 30_000
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}
