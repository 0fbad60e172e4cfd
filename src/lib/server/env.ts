/**
 * One zod-parsed configuration for the web server, the worker and the tests.
 * Read from `process.env` (not `$env/*`) so the worker runs outside Vite.
 * Every variable is listed in `.env.example`.
 */
import path from 'node:path';
import { z } from 'zod';

const bool = z
	.enum(['true', 'false', '1', '0', 'yes', 'no', ''])
	.optional()
	.transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
	NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
	DATABASE_URL: z.string().url().optional(),
	CONCORD_DATA_DIR: z.string().default('.concord'),
	/** Port of the embedded PostgreSQL; 0 picks a free one and remembers it in the data dir. */
	CONCORD_PG_PORT: z.coerce.number().int().min(0).max(65535).default(0),
	CONCORD_OPEN_SIGNUP: bool,
	/** Comma-separated proxy addresses whose X-Forwarded-For is believed. Empty: trust no header. */
	CONCORD_TRUSTED_PROXIES: z.string().default(''),
	CONCORD_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
	/** `false` runs the web server without the in-process worker (all jobs go to `npm run worker`). */
	CONCORD_INPROCESS_WORKER: z
		.enum(['true', 'false'])
		.default('true')
		.transform((v) => v === 'true'),
	/** How often each worker pool refreshes its heartbeat row (jobs/liveness.ts). */
	CONCORD_WORKER_HEARTBEAT_MS: z.coerce.number().int().min(100).default(10_000),
	/** A worker whose heartbeat is older than this is dead: its jobs are released for a retry. */
	CONCORD_WORKER_DEAD_AFTER_MS: z.coerce.number().int().min(500).default(60_000),
	/** Test only: an import waits this long before committing its merge (the kill test's window). */
	CONCORD_TEST_IMPORT_MERGE_DELAY_MS: z.coerce.number().int().min(0).default(0),
	CONCORD_SESSION_IDLE_DAYS: z.coerce.number().positive().default(14),
	CONCORD_SESSION_MAX_DAYS: z.coerce.number().positive().default(90),
	CONCORD_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
	/** Upload limits for imports, in bytes. */
	CONCORD_IMPORT_MAX_FILE_BYTES: z.coerce
		.number()
		.int()
		.positive()
		.default(2 * 1024 ** 3),
	CONCORD_IMPORT_MAX_FIELD_BYTES: z.coerce
		.number()
		.int()
		.positive()
		.default(1024 ** 2),
	/** 32 bytes, base64: encrypts API keys stored in the database (AES-256-GCM, llm/secrets.ts). */
	CONCORD_SECRET_KEY: z
		.string()
		.optional()
		.refine((v) => !v || Buffer.from(v, 'base64').length === 32, {
			message: 'must be 32 bytes in base64 (openssl rand -base64 32)'
		}),
	/** Built-in judges (judges/README.md); validated at start-up, an invalid file stops it. */
	CONCORD_JUDGES_DIR: z.string().default('judges'),
	ORIGIN: z.string().url().optional()
});

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
	const parsed = EnvSchema.safeParse(source);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
		throw new Error(`Invalid environment configuration:\n${lines.join('\n')}`);
	}
	if (parsed.data.CONCORD_WORKER_DEAD_AFTER_MS < 3 * parsed.data.CONCORD_WORKER_HEARTBEAT_MS) {
		throw new Error(
			'Invalid environment configuration:\n  CONCORD_WORKER_DEAD_AFTER_MS must be at least 3 × CONCORD_WORKER_HEARTBEAT_MS (a live worker must never look dead).'
		);
	}
	return parsed.data;
}

export function env(): Env {
	cached ??= loadEnv();
	return cached;
}

export function dataDir(e: Env = env()): string {
	return path.resolve(e.CONCORD_DATA_DIR);
}
