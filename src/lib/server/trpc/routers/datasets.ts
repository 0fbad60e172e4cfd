/**
 * Browsing datasets: lists, items, one item with its candidate answers. Every
 * procedure reads items only (the readItems capability: annotators included), so none
 * of them may return judge output — see services/dataset-browse.ts.
 */
import { z } from 'zod';
import * as datasets from '../../services/dataset-browse';
import * as items from '../../services/dataset-items';
import { projectProcedure, router } from '../init';

const DatasetRefSchema = z.object({ datasetId: z.string().uuid() });

/** Empty strings from form fields mean "no filter". */
const optionalText = (max: number) =>
	z
		.string()
		.trim()
		.max(max)
		.optional()
		.transform((v) => (v ? v : undefined));

export const ItemFilterSchema = z.object({
	search: optionalText(200),
	systemId: z.string().uuid().optional(),
	category: optionalText(500),
	tag: optionalText(500)
});

export const ItemPageSchema = DatasetRefSchema.extend(ItemFilterSchema.shape).extend({
	after: z.string().max(10_000).optional(),
	before: z.string().max(10_000).optional(),
	limit: z.number().int().min(1).max(200).default(50)
});

const ItemRefSchema = DatasetRefSchema.extend(ItemFilterSchema.shape).extend({ itemId: z.string().uuid() });

export const datasetsRouter = router({
	/** The project's datasets with item, answer and system counts. */
	list: projectProcedure('readItems').query(({ ctx }) => datasets.listDatasets(ctx.db, ctx.membership)),

	/** One dataset with its recent revisions and the field mapping of its last import. */
	get: projectProcedure('readItems')
		.input(DatasetRefSchema)
		.query(({ ctx, input }) => datasets.getDataset(ctx.db, ctx.membership, input.datasetId)),

	/** A keyset page of items (ordered by external id), searched and filtered. */
	items: projectProcedure('readItems')
		.input(ItemPageSchema)
		.query(({ ctx, input }) => items.listItems(ctx.db, ctx.membership, input)),

	/** One item: prompt or conversation, reference, every candidate answer, and its neighbours under the same filters. */
	item: projectProcedure('readItems')
		.input(ItemRefSchema)
		.query(({ ctx, input }) => items.getItem(ctx.db, ctx.membership, input)),

	/** Systems that answered in the dataset, with answer counts. */
	systems: projectProcedure('readItems')
		.input(DatasetRefSchema)
		.query(({ ctx, input }) => datasets.listSystems(ctx.db, ctx.membership, input.datasetId)),

	/** Category and tag values with item counts (the most frequent 200 of each) under the other active filters. */
	categories: projectProcedure('readItems')
		.input(DatasetRefSchema.extend(ItemFilterSchema.shape))
		.query(({ ctx, input }) => items.listItemFacets(ctx.db, ctx.membership, input))
});
