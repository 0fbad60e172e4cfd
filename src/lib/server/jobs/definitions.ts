/**
 * The queue contract: every job name and its payload schema live here and
 * nowhere else. Producers call `enqueue`; the worker validates with the same
 * schema before a handler runs, so a malformed payload fails loudly once.
 */
import { z } from 'zod';

export const jobDefinitions = {
	'project.refresh-stats': z.object({ projectId: z.string().uuid() }),
	/** Parses a stored upload and writes it into its dataset (services/import-runner.ts). */
	'dataset.import': z.object({ importId: z.string().uuid() }),
	/**
	 * Works a live judge run until no pending judgment is left (services/judge-executor.ts). A run
	 * has `shards` such jobs (key `judge-run:<run>:<i>`), each with its share of the provider's concurrency.
	 */
	'judge.run': z.object({ runId: z.string().uuid(), shards: z.number().int().min(1).max(64) }),
	/**
	 * The demo project's results (services/demo-results.ts): after its imports (same named queue),
	 * a simulated judge run per dataset and simulated annotators' labels.
	 */
	'demo.results': z.object({
		projectId: z.string().uuid(),
		userId: z.string().uuid(),
		datasetIds: z.object({ en: z.string().uuid(), zh: z.string().uuid() }),
		importIds: z.array(z.string().uuid()).max(16)
	})
} as const;

export type JobName = keyof typeof jobDefinitions;
export type JobPayload<N extends JobName> = z.infer<(typeof jobDefinitions)[N]>;

export interface JobSpec {
	/** Deduplicates: a second enqueue with the same key replaces the pending job. */
	jobKey?: string;
	runAt?: Date;
	maxAttempts?: number;
	priority?: number;
	/** Jobs of one named queue run one after another, in the order they were added. */
	queueName?: string;
}
