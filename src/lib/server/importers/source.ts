/**
 * First stage of every import: raw upload bytes → plain UTF-8 bytes.
 * Gzip is detected by its magic number and inflated with an output cap (a small
 * file that inflates past the cap is a "compressed bomb" and is refused without
 * inflating further). Byte-order marks are checked here: UTF-8's is dropped,
 * UTF-16/32 files are refused with a clear message.
 */
import { createGunzip } from 'node:zlib';
import { fileError, keyedFileError } from './issues';
import { formatBytes, type ImportLimits } from './limits';

export interface SourceOptions {
	limits: ImportLimits;
	/** Called with the count of RAW (possibly compressed) bytes consumed, for progress. */
	onRawBytes?: (n: number) => void;
}

export function isGzip(head: Uint8Array): boolean {
	return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

async function* counted(chunks: AsyncIterable<Uint8Array>, onRawBytes?: (n: number) => void): AsyncGenerator<Buffer> {
	for await (const c of chunks) {
		onRawBytes?.(c.byteLength);
		yield Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
	}
}

async function* gunzipCapped(chunks: AsyncIterable<Buffer>, cap: number): AsyncGenerator<Buffer> {
	const gunzip = createGunzip();
	let produced = 0;
	let failure: Error | undefined;
	// Feed in the background; the output side applies backpressure through gunzip's buffer.
	const feeding = (async () => {
		try {
			for await (const c of chunks) {
				if (gunzip.destroyed) return;
				if (!gunzip.write(c)) {
					// 'close' too: a destroyed stream never drains, and this loop must end.
					await new Promise<void>((resolve) => {
						gunzip.once('drain', resolve);
						gunzip.once('close', resolve);
					});
				}
			}
			gunzip.end();
		} catch (error) {
			failure = error as Error;
			gunzip.destroy(error as Error);
		}
	})();
	try {
		for await (const out of gunzip) {
			produced += (out as Buffer).byteLength;
			if (produced > cap) {
				throw fileError(
					`The gzip file inflates to more than ${formatBytes(cap)} (CONCORD_IMPORT_MAX_FILE_BYTES): refused as a possible compressed bomb.`,
					0,
					null,
					'too-large',
					{ key: 'import_err_gzip_bomb', params: { limit: formatBytes(cap) } }
				);
			}
			yield out as Buffer;
		}
	} catch (error) {
		if (failure) throw failure;
		if (error instanceof Error && 'code' in error && String((error as { code: unknown }).code).startsWith('Z_')) {
			throw keyedFileError(
				{ key: 'import_err_gzip_invalid' },
				`The file starts like gzip but is not a valid gzip stream (${error.message}).`
			);
		}
		throw error;
	} finally {
		gunzip.destroy();
		await feeding.catch(() => {});
	}
}

/** Raw upload → UTF-8 bytes without BOM. Throws ImportFileError for file-level problems. */
export async function* decodeSource(chunks: AsyncIterable<Uint8Array>, options: SourceOptions): AsyncGenerator<Buffer> {
	const raw = counted(chunks, options.onRawBytes);
	const first = await raw.next();
	if (first.done || first.value.byteLength === 0)
		throw keyedFileError({ key: 'import_err_empty_file' }, 'The file is empty.');
	const rest = (async function* () {
		yield first.value;
		yield* raw;
	})();
	const plain = isGzip(first.value) ? gunzipCapped(rest, options.limits.maxFileBytes) : rest;
	let seenAny = false;
	let head = true;
	for await (let chunk of plain) {
		if (head && chunk.byteLength > 0) {
			head = false;
			chunk = checkHead(chunk);
		}
		if (chunk.byteLength > 0) seenAny = true;
		if (chunk.byteLength > 0) yield chunk;
	}
	if (!seenAny) throw keyedFileError({ key: 'import_err_empty_file' }, 'The file is empty.');
}

function checkHead(chunk: Buffer): Buffer {
	const [a, b, c, d] = chunk;
	if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff) || (a === 0 && b === 0 && c === 0xfe && d === 0xff)) {
		throw keyedFileError(
			{ key: 'import_err_utf16' },
			'The file is UTF-16/UTF-32 encoded (it starts with a byte-order mark). Save it as UTF-8 and upload again.',
			1
		);
	}
	if (looksLikeUtf16(chunk)) {
		throw keyedFileError(
			{ key: 'import_err_utf16_no_bom' },
			'The file looks like UTF-16 without a byte-order mark (every other byte is NUL). Save it as UTF-8 and upload again.',
			1
		);
	}
	if (a === 0x50 && b === 0x4b && c === 0x03 && d === 0x04) {
		throw keyedFileError(
			{ key: 'import_err_zip' },
			'Zip archives are not supported: upload each file on its own (plain or .gz).',
			1
		);
	}
	if (a === 0xef && b === 0xbb && c === 0xbf) return chunk.subarray(3);
	return chunk;
}

/**
 * UTF-16 text of Latin characters has a NUL in every other byte; UTF-8 text has none (a stray
 * NUL inside a line is reported with its line later). Half of the pairs is a safe threshold.
 */
function looksLikeUtf16(chunk: Buffer): boolean {
	const n = Math.min(chunk.byteLength, 1024) & ~1;
	if (n < 4) return false;
	let even = 0;
	let odd = 0;
	for (let i = 0; i < n; i += 2) {
		if (chunk[i] === 0) even++;
		if (chunk[i + 1] === 0) odd++;
	}
	const pairs = n / 2;
	return (odd >= pairs / 2 && even === 0) || (even >= pairs / 2 && odd === 0);
}
