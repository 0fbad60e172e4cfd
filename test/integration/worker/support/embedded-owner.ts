/**
 * A separate process that owns an embedded PostgreSQL, for the tests of
 * sharing and of adopting a server left by a killed owner.
 * Usage: node --import tsx embedded-owner.ts <dataDir>
 * Logs `owner ready` with the url and mode; stops the server on SIGTERM, only
 * logs SIGINT.
 */
import { startEmbeddedPostgres } from '../../../../src/lib/server/db/embedded';
import { logger } from '../../../../src/lib/server/logger';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: embedded-owner.ts <dataDir>');

const db = await startEmbeddedPostgres({ dataDir });
// Handlers first, then the line the test waits for: a test that signals right after
// reading it must never meet the default (exit) action.
// Stands in for the app draining its jobs after Ctrl-C: PostgreSQL must stay up meanwhile.
process.on('SIGINT', () => logger.info('owner got SIGINT'));
process.on('SIGTERM', () => {
	db.stop().then(
		() => process.exit(0),
		() => process.exit(1)
	);
});
logger.info('owner ready', { url: db.url, mode: db.mode, pid: process.pid });
// Stay alive until signalled.
setInterval(() => {}, 60_000);
