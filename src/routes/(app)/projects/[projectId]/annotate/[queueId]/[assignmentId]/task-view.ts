/** The shapes the workspace renders, as the annotation router sends them. */
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '$lib/trpc/client';

export type Task = inferRouterOutputs<AppRouter>['annotation']['task'];
export type HistoryEntry = inferRouterOutputs<AppRouter>['annotation']['history']['entries'][number];

/** A criterion as the label form shows it (a rubric without criteria gets one for its overall score). */
export interface TaskCriterion {
	id: string;
	name: string;
	description: string;
	scale: { min: number; max: number };
	redLine: boolean;
	/** A categorical criterion: answered with one of these labels, stored as its index (scale 0 … n − 1). */
	categories?: string[];
}

/** The id the overall score goes under when the rubric has no criteria. */
export const OVERALL = '__overall';
