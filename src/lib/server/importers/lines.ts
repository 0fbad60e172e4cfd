/**
 * Splits UTF-8 bytes into lines, yielding them in batches (one batch per input
 * chunk keeps per-line async overhead off the hot path). Each line is checked to
 * be valid UTF-8. A line longer than the record limit is reported and skipped
 * WITHOUT being buffered: only its length is tracked until the next newline.
 */
import { isUtf8 } from 'node:buffer';
import type { ImportIssue } from './issues';
import { formatBytes } from './limits';

export type LineResult =
	{ no: number; text: string; error?: undefined } | { no: number; text?: undefined; error: ImportIssue };

export interface LineOptions {
	maxLineBytes: number;
	/** Wording of the limit in the error ("line" or "CSV record"). */
	limitName?: string;
}

export function decodeLine(bytes: Buffer, no: number): LineResult {
	let end = bytes.byteLength;
	if (end > 0 && bytes[end - 1] === 0x0d) end--;
	const body = end === bytes.byteLength ? bytes : bytes.subarray(0, end);
	if (!isUtf8(body)) {
		return {
			no,
			error: {
				line: no,
				field: null,
				...notUtf8(no, firstBadByte(body))
			}
		};
	}
	return { no, text: body.toString('utf8') };
}

function notUtf8(line: number, byte: number) {
	return {
		reason: `Line ${line} is not valid UTF-8 (at byte ${byte} of the line). Save the file as UTF-8.`,
		key: 'import_err_not_utf8',
		params: { line, byte }
	};
}

/** Position of the first invalid UTF-8 sequence (for the error message only; slow path). */
function firstBadByte(bytes: Buffer): number {
	let lo = 0;
	let hi = bytes.byteLength;
	// Binary search on the longest valid prefix; sequences are at most 4 bytes long.
	while (hi - lo > 4) {
		const mid = (lo + hi) >>> 1;
		if (
			isUtf8(bytes.subarray(0, mid)) ||
			isUtf8(bytes.subarray(0, mid - 1)) ||
			isUtf8(bytes.subarray(0, mid - 2)) ||
			isUtf8(bytes.subarray(0, mid - 3))
		)
			lo = mid;
		else hi = mid;
	}
	return lo;
}

/**
 * Lines are handed on in batches of about this many bytes. Small batches matter for
 * memory, not speed: whatever is alive when V8 scavenges gets promoted to the old
 * generation, so a batch per 1 MiB chunk made the heap balloon between full GCs.
 */
export const BATCH_BYTES = 64 * 1024;

export async function* readLines(source: AsyncIterable<Buffer>, options: LineOptions): AsyncGenerator<LineResult[]> {
	const max = options.maxLineBytes;
	let pending: Buffer[] = [];
	let pendingLen = 0;
	let oversized = false;
	let no = 0;
	const tooLong = (n: number): LineResult => ({
		no: n,
		error: {
			line: n,
			field: null,
			reason: `Line ${n} is longer than ${formatBytes(max)} (${options.limitName ?? 'the record limit'}: 16 × CONCORD_IMPORT_MAX_FIELD_BYTES).`
		}
	});
	for await (const chunk of source) {
		let batch: LineResult[] = [];
		let batchStart = 0;
		let start = 0;
		for (;;) {
			const nl = chunk.indexOf(10, start);
			if (nl === -1) break;
			if (nl - batchStart > BATCH_BYTES && batch.length > 0) {
				yield batch;
				batch = [];
				batchStart = start;
			}
			no++;
			if (oversized || pendingLen + (nl - start) > max) {
				batch.push(tooLong(no));
			} else {
				const piece = chunk.subarray(start, nl);
				const bytes = pendingLen === 0 ? piece : Buffer.concat([...pending, piece]);
				batch.push(decodeLine(bytes, no));
			}
			pending = [];
			pendingLen = 0;
			oversized = false;
			start = nl + 1;
		}
		if (start < chunk.byteLength && !oversized) {
			const rest = chunk.subarray(start);
			pendingLen += rest.byteLength;
			if (pendingLen > max) {
				oversized = true;
				pending = [];
			} else {
				pending.push(rest);
			}
		}
		if (batch.length > 0) yield batch;
	}
	if (oversized || pendingLen > 0) {
		no++;
		yield [oversized ? tooLong(no) : decodeLine(Buffer.concat(pending), no)];
	}
}
