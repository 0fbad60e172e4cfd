/**
 * Server-side tRPC calls from `+page.server.ts` / `+layout.server.ts` loads and
 * form actions: the same procedures, policies and validation as over HTTP,
 * without a network hop.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { createContext } from './context';
import { createCallerFactory } from './init';
import { appRouter } from './router';

const createCaller = createCallerFactory(appRouter);

export async function serverCaller(event: RequestEvent) {
	return createCaller(await createContext(event));
}
