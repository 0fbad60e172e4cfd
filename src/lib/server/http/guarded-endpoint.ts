/**
 * Plain `+server.ts` endpoints (uploads, health, sign-out) declare their access
 * policy the same way procedures do, and the guard enforces it before the
 * handler runs:
 *
 *   export const POST = guardedEndpoint({
 *     policy: { kind: 'project', capability: 'admin' },   // reads params.projectId
 *     handler: async (event, { user, membership }) => …
 *   });
 *
 * Refusals match `projectProcedure`: 401 without a session, 404 for a
 * non-member (or a malformed project id), 403 for a role without the
 * capability. An API token reaches only `project` endpoints of its own project,
 * with its own role (`projectAccess`); other kinds answer it 403. An `AppError` thrown by the handler becomes its HTTP status
 * (`appErrorMapping`) with `{ error: { message, details } }`; any other error is
 * logged and answered 500 without internals. `policy.test.ts` imports every
 * `+server.ts` and fails on an exported handler that was not built here.
 */
import { isHttpError, isRedirect, json, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { projectAccess, TOKEN_REFUSED } from '../auth/api-tokens';
import type { Policy } from '../auth/policy';
import type { SessionUser } from '../auth/types';
import type { Membership } from '../db/repositories/members';
import { AppError, appErrorMapping } from '../errors';
import { logger } from '../logger';
import { getRuntime } from '../runtime';

/** What the guard established, by policy kind. */
export type Granted<P extends Policy> = P extends { kind: 'project' }
	? { user: SessionUser; membership: Membership }
	: P extends { kind: 'authenticated' | 'instanceAdmin' }
		? { user: SessionUser }
		: { user: SessionUser | null };

export type GuardedEndpoint<E extends RequestEvent> = ((event: E) => Promise<Response>) & { readonly policy: Policy };

/** The policy an exported handler declared, or undefined for one not built by `guardedEndpoint`. */
export function endpointPolicy(handler: unknown): Policy | undefined {
	return typeof handler === 'function' ? (handler as Partial<GuardedEndpoint<RequestEvent>>).policy : undefined;
}

export function errorResponse(status: number, message: string, details?: unknown): Response {
	return json({ error: { message, details } }, { status });
}

const ProjectIdSchema = z.string().uuid();

async function grant(policy: Policy, event: RequestEvent): Promise<Granted<Policy>> {
	const user = event.locals.user;
	if (policy.kind === 'public' || policy.kind === 'procedures') return { user };
	if (!user) throw new AppError('UNAUTHORIZED', 'Sign in first.');
	const apiToken = event.locals.apiToken ?? null;
	if (policy.kind !== 'project' && apiToken) throw new AppError('FORBIDDEN', TOKEN_REFUSED);
	if (policy.kind === 'authenticated') return { user };
	if (policy.kind === 'instanceAdmin') {
		if (!user.isInstanceAdmin) throw new AppError('FORBIDDEN', 'Instance administrators only.');
		return { user };
	}
	const projectId = (event.params as { projectId?: string }).projectId;
	// Same answer for a malformed id as for a project the caller is not in: ids cannot be probed.
	if (!ProjectIdSchema.safeParse(projectId).success) throw new AppError('NOT_FOUND', 'Project not found.');
	const membership = await projectAccess((await getRuntime()).db, { user, apiToken }, projectId!, policy.capability);
	return { user, membership };
}

export function guardedEndpoint<E extends RequestEvent, const P extends Policy>(spec: {
	policy: P;
	handler: (event: E, granted: Granted<P>) => Response | Promise<Response>;
}): GuardedEndpoint<E> {
	const guarded = async (event: E): Promise<Response> => {
		try {
			const granted = (await grant(spec.policy, event)) as Granted<P>;
			return await spec.handler(event, granted);
		} catch (error) {
			if (isRedirect(error) || isHttpError(error)) throw error;
			if (error instanceof AppError)
				return errorResponse(appErrorMapping[error.code].http, error.message, error.details);
			logger.error('endpoint failed', { error, path: event.url.pathname });
			return errorResponse(500, 'The request failed because of a server error.');
		}
	};
	return Object.assign(guarded, { policy: spec.policy });
}
