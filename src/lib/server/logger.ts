/**
 * Structured logs: one JSON object per line on stdout/stderr, so a log shipper
 * can parse them without a format guess. No dependency; `child` adds fields.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
	debug(msg: string, fields?: Record<string, unknown>): void;
	info(msg: string, fields?: Record<string, unknown>): void;
	warn(msg: string, fields?: Record<string, unknown>): void;
	error(msg: string, fields?: Record<string, unknown>): void;
	child(fields: Record<string, unknown>): Logger;
}

function serializeError(value: unknown): unknown {
	if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
	return value;
}

export function createLogger(base: Record<string, unknown> = {}, min: Level = 'info'): Logger {
	const write = (level: Level, msg: string, fields?: Record<string, unknown>) => {
		if (order[level] < order[min]) return;
		const record: Record<string, unknown> = { time: new Date().toISOString(), level, msg, ...base };
		for (const [k, v] of Object.entries(fields ?? {})) record[k] = serializeError(v);
		const line = JSON.stringify(record) + '\n';
		(level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line);
	};
	return {
		debug: (m, f) => write('debug', m, f),
		info: (m, f) => write('info', m, f),
		warn: (m, f) => write('warn', m, f),
		error: (m, f) => write('error', m, f),
		child: (fields) => createLogger({ ...base, ...fields }, min)
	};
}

const level = (process.env.CONCORD_LOG_LEVEL as Level | undefined) ?? 'info';
export const logger = createLogger({ app: 'concord' }, order[level] ? level : 'info');
