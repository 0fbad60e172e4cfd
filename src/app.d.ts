import type { ApiTokenInfo, SessionInfo, SessionUser } from '$lib/server/auth/types';

declare global {
	namespace App {
		interface Locals {
			user: SessionUser | null;
			session: SessionInfo | null;
			/** Set instead of `session` when the request authenticated with an API token. */
			apiToken?: ApiTokenInfo | null;
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
