/**
 * `npm run worker`: an extra job-processing process for scale-out. It joins the
 * database named by DATABASE_URL (or the embedded one a running `npm start`
 * published) and drains in-flight jobs on SIGTERM/SIGINT before exiting.
 */
import { logger } from '../lib/server/logger';
import { startRuntime } from '../lib/server/runtime';

const log = logger.child({ component: 'worker-process' });

async function main() {
	// Signal handlers go in before anything starts: the worker takes jobs as soon as
	// it runs, and a SIGTERM must drain them even if it arrives mid-start-up.
	const starting = startRuntime({ worker: true, joinOnly: true });
	let stopping = false;
	const shutdown = (signal: string) => {
		if (stopping) return;
		stopping = true;
		log.info('draining jobs', { signal });
		starting
			.then((runtime) => runtime.stop())
			.then(
				() => process.exit(0),
				(error) => {
					log.error('shutdown failed', { error });
					process.exit(1);
				}
			);
	};
	process.on('SIGTERM', () => shutdown('SIGTERM'));
	process.on('SIGINT', () => shutdown('SIGINT'));
	const runtime = await starting;
	log.info('worker process ready', { worker: runtime.worker?.name });
}

main().catch((error) => {
	log.error('worker failed to start', { error });
	process.exit(1);
});
