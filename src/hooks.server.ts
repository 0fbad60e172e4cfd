import type { Handle, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { dev } from '$app/environment';
import { handleOriginCheck } from '$lib/server/auth/origin-check';
import { createSessionHandle } from '$lib/server/auth/session-handle';
import { createBodyLimitHandle } from '$lib/server/http/body-limit';
import { resolveClientAddress } from '$lib/server/client-address';
import { env } from '$lib/server/env';
import { publicUrl } from '$lib/server/public-url';
import { logger } from '$lib/server/logger';
import { bootRuntime, getRuntime } from '$lib/server/runtime';
import { logDemoHintIfEmpty } from '$lib/server/services/demo';
import { startStatsWorker } from '$lib/server/stats-worker';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { isTrpcRequest, projectIdsOfRequest } from '$lib/server/trpc/project-ids';

export const init: ServerInit = async () => {
	const config = env();
	const runtime = await bootRuntime({ worker: config.CONCORD_INPROCESS_WORKER });
	// The router holds every service and the statistics library: loaded here, at start-up, instead
	// of on the first API call or page load, which would otherwise wait ~0.3 s for it (bench:agreement).
	await import('$lib/server/trpc/router');
	// The bootstrap's second thread boots now, not on the first analysis page that needs it.
	startStatsWorker();
	// adapter-node emits this after the HTTP server has closed on SIGTERM/SIGINT.
	process.once('sveltekit:shutdown' as 'exit', () => {
		runtime.stop().catch((error) => logger.error('shutdown failed', { error }));
	});
	// adapter-node would only say "Listening on 0.0.0.0:3000"; give people a URL they can open.
	if (!dev) process.stdout.write(`Concord is running at ${publicUrl()}\n`);
	await logDemoHintIfEmpty(runtime.db, `${publicUrl().replace(/\/$/, '')}/demo`).catch((error) =>
		logger.warn('demo hint failed', { error })
	);
};

const trustedProxies = env()
	.CONCORD_TRUSTED_PROXIES.split(',')
	.map((s) => s.trim())
	.filter(Boolean);

const handleClientAddress: Handle = ({ event, resolve }) => {
	event.locals.clientAddress = resolveClientAddress(
		event.getClientAddress(),
		event.request.headers.get('x-forwarded-for'),
		trustedProxies
	);
	event.locals.user = null;
	event.locals.session = null;
	event.locals.memberships = null;
	return resolve(event);
};

// Pages only: /api/ endpoints answer JSON, CSV or uploads and pass any locale explicitly (card
// exports), and the middleware copies the request twice, a fair share of a small tRPC call's CPU.
const handleLocale: Handle = ({ event, resolve }) =>
	event.url.pathname.startsWith('/api/')
		? resolve(event)
		: paraglideMiddleware(event.request, ({ request, locale }) => {
				event.request = request;
				return resolve(event, { transformPageChunk: ({ html }) => html.replace('%lang%', locale) });
			});

// Resolves the session cookie into event.locals.user / session, with the memberships of the
// projects the request names in the same query (projectProcedure then needs no lookup of its own).
// A tRPC request's projects are in its body: its createContext resolves the session once tRPC has
// parsed the inputs (trpc/context.ts).
const handleSession = createSessionHandle({
	getDb: async () => (await getRuntime()).db,
	projectIdsOf: projectIdsOfRequest,
	defer: isTrpcRequest
});

// The Origin check comes first: a cross-site state-changing request is refused before anything runs.
export const handle: Handle = sequence(
	handleOriginCheck,
	createBodyLimitHandle(),
	handleClientAddress,
	handleSession,
	handleLocale
);
