/**
 * Route modules (endpoints, the guard) reach the database through
 * `getRuntime()`. Tests that call them directly install their harness's real
 * database and queue as the process runtime, and remove it afterwards unless
 * another test file already provided one.
 */
import type { Runtime } from '../../../src/lib/server/runtime';

const holder = globalThis as typeof globalThis & { __concordRuntime?: Promise<Runtime> };

export function installRuntime(parts: Pick<Runtime, 'db' | 'queue'> & Partial<Runtime>): () => void {
	if (holder.__concordRuntime) return () => {};
	holder.__concordRuntime = Promise.resolve(parts as Runtime);
	return () => {
		delete holder.__concordRuntime;
	};
}
