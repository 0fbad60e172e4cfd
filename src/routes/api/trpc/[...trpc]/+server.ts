import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { RequestEvent } from './$types';
import { createContext } from '$lib/server/trpc/context';
import { appRouter } from '$lib/server/trpc/router';
import { logger } from '$lib/server/logger';
import { guardedEndpoint } from '$lib/server/http/guarded-endpoint';

// Each procedure declares and enforces its own policy (its builder in trpc/init.ts).
const handler = guardedEndpoint({
	policy: { kind: 'procedures' },
	handler: (event: RequestEvent) =>
		fetchRequestHandler({
			endpoint: '/api/trpc',
			req: event.request,
			router: appRouter,
			createContext: ({ info }) => createContext(event, info),
			onError: ({ error, path }) => {
				if (error.code === 'INTERNAL_SERVER_ERROR') logger.error('trpc error', { path, error });
			}
		})
});

export const GET = handler;
export const POST = handler;
