/**
 * A small in-process LRU for facts computed from a dataset's rows, keyed by
 * (dataset id, revision). Rows of a revision never change, so an entry is
 * never stale; a new revision is simply a new key. Each server process keeps
 * its own cache, which is fine for the same reason. Concurrent misses share
 * one computation.
 */
export class RevisionCache<T> {
	private readonly entries = new Map<string, Promise<T>>();

	constructor(private readonly capacity: number) {}

	get(datasetId: string, revision: number, compute: () => Promise<T>): Promise<T> {
		const key = `${datasetId}:${revision}`;
		const hit = this.entries.get(key);
		if (hit) {
			// Re-insert: Map keeps insertion order, so the oldest entry is the least recently used.
			this.entries.delete(key);
			this.entries.set(key, hit);
			return hit;
		}
		const value = compute();
		this.entries.set(key, value);
		// A failed computation is not remembered.
		value.catch(() => this.entries.delete(key));
		while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
		return value;
	}
}
