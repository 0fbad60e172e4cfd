/**
 * The live count beside a queue's selection fields ("how many tasks will this make?"), shared by
 * the create form (annotation.previewQueue) and a queue's "add items" form
 * (annotation.previewItems). Debounced: typing a sample size asks once it settles, and an answer
 * that arrives after the inputs changed again is dropped.
 */
import type { SelectionInput } from '$lib/schemas/annotation';

/** The selection the fields describe, or null while they describe none (no sample size, no run). */
export function selectionOf(kind: string, n: string, by: string, judgeRunId: string): SelectionInput | null {
	const size = Number(n);
	if (kind === 'random' || kind === 'stratified') {
		if (!Number.isInteger(size) || size < 1) return null;
		return kind === 'random'
			? { kind, n: size, seed: '' }
			: { kind, n: size, by: by === 'category' ? 'category' : 'system', seed: '' };
	}
	if (kind === 'judge-unsure') return judgeRunId ? { kind, judgeRunId } : null;
	return { kind: 'all' };
}

export class CountPreview {
	/** The last count, or null while there is none (counting, nothing to count, or it failed). */
	count = $state<number | null>(null);
	counting = $state(false);

	/**
	 * Counts after `delayMs` unless the inputs change first. Call it inside an `$effect` that
	 * reads the inputs, and return what it returns (the cleanup that drops a stale answer).
	 */
	ask(fetchCount: (() => Promise<number>) | null, delayMs = 250): () => void {
		this.count = null;
		if (!fetchCount) {
			this.counting = false;
			return () => {};
		}
		this.counting = true;
		let stale = false;
		const timer = setTimeout(async () => {
			try {
				const n = await fetchCount();
				if (!stale) this.count = n;
			} catch {
				if (!stale) this.count = null;
			} finally {
				if (!stale) this.counting = false;
			}
		}, delayMs);
		return () => {
			stale = true;
			clearTimeout(timer);
		};
	}
}
