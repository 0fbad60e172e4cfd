/**
 * LLM providers. Viewers may list and read the key-free settings (runs show which provider and
 * model judged); annotators get nothing; everything else is for admins. No response carries a
 * key: see services/llm-providers.ts.
 */
import * as providers from '../../services/llm-providers';
import {
	ListProvidersSchema,
	ProviderRefSchema,
	ProviderSettingsSchema,
	UpdateProviderSchema
} from '../../../schemas/provider';
import { projectProcedure, router } from '../init';

export const providersRouter = router({
	list: projectProcedure('readResults')
		.input(ListProvidersSchema)
		.query(({ ctx, input }) => providers.listProviders(ctx.db, ctx.membership, input)),

	get: projectProcedure('readResults')
		.input(ProviderRefSchema)
		.query(({ ctx, input }) => providers.getProvider(ctx.db, ctx.membership, input.providerId)),

	/** Whether keys can be stored here (CONCORD_SECRET_KEY set): the form says so before anyone types a key. */
	keyStorage: projectProcedure('admin').query(() => providers.keyStorageAvailable()),

	create: projectProcedure('admin')
		.input(ProviderSettingsSchema)
		.mutation(({ ctx, input }) => providers.createProvider(ctx.db, ctx.membership, input)),

	/** Future runs use the new settings; existing runs keep their snapshot. */
	update: projectProcedure('admin')
		.input(UpdateProviderSchema)
		.mutation(({ ctx, input }) => {
			const { providerId, ...settings } = input;
			return providers.updateProvider(ctx.db, ctx.membership, providerId, settings);
		}),

	archive: projectProcedure('admin')
		.input(ProviderRefSchema)
		.mutation(({ ctx, input }) => providers.archiveProvider(ctx.db, ctx.membership, input.providerId)),

	/** Lists the models and makes one tiny call; the simulated judge needs no network. */
	testConnection: projectProcedure('admin')
		.input(ProviderRefSchema)
		.mutation(({ ctx, input }) => providers.testConnection(ctx.db, ctx.membership, input.providerId))
});
