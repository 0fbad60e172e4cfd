/**
 * Imports (admin only). The file itself is uploaded by
 * POST /api/projects/[projectId]/imports (streamed, not through tRPC); these
 * procedures preview it, start the import job, and follow its progress.
 */
import { z } from 'zod';
import * as imports from '../../services/imports';
import { projectProcedure, router } from '../init';

const ImportRefSchema = z.object({ importId: z.string().uuid() });

export const importsRouter = router({
	/** Every supported format, for the format picker. */
	formats: projectProcedure('admin').query(() => imports.formatList()),

	/** Detected format and columns, suggested (or remembered) mapping, the first rows as stored, and their errors. */
	preview: projectProcedure('admin')
		.input(
			ImportRefSchema.extend({
				format: imports.FormatIdSchema.nullish(),
				mapping: z.record(z.string(), z.unknown()).nullish(),
				datasetId: z.string().uuid().nullish()
			})
		)
		.query(({ ctx, input }) =>
			imports.previewImport(ctx.db, input.projectId, {
				importId: input.importId,
				format: input.format,
				mapping: input.mapping ?? undefined,
				datasetId: input.datasetId
			})
		),

	/** Queues the import job into an existing dataset or a new one. */
	start: projectProcedure('admin')
		.input(imports.StartImportSchema)
		.mutation(({ ctx, input }) => imports.startImport(ctx.db, ctx.queue, input.projectId, input)),

	/** Status, progress (bytes and rows), stats and the first 100 errors. */
	get: projectProcedure('admin')
		.input(ImportRefSchema)
		.query(({ ctx, input }) => imports.getImport(ctx.db, input.projectId, input.importId)),

	list: projectProcedure('admin')
		.input(z.object({ datasetId: z.string().uuid().optional(), limit: z.number().int().min(1).max(200).default(50) }))
		.query(({ ctx, input }) =>
			imports.listImports(ctx.db, input.projectId, { datasetId: input.datasetId, limit: input.limit })
		),

	/** Removes an upload that was never imported (or an import that failed or was cancelled), with its stored chunks. */
	discard: projectProcedure('admin')
		.input(ImportRefSchema)
		.mutation(({ ctx, input }) => imports.discardImport(ctx.db, input.projectId, input.importId)),

	cancel: projectProcedure('admin')
		.input(ImportRefSchema)
		.mutation(({ ctx, input }) => imports.cancelImport(ctx.db, input.projectId, input.importId))
});
