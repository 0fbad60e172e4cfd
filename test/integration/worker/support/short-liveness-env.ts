/**
 * Imported first by tests that judge worker liveness in their own process
 * (imports.cancel): env() is read, and cached, as soon as other modules load,
 * so the short thresholds must be in place before any of them. Not shorter: on a
 * loaded test machine a busy worker's beat can lag by seconds.
 */
export const HEARTBEAT_MS = 500;
export const DEAD_AFTER_MS = 5000;
process.env.CONCORD_WORKER_HEARTBEAT_MS = String(HEARTBEAT_MS);
process.env.CONCORD_WORKER_DEAD_AFTER_MS = String(DEAD_AFTER_MS);
