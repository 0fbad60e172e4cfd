/** Shapes the import wizard receives from tRPC, inferred from the router (type-only). */
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '$lib/trpc/client';

type Outputs = inferRouterOutputs<AppRouter>;
export type ImportPreview = Outputs['imports']['preview'];
export type PreviewRow = ImportPreview['rows'][number];
export type ImportView = Outputs['imports']['get'];
export type ImportErrorEntry = ImportView['errors'][number];

export interface DatasetOption {
	id: string;
	name: string;
}

export type Target = { kind: 'existing'; datasetId: string } | { kind: 'new'; name: string };

export const RUNNING_STATUSES: readonly string[] = ['queued', 'validating', 'importing'];
