/**
 * Labels every task a queue still offers someone, through tRPC (annotation.next, then
 * annotation.submit): the other annotators of a spec, whose clicks are not what it tests.
 */
import { randomUUID } from 'node:crypto';
import type { trpcAs } from './trpc';

/** Returns how many tasks were labelled; `label(i)` and `rationale(i)` for the i-th task. */
export async function labelEveryTask(
	api: ReturnType<typeof trpcAs>,
	task: {
		projectId: string;
		queueId: string;
		label: (i: number) => Record<string, unknown>;
		rationale: (i: number) => string;
		activeSeconds: number;
	}
): Promise<number> {
	for (let i = 0; ; i++) {
		const next = await api.mutate<{ assignmentId: string } | null>('annotation.next', {
			projectId: task.projectId,
			queueId: task.queueId
		});
		if (!next) return i;
		await api.mutate('annotation.submit', {
			projectId: task.projectId,
			assignmentId: next.assignmentId,
			label: task.label(i),
			rationale: task.rationale(i),
			activeSeconds: task.activeSeconds,
			idempotencyKey: randomUUID()
		});
	}
}
