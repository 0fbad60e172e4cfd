/**
 * Collects COPY text into one reused 1 MiB buffer. Encoding each record's text
 * straight into it (instead of concatenating a 1M-character string and
 * converting that) keeps big short-lived strings out of V8's large-object space,
 * which is only reclaimed by full GCs: that garbage, not live data, is what made
 * the import's resident memory climb.
 */
import type { CopyWriter } from './copy-from';

export class CopyBuffer {
	private readonly buf: Buffer;
	private used = 0;

	constructor(
		private readonly copy: CopyWriter,
		size = 1 << 20
	) {
		this.buf = Buffer.allocUnsafe(size);
	}

	/** Appends `text`; sends the buffer first when it might not fit. */
	async add(text: string): Promise<void> {
		// A UTF-16 code unit never needs more than 3 UTF-8 bytes.
		if (this.used + text.length * 3 > this.buf.byteLength) await this.flush();
		if (text.length * 3 > this.buf.byteLength) {
			await this.copy.write(Buffer.from(text));
			return;
		}
		this.used += this.buf.write(text, this.used);
	}

	/** node-postgres copies the bytes into its own message buffer, so ours is free again at once. */
	async flush(): Promise<void> {
		if (this.used === 0) return;
		const n = this.used;
		this.used = 0;
		await this.copy.write(this.buf.subarray(0, n));
	}
}
