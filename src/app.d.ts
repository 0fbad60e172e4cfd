import type { ApiTokenInfo, SessionInfo, SessionUser } from '$lib/server/auth/types';
import type { PrefetchedMemberships } from '$lib/server/db/repositories/members';

declare global {
	namespace App {
		interface Locals {
			user: SessionUser | null;
			session: SessionInfo | null;
			/** Set instead of `session` when the request authenticated with an API token. */
			apiToken?: ApiTokenInfo | null;
			/** Memberships read with the session for the projects this request names (trpc/project-ids.ts). */
			memberships: PrefetchedMemberships | null;
			/**
			 * Set on a tRPC request with a session cookie: resolves the session (and the memberships
			 * of `projectIds`, in the same query) into the fields above. Called once tRPC has parsed
			 * the inputs that name the projects (trpc/context.ts); later calls share the first.
			 */
			resolveSession?: (projectIds: string[]) => Promise<void>;
			/** The client's address, honouring X-Forwarded-For only from trusted proxies. */
			clientAddress: string;
		}
		interface Error {
			message: string;
			code?: string;
		}
	}
}

export {};
