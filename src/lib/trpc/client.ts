/**
 * The typed tRPC client. Pass SvelteKit's `fetch` inside `load` so requests
 * carry cookies during server rendering; in components call `trpc()`.
 * Only `type AppRouter` crosses from the server: no server code is bundled.
 */
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '$lib/server/trpc/router';

export function trpc(fetchFn: typeof fetch = fetch) {
	return createTRPCClient<AppRouter>({
		links: [httpBatchLink({ url: '/api/trpc', transformer: superjson, fetch: fetchFn })]
	});
}

export function isTrpcError(error: unknown): error is TRPCClientError<AppRouter> {
	return error instanceof TRPCClientError;
}

export type { AppRouter };
