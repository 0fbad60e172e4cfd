/**
 * Table types for Kysely, declared by hand beside the migrations that create them.
 * `Generated<T>` marks columns with a database default.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp with a database default. Not `Generated<Timestamp>`: that nests ColumnType and selects as ColumnType instead of Date. */
export type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type ProjectRole = 'admin' | 'annotator' | 'viewer';

export interface AppUserTable {
	id: Generated<string>;
	email: string;
	display_name: string;
	password_hash: string;
	is_instance_admin: Generated<boolean>;
	locale: string | null;
	created_at: GeneratedTimestamp;
}

export interface AuthSessionTable {
	id: string;
	secret_hash: Uint8Array;
	user_id: string;
	created_at: Timestamp;
	last_verified_at: Timestamp;
	user_agent: string | null;
	client_address: string | null;
}

export interface LoginThrottleTable {
	key: string;
	failures: Generated<number>;
	window_started_at: Timestamp;
	locked_until: Timestamp | null;
}

export interface ProjectTable {
	id: Generated<string>;
	name: string;
	description: Generated<string>;
	created_by: string | null;
	created_at: GeneratedTimestamp;
}

export interface ProjectMemberTable {
	project_id: string;
	user_id: string;
	role: ProjectRole;
	created_at: GeneratedTimestamp;
}

export interface InvitationTable {
	id: Generated<string>;
	token_hash: Uint8Array;
	email: string | null;
	project_id: string | null;
	role: ProjectRole | null;
	created_by: string | null;
	created_at: GeneratedTimestamp;
	expires_at: Timestamp;
	accepted_at: Timestamp | null;
	accepted_by: string | null;
	revoked_at: Timestamp | null;
}

export interface ProjectStatsTable {
	project_id: string;
	member_count: number;
	counts: ColumnType<Record<string, number>, string | Record<string, number>, string | Record<string, number>>;
	refreshed_at: Timestamp;
	refreshed_by_worker: string | null;
}

export interface Database {
	app_user: AppUserTable;
	auth_session: AuthSessionTable;
	login_throttle: LoginThrottleTable;
	project: ProjectTable;
	project_member: ProjectMemberTable;
	invitation: InvitationTable;
	project_stats: ProjectStatsTable;
}

export type AppUser = Selectable<AppUserTable>;
export type NewAppUser = Insertable<AppUserTable>;
export type AppUserUpdate = Updateable<AppUserTable>;
export type Project = Selectable<ProjectTable>;
