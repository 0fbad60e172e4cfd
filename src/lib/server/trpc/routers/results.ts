/**
 * Judge output and human labels as they were imported or made, per item and
 * per dataset. Results: only roles that read results may call these
 * (annotators are refused, so they stay blind to judges and to each other).
 */
import { z } from 'zod';
import * as itemResults from '../../services/item-results';
import { projectProcedure, router } from '../init';

const DatasetRefSchema = z.object({ datasetId: z.string().uuid() });

export const resultsRouter = router({
	/** Every judgment (run, order, sample, verdict or score) and every human label on one item's answers. */
	item: projectProcedure('readResults')
		.input(DatasetRefSchema.extend({ itemId: z.string().uuid() }))
		.query(({ ctx, input }) => itemResults.getItemResults(ctx.db, ctx.membership, input)),

	/** A dataset's judge runs and label sources, with counts. */
	datasetSources: projectProcedure('readResults')
		.input(DatasetRefSchema)
		.query(({ ctx, input }) => itemResults.getDatasetResultSources(ctx.db, ctx.membership, input.datasetId))
});
