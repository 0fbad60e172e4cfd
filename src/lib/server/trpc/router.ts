/**
 * The root tRPC router: one line per feature router. The client imports only
 * `type AppRouter` from here.
 */
import { router } from './init';
import { systemRouter } from './routers/system';

export const appRouter = router({
	system: systemRouter
});

export type AppRouter = typeof appRouter;
