/**
 * tRPC setup. Every procedure is built from one of the builders below, each of
 * which records its access policy in `meta.policy`; `policy.test.ts` walks the
 * router and fails on any procedure without one. What a project role may do is
 * decided in `auth/policy.ts`, not here.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z } from 'zod';
import type { Db } from '../db/client';
import { env } from '../env';
import { AppError, appErrorMapping } from '../errors';
import type { Queue } from '../jobs/queue';
import type { ApiTokenInfo, SessionInfo, SessionUser } from '../auth/types';
import { projectAccess, TOKEN_REFUSED } from '../auth/api-tokens';
import type { Capability, Policy } from '../auth/policy';
import type { PrefetchedMemberships } from '../db/repositories/members';

export interface RequestInfo {
	clientAddress: string;
	userAgent: string | null;
	setCookie?: (name: string, value: string, opts: Record<string, unknown>) => void;
	/** A cookie the browser sent (the session token to end at sign-in, the language chosen before signing up). */
	getCookie?: (name: string) => string | undefined;
	/** Served over https: decides the session cookie's name (`__Host-session`) and `Secure`. */
	secure?: boolean;
}

export interface Context {
	db: Db;
	queue: Queue;
	user: SessionUser | null;
	session: SessionInfo | null;
	/** Set (and `session` null) when the request came with an API token (auth/api-tokens.ts). */
	apiToken?: ApiTokenInfo | null;
	/** Memberships read with the session for the projects the request names (this request only). */
	memberships?: PrefetchedMemberships;
	request: RequestInfo;
}

export type { Policy };

export interface Meta {
	policy?: Policy;
}

const t = initTRPC
	.context<Context>()
	.meta<Meta>()
	.create({
		transformer: superjson,
		// Stack traces only outside production.
		isDev: env().NODE_ENV !== 'production',
		errorFormatter({ shape, error }) {
			const cause = error.cause;
			return {
				...shape,
				data: {
					...shape.data,
					appCode: cause instanceof AppError ? cause.code : undefined,
					details: cause instanceof AppError ? cause.details : undefined,
					zodIssues: cause instanceof z.ZodError ? cause.issues : undefined
				}
			};
		}
	});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps AppError (thrown by services) once to tRPC errors. */
const mapErrors = t.middleware(async ({ next }) => {
	const result = await next();
	if (!result.ok && result.error.cause instanceof AppError) {
		const cause = result.error.cause;
		throw new TRPCError({ code: appErrorMapping[cause.code].trpc, message: cause.message, cause });
	}
	return result;
});

const base = t.procedure.use(mapErrors);

export const publicProcedure = base.meta({ policy: { kind: 'public' } });

export const authedProcedure = base.meta({ policy: { kind: 'authenticated' } }).use(({ ctx, next }) => {
	// Account procedures (passwords, sessions, tokens, new projects) are for a signed-in person only.
	if (ctx.apiToken) throw new TRPCError({ code: 'FORBIDDEN', message: TOKEN_REFUSED });
	if (!ctx.user || !ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first.' });
	return next({ ctx: { ...ctx, user: ctx.user, session: ctx.session } });
});

export const instanceAdminProcedure = authedProcedure
	.meta({ policy: { kind: 'instanceAdmin' } })
	.use(({ ctx, next }) => {
		if (!ctx.user.isInstanceAdmin) throw new TRPCError({ code: 'FORBIDDEN', message: 'Instance administrators only.' });
		return next();
	});

/**
 * A procedure on one project's data. Input must carry `projectId`; the caller
 * must be a member whose role grants `capability` (auth/policy.ts). Non-members
 * get NOT_FOUND, not FORBIDDEN, so project ids cannot be probed. A signed-in
 * person or an API token may call it; a token only in its own project and with
 * its own role (`projectAccess`, auth/api-tokens.ts).
 */
export function projectProcedure(capability: Capability) {
	return base
		.meta({ policy: { kind: 'project', capability } })
		.use(({ ctx, next }) => {
			if (!ctx.user || (!ctx.session && !ctx.apiToken))
				throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first.' });
			return next({ ctx: { ...ctx, user: ctx.user, apiToken: ctx.apiToken ?? null } });
		})
		.input(z.object({ projectId: z.string().uuid() }))
		.use(async ({ ctx, input, next }) => {
			// Prefetched with the session, and only for the same user (a page that signs someone in mid-request has another).
			const prefetched =
				ctx.memberships?.userId === ctx.user.id
					? ctx.memberships.byProject.get(input.projectId.toLowerCase())
					: undefined;
			const membership = await projectAccess(ctx.db, ctx, input.projectId, capability, prefetched);
			return next({ ctx: { ...ctx, membership } });
		});
}
