/**
 * A bounded set of 96-bit fingerprints of staged rows (what a row is AND what it says), so a
 * long file that repeats the same item or answer on many lines (long format, vote files:
 * each line names its item and both answers) stages each of them once. Memory is fixed by
 * `maxEntries` (12 bytes a slot, at most 4/3 slots an entry: by default 786,432 rows in 12 MiB),
 * whatever the texts' size. When it is full it forgets everything and starts again (so it
 * still catches the repeats of recent lines, as in a long-format file), and `overflowed` tells
 * the merge that repeats may have been staged: the cap changes speed, never results.
 * Open addressing with linear probing over one Uint32Array (3 words a slot, all-zero = empty).
 */
import { hash } from 'node:crypto';

/** Bytes at..at+3 of a binary-string digest, as a little-endian 32-bit word. */
const word = (h: string, at: number) =>
	(h.charCodeAt(at) | (h.charCodeAt(at + 1) << 8) | (h.charCodeAt(at + 2) << 16) | (h.charCodeAt(at + 3) << 24)) >>> 0;

export class SeenRows {
	private slots: Uint32Array;
	private mask: number;
	private size = 0;
	/** The set was full once and forgot what it held: later repeats of those rows were staged again. */
	overflowed = false;

	constructor(
		private readonly maxEntries = 3 << 18,
		initialSlots = 1 << 12
	) {
		this.slots = new Uint32Array(initialSlots * 3);
		this.mask = initialSlots - 1;
	}

	/**
	 * True when `row` (a string naming the row and its content) was added before; otherwise
	 * remembers it (if there is room) and returns false. A false "seen" would need two rows
	 * with the same 96-bit prefix of their SHA-256.
	 */
	seen(row: string): boolean {
		// The digest as a 'binary' (latin1) string, one char a byte: a Buffer per call cost twice the digest.
		const h = hash('sha256', row, 'binary');
		// Word 0 never 0, so an all-zero slot means empty.
		const a = word(h, 0) | 1;
		const b = word(h, 4);
		const c = word(h, 8);
		for (let i = c & this.mask; ; i = (i + 1) & this.mask) {
			const at = i * 3;
			const w = this.slots[at];
			if (w === 0) {
				if (this.size >= this.maxEntries) {
					this.overflowed = true;
					this.slots.fill(0);
					this.size = 0;
					return this.seen(row);
				}
				this.slots[at] = a >>> 0;
				this.slots[at + 1] = b;
				this.slots[at + 2] = c;
				this.size++;
				// Keep at most 3/4 of the slots full, so probes stay short.
				if (this.size * 4 > (this.mask + 1) * 3) this.grow();
				return false;
			}
			if (w === a >>> 0 && this.slots[at + 1] === b && this.slots[at + 2] === c) return true;
		}
	}

	get entries(): number {
		return this.size;
	}

	private grow(): void {
		const old = this.slots;
		const slots = (this.mask + 1) * 2;
		this.slots = new Uint32Array(slots * 3);
		this.mask = slots - 1;
		for (let at = 0; at < old.length; at += 3) {
			if (old[at] === 0) continue;
			// The same start as in seen(): word 2 of the fingerprint.
			for (let i = old[at + 2] & this.mask; ; i = (i + 1) & this.mask) {
				if (this.slots[i * 3] === 0) {
					this.slots.set(old.subarray(at, at + 3), i * 3);
					break;
				}
			}
		}
	}
}
