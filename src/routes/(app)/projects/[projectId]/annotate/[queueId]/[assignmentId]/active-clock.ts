/**
 * Active time on one task: what an annotator's "seconds per item" should mean. Wall-clock time
 * would count a tab left open over lunch, so time accrues only while the tab is visible AND the
 * person acted (key, pointer, scroll) within the last `idleMs`. After that the clock stops at the
 * moment it went idle, not at the next action, and restarts with that action.
 *
 * Pure: the caller passes the time of every event (performance.now() in the page), so the tests
 * drive it with plain numbers.
 */
export const IDLE_MS = 60_000;

export class ActiveClock {
	#idleMs: number;
	#totalMs = 0;
	/** Start of the running active span, or null while stopped. */
	#since: number | null = null;
	#lastActivity = 0;
	#visible: boolean;

	constructor(now: number, opts: { idleMs?: number; visible?: boolean } = {}) {
		this.#idleMs = opts.idleMs ?? IDLE_MS;
		this.#visible = opts.visible ?? true;
		// Opening a task counts as acting on it.
		if (this.#visible) this.activity(now);
	}

	/** The person did something on the page. */
	activity(now: number): void {
		if (!this.#visible) return;
		if (this.#since !== null && now - this.#lastActivity > this.#idleMs) this.#close(now);
		if (this.#since === null) this.#since = now;
		this.#lastActivity = now;
	}

	/** The tab was hidden or shown again (document.visibilityState). */
	visibility(visible: boolean, now: number): void {
		if (visible === this.#visible) return;
		if (!visible) {
			this.#close(now);
			this.#visible = false;
		} else {
			this.#visible = true;
			this.activity(now);
		}
	}

	/** Active milliseconds so far. */
	elapsedMs(now: number): number {
		return this.#totalMs + (this.#since === null ? 0 : this.#spanEnd(now) - this.#since);
	}

	/** Whole active seconds so far (what a label records). */
	seconds(now: number): number {
		return Math.round(this.elapsedMs(now) / 1000);
	}

	/** Whether the clock is running now (visible and not idle). */
	running(now: number): boolean {
		return this.#since !== null && now - this.#lastActivity <= this.#idleMs;
	}

	/** A running span ends at `now`, or where it went idle if that was earlier. */
	#spanEnd(now: number): number {
		return Math.min(now, this.#lastActivity + this.#idleMs);
	}

	#close(now: number): void {
		if (this.#since === null) return;
		this.#totalMs += Math.max(0, this.#spanEnd(now) - this.#since);
		this.#since = null;
	}
}
