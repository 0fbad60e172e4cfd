/**
 * The instance admin every spec shares. `first-admin.setup.ts` creates it on
 * the fresh instance (the first account becomes instance admin) and saves its
 * signed-in browser state; specs then use
 *   test.use({ storageState: adminStatePath });
 * or sign in with `admin` through the UI.
 *
 * Specs must not sign the admin out or revoke its sessions: that would
 * invalidate the saved state for the specs that follow. Sign out other
 * accounts you create instead.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';

export const admin = {
	name: 'Ada Admin',
	email: 'admin@concord.test',
	password: 'correct horse battery staple'
};

function dataDir(): string {
	const dir = process.env.CONCORD_E2E_DATA_DIR;
	if (!dir) throw new Error('CONCORD_E2E_DATA_DIR is not set: run the specs through playwright.config.ts');
	return dir;
}

/** Saved cookies of the signed-in admin, inside this run's fresh data directory. */
export const adminStatePath = path.join(dataDir(), 'admin-state.json');

/** A fresh, unique person for specs that invite or sign up someone. */
export function newPerson(label: string) {
	const id = randomUUID().slice(0, 8);
	return {
		name: `${label} ${id}`,
		email: `${label.toLowerCase().replace(/\W+/g, '-')}-${id}@concord.test`,
		password: `pw-${id}-long-enough`
	};
}
