import { Migrator, type Kysely } from 'kysely';
import { migrations } from '../../../../migrations/index';

/**
 * Brings the schema to the latest version. Kysely's Migrator takes a PostgreSQL
 * advisory lock for the run, so several instances starting at once apply each
 * migration exactly once; the others wait, then find nothing left to do.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
	const migrator = new Migrator({
		db,
		provider: { getMigrations: async () => migrations },
		// Features are built in parallel, each with its own block of numbers (ARCHITECTURE.md),
		// so a lower-numbered migration can ship after a higher one: apply it rather than refuse.
		allowUnorderedMigrations: true
	});
	const { error, results } = await migrator.migrateToLatest();
	const failed = results?.find((r) => r.status === 'Error');
	if (error || failed) {
		const cause = error instanceof Error ? error.message : String(error ?? '');
		throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${cause}`, { cause: error });
	}
	return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
