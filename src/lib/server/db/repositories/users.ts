/**
 * Queries on `app_user` for accounts and sign-in. Emails are looked up by
 * `lower(email)` (the unique index is on that expression); the address is
 * stored as the user typed it, trimmed.
 */
import { sql } from 'kysely';
import type { Db } from '../client';

export interface UserRow {
	id: string;
	email: string;
	displayName: string;
	isInstanceAdmin: boolean;
	locale: string | null;
}

export interface UserWithPassword extends UserRow {
	passwordHash: string;
}

const userColumns = [
	'id',
	'email',
	'display_name as displayName',
	'is_instance_admin as isInstanceAdmin',
	'locale'
] as const;

export async function findUserByEmail(db: Db, email: string): Promise<UserWithPassword | undefined> {
	return db
		.selectFrom('app_user')
		.select([...userColumns, 'password_hash as passwordHash'])
		.where(sql<string>`lower(email)`, '=', email.trim().toLowerCase())
		.executeTakeFirst();
}

/** Whether any account exists; decides if the next sign-up becomes the first administrator. */
export async function anyUserExists(db: Db): Promise<boolean> {
	const row = await db.selectFrom('app_user').select('id').limit(1).executeTakeFirst();
	return row !== undefined;
}

/**
 * Inserts an account. Returns undefined when the email is taken (the unique
 * index on lower(email) decides, so two racing sign-ups cannot both win).
 */
export async function insertUser(
	db: Db,
	row: { email: string; displayName: string; passwordHash: string; isInstanceAdmin: boolean; locale?: string | null }
): Promise<UserRow | undefined> {
	return db
		.insertInto('app_user')
		.values({
			email: row.email,
			display_name: row.displayName,
			password_hash: row.passwordHash,
			is_instance_admin: row.isInstanceAdmin,
			locale: row.locale ?? null
		})
		.onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
		.returning(userColumns)
		.executeTakeFirst();
}

/**
 * Serialises account creation for the rest of the transaction. Without it two
 * concurrent first sign-ups could both see an empty table and both become admin.
 */
export async function lockAccountCreation(db: Db): Promise<void> {
	await sql`select pg_advisory_xact_lock(hashtext('concord.account-creation'))`.execute(db);
}
