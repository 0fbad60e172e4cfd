import type { SessionInfo, SessionUser } from '$lib/server/auth/types';

declare global {
	namespace App {
		interface Locals {
			user: SessionUser | null;
			session: SessionInfo | null;
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
