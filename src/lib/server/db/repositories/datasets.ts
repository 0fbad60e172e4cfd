/**
 * Write-side queries on datasets and their revisions (the read side for the
 * browser lives in dataset-browse.ts). Counts on `dataset` are maintained here,
 * inside the import transaction, so lists never count millions of rows.
 */
import type { Db } from '../client';

export async function findDatasetByName(db: Db, projectId: string, name: string) {
	return db
		.selectFrom('dataset')
		.select(['id', 'name'])
		.where('project_id', '=', projectId)
		.where('name', '=', name)
		.executeTakeFirst();
}

export async function findDatasetInProject(db: Db, projectId: string, datasetId: string) {
	return db
		.selectFrom('dataset')
		.select(['id', 'name', 'field_mapping as fieldMapping', 'current_revision as currentRevision'])
		.where('project_id', '=', projectId)
		.where('id', '=', datasetId)
		.executeTakeFirst();
}

/** Creates the dataset unless the name is taken (then returns undefined). */
export async function insertDataset(
	db: Db,
	row: { projectId: string; name: string; description?: string; createdBy: string | null }
) {
	return db
		.insertInto('dataset')
		.values({
			project_id: row.projectId,
			name: row.name,
			description: row.description ?? '',
			created_by: row.createdBy
		})
		.onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
		.returning(['id'])
		.executeTakeFirst();
}

/** Locks the dataset row for the rest of the transaction: imports into one dataset run one at a time. */
export async function lockDataset(db: Db, datasetId: string) {
	return db
		.selectFrom('dataset')
		.select(['id', 'current_revision as currentRevision'])
		.where('id', '=', datasetId)
		.forUpdate()
		.executeTakeFirst();
}

export async function latestRevisionHash(db: Db, datasetId: string): Promise<string | null> {
	const row = await db
		.selectFrom('dataset_revision')
		.select('content_hash')
		.where('dataset_id', '=', datasetId)
		.orderBy('revision', 'desc')
		.limit(1)
		.executeTakeFirst();
	return row?.content_hash ?? null;
}

export async function insertRevision(
	db: Db,
	row: {
		datasetId: string;
		revision: number;
		contentHash: string;
		importId: string;
		createdBy: string | null;
		items: number;
		answers: number;
		judgments: number;
		annotations: number;
		references: number;
	}
) {
	await db
		.insertInto('dataset_revision')
		.values({
			dataset_id: row.datasetId,
			revision: row.revision,
			content_hash: row.contentHash,
			import_id: row.importId,
			created_by: row.createdBy,
			items_added: row.items,
			answers_added: row.answers,
			judgments_added: row.judgments,
			annotations_added: row.annotations,
			references_added: row.references
		})
		.execute();
}

export async function applyImportToDataset(
	db: Db,
	datasetId: string,
	row: {
		revision: number | null;
		items: number;
		answers: number;
		judgments: number;
		annotations: number;
		fieldMapping: unknown;
	}
) {
	await db
		.updateTable('dataset')
		.set((eb) => ({
			...(row.revision !== null ? { current_revision: row.revision } : {}),
			item_count: eb('item_count', '+', row.items),
			answer_count: eb('answer_count', '+', row.answers),
			judgment_count: eb('judgment_count', '+', row.judgments),
			annotation_count: eb('annotation_count', '+', row.annotations),
			field_mapping: JSON.stringify(row.fieldMapping),
			updated_at: new Date()
		}))
		.where('id', '=', datasetId)
		.execute();
}
