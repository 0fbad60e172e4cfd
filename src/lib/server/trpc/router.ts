/**
 * The root tRPC router: one line per feature router. The client imports only
 * `type AppRouter` from here.
 */
import { router } from './init';
import { accountRouter } from './routers/account';
import { annotationRouter } from './routers/annotation';
import { apiTokensRouter } from './routers/api-tokens';
import { analysisRouter } from './routers/analysis';
import { authRouter } from './routers/auth';
import { datasetsRouter } from './routers/datasets';
import { demoRouter } from './routers/demo';
import { gateRouter } from './routers/gate';
import { importsRouter } from './routers/imports';
import { judgeRunsRouter } from './routers/judge-runs';
import { invitationsRouter } from './routers/invitations';
import { membersRouter } from './routers/members';
import { projectsRouter } from './routers/projects';
import { providersRouter } from './routers/providers';
import { resultsRouter } from './routers/results';
import { rubricsRouter } from './routers/rubrics';

export const appRouter = router({
	datasets: datasetsRouter,
	demo: demoRouter,
	imports: importsRouter,
	judgeRuns: judgeRunsRouter,
	results: resultsRouter,
	rubrics: rubricsRouter,
	providers: providersRouter,
	annotation: annotationRouter,
	analysis: analysisRouter,
	gate: gateRouter,
	account: accountRouter,
	apiTokens: apiTokensRouter,
	projects: projectsRouter,
	members: membersRouter,
	auth: authRouter,
	invitations: invitationsRouter
});

export type AppRouter = typeof appRouter;
