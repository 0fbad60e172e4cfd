/**
 * The parts of `app_user` a user edits about themselves (name, language).
 * Credentials and sessions belong to the auth repositories.
 */
import type { Db } from '../client';

export async function setUserLocale(db: Db, userId: string, locale: string): Promise<void> {
	await db.updateTable('app_user').set({ locale }).where('id', '=', userId).execute();
}

export async function setUserDisplayName(db: Db, userId: string, displayName: string): Promise<void> {
	await db.updateTable('app_user').set({ display_name: displayName }).where('id', '=', userId).execute();
}

export async function findUserProfile(db: Db, userId: string) {
	return db
		.selectFrom('app_user')
		.select([
			'id',
			'email',
			'display_name as displayName',
			'is_instance_admin as isInstanceAdmin',
			'locale',
			'created_at as createdAt'
		])
		.where('id', '=', userId)
		.executeTakeFirst();
}
