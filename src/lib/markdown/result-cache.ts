/**
 * Recently rendered answers, so the same answer shown to several reviewers (or revisited) is
 * rendered once per process. Sanitizing is the costly step (tens of ms for a long, math-heavy
 * answer) and its output depends only on the source and the options, so reuse is exact.
 *
 * Bounded by characters (keys and HTML), not entries; Map order makes it an LRU.
 */
const maxCachedChars = 8_000_000;
/** Bigger results are not worth evicting everything else for. */
const maxEntryChars = 1_000_000;

type Entry<T> = { value: T; chars: number };

export class ResultCache<T> {
	#entries = new Map<string, Entry<T>>();
	#chars = 0;

	get(key: string): T | undefined {
		const entry = this.#entries.get(key);
		if (!entry) return undefined;
		this.#entries.delete(key);
		this.#entries.set(key, entry);
		return entry.value;
	}

	set(key: string, value: T, valueChars: number): void {
		const chars = key.length + valueChars;
		if (chars > maxEntryChars || this.#entries.has(key)) return;
		for (const [oldKey, old] of this.#entries) {
			if (this.#chars + chars <= maxCachedChars) break;
			this.#entries.delete(oldKey);
			this.#chars -= old.chars;
		}
		this.#entries.set(key, { value, chars });
		this.#chars += chars;
	}
}
