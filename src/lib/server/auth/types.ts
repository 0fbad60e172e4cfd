/** What request handlers and tRPC procedures know about the signed-in user. */
export interface SessionUser {
	id: string;
	email: string;
	displayName: string;
	isInstanceAdmin: boolean;
	locale: string | null;
}

export interface SessionInfo {
	id: string;
	createdAt: Date;
	lastVerifiedAt: Date;
}

/** A request authenticated by an API token (`Authorization: Bearer concord_…`) instead of a session. */
export interface ApiTokenInfo {
	id: string;
	/** The one project the token reaches. */
	projectId: string;
	/** The token's role there (never wider than the owner's membership; checked at every use). */
	role: import('../../schemas/project').ProjectRole;
}
