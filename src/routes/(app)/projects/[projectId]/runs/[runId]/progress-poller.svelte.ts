/**
 * A run's progress, polled through the tRPC client about once a second while the run can still
 * change, and no more once it is cancelled, completed or failed. A failed poll (network blip,
 * server restart) is retried more slowly; the last good numbers stay on screen meanwhile.
 *
 * `announcement` is what the page's polite live region reads out. It changes only when the
 * status changes or the run crosses another quarter of its units, so a screen reader hears a
 * handful of sentences per run rather than one per second.
 */
import { trpc } from '$lib/trpc/client';
import { isTerminal, type RunStatus } from '../run-format';

export interface Progress {
	status: RunStatus;
	total: number;
	done: number;
	pending: number;
	running: number;
	ok: number;
	abstained: number;
	unparseable: number;
	failed: number;
	inputTokens: number;
	outputTokens: number;
	cost: number | null;
	elapsedMs: number;
	etaMs: number | null;
	judgeSecondsPerItem: number | null;
}

const POLL_MS = 1000;
const RETRY_MS = 5000;

export const quarterOf = (p: Pick<Progress, 'done' | 'total'>) =>
	p.total > 0 ? Math.floor((4 * p.done) / p.total) : 0;

export class RunProgress {
	progress = $state<Progress>() as Progress;
	/** The last poll failed (the numbers shown may be stale). */
	stale = $state(false);
	/** Status and quarter last announced: the live region changes only when one of them does. */
	announced = $state<{ status: RunStatus; quarter: number }>() as { status: RunStatus; quarter: number };

	private timer: ReturnType<typeof setTimeout> | null = null;
	private stopped = false;

	constructor(
		private readonly ref: { projectId: string; runId: string },
		initial: Progress,
		/** Called once when a polled run reaches a terminal status (to reload the summary). */
		private readonly onFinished: () => void
	) {
		this.progress = initial;
		this.announced = { status: initial.status, quarter: quarterOf(initial) };
	}

	get active(): boolean {
		return !isTerminal(this.progress.status);
	}

	/** Begins polling when the run can still change (idempotent). */
	start() {
		this.stopped = false;
		if (this.active && !this.timer) this.schedule(POLL_MS);
	}

	/** New numbers from a page load (after cancel/resume): take them and poll again if needed. */
	reset(next: Progress) {
		this.progress = next;
		this.announced = { status: next.status, quarter: quarterOf(next) };
		this.start();
	}

	private schedule(ms: number) {
		if (this.stopped) return;
		this.timer = setTimeout(() => void this.poll(), ms);
	}

	private async poll() {
		this.timer = null;
		try {
			const next = await trpc().judgeRuns.progress.query(this.ref);
			if (this.stopped) return;
			this.progress = next;
			this.stale = false;
			const quarter = quarterOf(next);
			if (next.status !== this.announced.status || quarter !== this.announced.quarter)
				this.announced = { status: next.status, quarter };
			if (isTerminal(next.status)) this.onFinished();
			else this.schedule(POLL_MS);
		} catch {
			if (this.stopped) return;
			this.stale = true;
			this.schedule(RETRY_MS);
		}
	}

	stop() {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
	}
}
