import type { Db } from '../db/client';
import { pingDatabase } from '../db/repositories/health';

/** Resolves when the database answers within `timeoutMs`; rejects otherwise. */
export async function checkDatabase(db: Db, timeoutMs = 2000): Promise<void> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	try {
		await Promise.race([
			pingDatabase(db),
			new Promise((_, reject) => {
				timer = setTimeout(() => reject(new Error('database timeout')), timeoutMs);
			})
		]);
	} finally {
		clearTimeout(timer);
	}
}
