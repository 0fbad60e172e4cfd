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
