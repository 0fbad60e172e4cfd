/**
 * Size limits for one import. File and field limits come from the environment
 * (CONCORD_IMPORT_MAX_FILE_BYTES, CONCORD_IMPORT_MAX_FIELD_BYTES) and are named in
 * every error they cause, so the user knows which setting to raise.
 */
import { env } from '../env';

export interface ImportLimits {
	/** Largest upload, and largest decompressed content of a gzip upload. */
	maxFileBytes: number;
	/** Largest single text field (prompt, answer, message, metadata as JSON). */
	maxFieldBytes: number;
	/** Largest single line / JSON element / CSV record: a record holds several fields. */
	maxRecordBytes: number;
	/** Errors kept with line, field and reason; the total is always counted. */
	maxListedErrors: number;
	/** Distinct system names in one file (they are resolved in memory). */
	maxSystems: number;
}

export const RECORD_TO_FIELD_RATIO = 16;

export function importLimits(overrides: Partial<ImportLimits> = {}): ImportLimits {
	const e = env();
	const maxFieldBytes = overrides.maxFieldBytes ?? e.CONCORD_IMPORT_MAX_FIELD_BYTES;
	return {
		maxFileBytes: e.CONCORD_IMPORT_MAX_FILE_BYTES,
		maxFieldBytes,
		maxRecordBytes: maxFieldBytes * RECORD_TO_FIELD_RATIO + 64 * 1024,
		maxListedErrors: 100,
		maxSystems: 10_000,
		...overrides
	};
}

export function formatBytes(n: number): string {
	if (n >= 1024 ** 3 && n % 1024 ** 3 === 0) return `${n / 1024 ** 3} GiB`;
	if (n >= 1024 ** 2 && n % 1024 ** 2 === 0) return `${n / 1024 ** 2} MiB`;
	if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
	if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
	return `${n} bytes`;
}
