/** The one query the demo needs outside the import path. */
import type { Db } from '../client';

/** True when the instance has no project at all (a fresh install). */
export async function instanceHasNoProjects(db: Db): Promise<boolean> {
	const row = await db.selectFrom('project').select('id').limit(1).executeTakeFirst();
	return row === undefined;
}
