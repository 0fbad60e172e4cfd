/**
 * `npm run worker`: an extra job-processing process for scale-out. It joins the
 * database named by DATABASE_URL (or the embedded one a running `npm start`
 * published) and drains in-flight jobs on SIGTERM/SIGINT before exiting.
 */
import { logger } from '../lib/server/logger';
import { startRuntime } from '../lib/server/runtime';

const log = logger.child({ component: 'worker-process' });

async function main() {
	const runtime = await startRuntime({ worker: true, joinOnly: true });
	log.info('worker process ready', { worker: runtime.worker?.name });
	let stopping = false;
	const shutdown = (signal: string) => {
		if (stopping) return;
		stopping = true;
		log.info('draining jobs', { signal });
		runtime.stop().then(
			() => process.exit(0),
			(error) => {
				log.error('shutdown failed', { error });
				process.exit(1);
			}
		);
	};
	process.on('SIGTERM', () => shutdown('SIGTERM'));
	process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error) => {
	log.error('worker failed to start', { error });
	process.exit(1);
});
