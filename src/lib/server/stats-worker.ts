/**
 * A worker thread that sums bootstrap resamples beside the main thread (`ResampleOffload` for
 * `sharedClusterBootstrapAsync`). The agreement page's 1,000 resamples of 10,000 items take a
 * core for ~0.2 s (bench:agreement); on two cores the worker sums the later 45 % meanwhile.
 *
 * The worker runs the library's own `sumResamples` and `xoshiroFillBelow` from their source text:
 * both name nothing outside their bodies, so there is one implementation and no second entry point
 * for the build to know about. One worker per process, started at server start-up
 * (`startStatsWorker`) or on first use; it keeps the process alive only while it has work. When it
 * fails or dies, the pending calls reject, the caller sums that half itself, and the next call
 * starts a new worker.
 */
import { Worker } from 'node:worker_threads';
import { sumResamples, xoshiroFillBelow, type ResampleOffload } from '../stats';
import { logger } from './logger';

const source = `
const { parentPort } = require('node:worker_threads');
const sumResamples = (${sumResamples.toString()});
const fill = (${xoshiroFillBelow.toString()});
parentPort.on('message', ({ id, job, state, at, b0, b1 }) => {
	try {
		const out = new Float64Array((b1 - b0) * job.columns);
		sumResamples(job, state, at, b0, b1, out, fill);
		parentPort.postMessage({ id, out }, [out.buffer]);
	} catch (error) {
		parentPort.postMessage({ id, error: String(error && error.stack || error) });
	}
});`;

interface Pending {
	resolve(sums: Float64Array): void;
	reject(error: Error): void;
}

let worker: Worker | null = null;
const pending = new Map<number, Pending>();
let nextId = 0;

function failAll(error: Error) {
	for (const p of pending.values()) p.reject(error);
	pending.clear();
}

function ensureWorker(): Worker {
	if (worker) return worker;
	const w = new Worker(source, { eval: true });
	w.unref();
	w.on('message', ({ id, out, error }: { id: number; out?: Float64Array; error?: string }) => {
		const p = pending.get(id);
		if (!p) return;
		pending.delete(id);
		if (pending.size === 0) w.unref();
		if (out) p.resolve(out);
		else p.reject(new Error(`stats worker: ${error}`));
	});
	w.on('error', (error) => {
		logger.warn('stats worker failed', { error });
		if (worker === w) worker = null;
		failAll(error);
	});
	w.on('exit', (code) => {
		if (worker === w) worker = null;
		failAll(new Error(`stats worker exited with code ${code}`));
	});
	worker = w;
	return w;
}

/** Starts the worker now, so that the first page that needs it does not wait for it to boot. */
export function startStatsWorker(): void {
	ensureWorker();
}

/** Stops the worker (tests; shutdown). */
export async function stopStatsWorker(): Promise<void> {
	const w = worker;
	worker = null;
	if (w) await w.terminate();
}

export const offloadResamples: ResampleOffload = (job, state, at, b0, b1) =>
	new Promise((resolve, reject) => {
		const w = ensureWorker();
		const id = nextId++;
		pending.set(id, { resolve, reject });
		w.ref();
		w.postMessage({ id, job, state, at, b0, b1 });
	});
