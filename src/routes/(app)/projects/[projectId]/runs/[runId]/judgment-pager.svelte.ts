/**
 * The judgments shown so far: the page load's first page, then keyset pages appended by
 * "Show more" through the tRPC client (the URL keeps describing the filters only).
 */
import { trpc } from '$lib/trpc/client';
import type { JudgmentFilters } from './judgment-filters';
import type { PageData } from './$types';

export type JudgmentRow = PageData['page']['judgments'][number];

export class JudgmentPager {
	rows = $state<JudgmentRow[]>([]);
	nextCursor = $state<string | null>(null);
	loading = $state(false);
	error = $state<string | null>(null);

	constructor(
		private readonly ref: { projectId: string; runId: string },
		private readonly filters: JudgmentFilters,
		private readonly limit: number,
		first: PageData['page']
	) {
		this.rows = first.judgments;
		this.nextCursor = first.nextCursor;
	}

	async more() {
		if (!this.nextCursor || this.loading) return;
		this.loading = true;
		this.error = null;
		try {
			const page = await trpc().judgeRuns.judgments.query({
				...this.ref,
				...this.filters,
				cursor: this.nextCursor,
				limit: this.limit
			});
			this.rows = [...this.rows, ...page.judgments];
			this.nextCursor = page.nextCursor;
		} catch (error) {
			this.error = error instanceof Error ? error.message : String(error);
		} finally {
			this.loading = false;
		}
	}
}
