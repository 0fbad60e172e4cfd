/**
 * Queries on `llm_provider`. Rows carry the key's source (an env var name or AES-256-GCM
 * ciphertext); services turn them into key-free views (services/provider-config.ts) before
 * anything leaves the server.
 */
import type { Db } from '../client';
import type { LlmProvider, LlmProviderTable } from '../schema';
import type { Insertable, Updateable } from 'kysely';

export type ProviderValues = Omit<
	Insertable<LlmProviderTable>,
	'id' | 'project_id' | 'created_by' | 'created_at' | 'updated_at' | 'archived_at'
>;

export async function listProviders(db: Db, projectId: string, includeArchived: boolean): Promise<LlmProvider[]> {
	let q = db.selectFrom('llm_provider').selectAll().where('project_id', '=', projectId);
	if (!includeArchived) q = q.where('archived_at', 'is', null);
	return q.orderBy('name').execute();
}

export async function findProvider(db: Db, projectId: string, providerId: string): Promise<LlmProvider | undefined> {
	return db
		.selectFrom('llm_provider')
		.selectAll()
		.where('project_id', '=', projectId)
		.where('id', '=', providerId)
		.executeTakeFirst();
}

/** Inserts with a chosen id (a stored key's ciphertext is bound to it); undefined when the name is taken. */
export async function insertProvider(
	db: Db,
	row: ProviderValues & { id: string; projectId: string; createdBy: string | null }
): Promise<LlmProvider | undefined> {
	const { projectId, createdBy, ...values } = row;
	return db
		.insertInto('llm_provider')
		.values({ ...values, project_id: projectId, created_by: createdBy })
		.onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
		.returningAll()
		.executeTakeFirst();
}

export async function providerNameTaken(db: Db, projectId: string, name: string, exceptId: string): Promise<boolean> {
	const row = await db
		.selectFrom('llm_provider')
		.select('id')
		.where('project_id', '=', projectId)
		.where('name', '=', name)
		.where('id', '<>', exceptId)
		.executeTakeFirst();
	return row !== undefined;
}

export async function updateProvider(
	db: Db,
	projectId: string,
	providerId: string,
	values: Updateable<LlmProviderTable>
): Promise<LlmProvider | undefined> {
	return db
		.updateTable('llm_provider')
		.set({ ...values, updated_at: new Date() })
		.where('project_id', '=', projectId)
		.where('id', '=', providerId)
		.returningAll()
		.executeTakeFirst();
}

export async function archiveProvider(db: Db, projectId: string, providerId: string): Promise<boolean> {
	const r = await db
		.updateTable('llm_provider')
		.set({ archived_at: new Date(), updated_at: new Date() })
		.where('project_id', '=', projectId)
		.where('id', '=', providerId)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	return r.numUpdatedRows > 0n;
}
