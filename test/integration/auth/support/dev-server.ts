/**
 * The real app under `vite dev` on a port in 4100–4199, against a database we
 * name, for tests that need SvelteKit itself: hooks in their real order, form
 * actions, and Set-Cookie headers as the browser receives them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

async function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

async function freePort(from: number, to: number): Promise<number> {
	for (let port = from; port <= to; port++) if (await portIsFree(port)) return port;
	throw new Error(`no free port in ${from}-${to}`);
}

export interface DevServer {
	origin: string;
	output(): string;
	stop(): Promise<void>;
}

export async function startDevServer(databaseUrl: string, timeoutMs = 200_000): Promise<DevServer> {
	const port = await freePort(4160, 4199);
	const env: NodeJS.ProcessEnv = {
		...process.env,
		DATABASE_URL: databaseUrl,
		CONCORD_INPROCESS_WORKER: 'false',
		CONCORD_LOG_LEVEL: 'warn',
		NODE_ENV: 'development'
	};
	delete env.ORIGIN;
	delete env.CONCORD_TRUSTED_PROXIES;
	delete env.CONCORD_OPEN_SIGNUP;
	const proc: ChildProcess = spawn(
		path.join(repoRoot, 'node_modules/.bin/vite'),
		['dev', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
		{
			cwd: repoRoot,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
			// Its own process group, so stop() ends vite and anything it started.
			detached: true
		}
	);
	let text = '';
	proc.stdout!.on('data', (c: Buffer) => (text += c.toString()));
	proc.stderr!.on('data', (c: Buffer) => (text += c.toString()));
	const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
	const origin = `http://127.0.0.1:${port}`;
	const server: DevServer = {
		origin,
		output: () => text,
		async stop() {
			if (proc.exitCode === null && proc.pid) {
				try {
					process.kill(-proc.pid, 'SIGTERM');
				} catch {
					// Already gone.
				}
				await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
			}
		}
	};

	// Ready when a page renders: the first request also compiles the hooks and boots the runtime.
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (proc.exitCode !== null) throw new Error(`vite dev exited early:\n${text}`);
		try {
			const res = await fetch(`${origin}/sign-in`, {
				headers: { accept: 'text/html' },
				signal: AbortSignal.timeout(60_000)
			});
			if (res.status === 200) return server;
		} catch {
			// Not listening yet.
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	await server.stop();
	throw new Error(`vite dev did not serve /sign-in within ${timeoutMs} ms:\n${text}`);
}
