/**
 * A fresh CONCORD_DATA_DIR per Playwright run, so every run starts on an empty
 * embedded PostgreSQL (and the first sign-up really is the first account).
 *
 * Directories of finished runs are swept at the start of the next run rather
 * than at teardown: Playwright stops the web server only after its global
 * teardown, so PostgreSQL would still be using the directory then.
 */
import { mkdtempSync, chmodSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const prefix = 'concord-e2e-';

export function freshDataDir(): string {
	sweepFinishedRuns();
	const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
	// Embedded PostgreSQL runs as the `postgres` user when we are root: it must traverse this.
	chmodSync(dir, 0o755);
	writeFileSync(path.join(dir, 'runner.pid'), String(process.pid));
	return dir;
}

function sweepFinishedRuns() {
	for (const name of readdirSync(os.tmpdir())) {
		if (!name.startsWith(prefix)) continue;
		const dir = path.join(os.tmpdir(), name);
		// A directory just created by a starting run may not have its runner.pid yet.
		if (Date.now() - statSync(dir).mtimeMs < 60_000) continue;
		// Keep a directory while its runner or its PostgreSQL is alive (another engineer's run).
		if (isAlive(readPid(path.join(dir, 'runner.pid'))) || isAlive(readPid(path.join(dir, 'pg', 'postmaster.pid'))))
			continue;
		rmSync(dir, { recursive: true, force: true });
	}
}

function readPid(file: string): number | undefined {
	try {
		const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
		return Number.isInteger(pid) && pid > 0 ? pid : undefined;
	} catch {
		return undefined;
	}
}

function isAlive(pid: number | undefined): boolean {
	if (pid === undefined) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}
