/**
 * Preload for the bench server: reports its pauses on stderr, with wall-clock times to line up
 * with a bench's `--slow-ms` lines and PostgreSQL's log (checkpoints, slow statements):
 * - every garbage collection of 10 ms or more (kind: 1 scavenge, 2 minor mark-compact,
 *   4 mark-compact, 8 incremental marking, 16 weak callbacks);
 * - each second whose worst event-loop delay reached 50 ms, with the heap in use.
 * Use: BENCH_SERVER_NODE_ARGS="--import ./test/bench/support/server-pauses.mjs" npm run bench:annotate -- --think-ms 3000 --slow-ms 100
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const at = () => new Date().toISOString().slice(11, 23);
const say = (line) => process.stderr.write(`[server] ${line} at=${at()}\n`);

new PerformanceObserver((list) => {
	for (const e of list.getEntries()) if (e.duration >= 10) say(`gc kind=${e.detail?.kind} ms=${e.duration.toFixed(1)}`);
}).observe({ entryTypes: ['gc'] });

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
setInterval(() => {
	const max = delay.max / 1e6;
	if (max >= 50)
		say(`event-loop delay max=${max.toFixed(0)}ms heapMB=${(process.memoryUsage().heapUsed / 1e6).toFixed(0)}`);
	delay.reset();
}, 1000).unref();
