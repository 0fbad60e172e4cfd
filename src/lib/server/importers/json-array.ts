/**
 * Incremental splitter for a top-level JSON array (`[ {...}, {...} ]`), so a
 * 100 MB AlpacaEval file is never JSON.parse'd at once: it tracks string/escape
 * state and bracket depth byte by byte and cuts the text of each element, which
 * is then parsed on its own. Each element keeps the line it starts on. An element
 * larger than the record limit is reported and skipped without being buffered.
 */
import { isUtf8 } from 'node:buffer';
import { fileError, type ImportIssue } from './issues';
import { formatBytes } from './limits';

/** `no`: the line the element starts on; `index`: its 1-based position in the array. */
export type ElementResult =
	| { no: number; index: number; text: string; error?: undefined }
	| { no: number; index: number; text?: undefined; error: ImportIssue };

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

export async function* splitJsonArray(
	source: AsyncIterable<Buffer>,
	maxElementBytes: number
): AsyncGenerator<ElementResult[]> {
	let line = 1;
	type State = 'before' | 'expectElement' | 'inElement' | 'done';
	let state = 'before' as State;
	let depth = 0;
	let inString = false;
	let escape = false;
	let elStartLine = 0;
	let pieces: Buffer[] = [];
	let elLen = 0;
	let oversized = false;
	let sawElement = false;
	let index = 0;

	const finishElement = (batch: ElementResult[]) => {
		index++;
		if (oversized) {
			batch.push({
				no: elStartLine,
				index,
				error: {
					line: elStartLine,
					field: null,
					element: index,
					reason: `JSON array element ${index} (starting on line ${elStartLine}) is larger than ${formatBytes(maxElementBytes)} (16 × CONCORD_IMPORT_MAX_FIELD_BYTES).`
				}
			});
		} else {
			const bytes = pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
			if (!isUtf8(bytes))
				batch.push({
					no: elStartLine,
					index,
					error: {
						line: elStartLine,
						field: null,
						element: index,
						reason: `JSON array element ${index} (starting on line ${elStartLine}) is not valid UTF-8.`
					}
				});
			else batch.push({ no: elStartLine, index, text: bytes.toString('utf8') });
		}
		pieces = [];
		elLen = 0;
		oversized = false;
		sawElement = true;
	};

	for await (const chunk of source) {
		// Elements are passed on per input chunk; small chunks keep the live set small (see lines.ts).
		const batch: ElementResult[] = [];
		// An element continued from the previous chunk starts at byte 0 of this one.
		let segStart = state === 'inElement' ? 0 : -1;
		const n = chunk.byteLength;
		for (let i = 0; i < n; i++) {
			const b = chunk[i];
			if (state === 'inElement') {
				if (inString) {
					if (escape) escape = false;
					else if (b === 0x5c) escape = true;
					else if (b === 0x22) inString = false;
					else if (b === 0x0a) line++;
					continue;
				}
				if (b === 0x22) inString = true;
				else if (b === 0x7b || b === 0x5b) depth++;
				else if (b === 0x7d || b === 0x5d) {
					if (depth === 0) {
						// `]` closing the outer array ends the last element.
						appendPiece(chunk, segStart, i);
						finishElement(batch);
						segStart = -1;
						state = 'done';
						continue;
					}
					depth--;
				} else if (b === 0x2c && depth === 0) {
					appendPiece(chunk, segStart, i);
					finishElement(batch);
					segStart = -1;
					state = 'expectElement';
					continue;
				} else if (b === 0x0a) line++;
				continue;
			}
			if (b === 0x0a) line++;
			if (WS.has(b)) continue;
			if (state === 'before') {
				if (b !== 0x5b)
					throw fileError(
						'Expected a JSON array (the file should start with "["), or JSON Lines with one object per line.',
						line
					);
				state = 'expectElement';
				continue;
			}
			if (state === 'expectElement') {
				if (b === 0x5d && !sawElement) {
					state = 'done';
					continue;
				}
				if (b === 0x5d || b === 0x2c)
					throw fileError(`Line ${line}: an empty element or a trailing comma in the JSON array.`, line);
				state = 'inElement';
				elStartLine = line;
				depth = 0;
				segStart = i;
				i--; // re-read this byte in element state (it may open a string or bracket)
				continue;
			}
			if (state === 'done') throw fileError(`Line ${line}: unexpected content after the end of the JSON array.`, line);
		}
		if (state === 'inElement') appendPiece(chunk, segStart, n);
		if (batch.length > 0) yield batch;
	}
	// (TypeScript cannot follow `state` through the loop above, hence the widening.)
	const end: State = state;
	if (end === 'before') throw fileError('The file is empty.');
	if (end !== 'done') throw fileError(`The JSON array is not closed: the file ends inside it (line ${line}).`, line);

	function appendPiece(chunk: Buffer, from: number, to: number) {
		if (to <= from || oversized) return;
		elLen += to - from;
		if (elLen > maxElementBytes) {
			oversized = true;
			pieces = [];
			return;
		}
		pieces.push(chunk.subarray(from, to));
	}
}
