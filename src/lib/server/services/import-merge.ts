/**
 * Import step 3, merge: the checked staging rows into the real tables (new
 * rows only: identical rows are skipped, nothing is overwritten), a dataset
 * revision when anything was added, the dataset's counters, and the import
 * marked succeeded with its upload chunks deleted, all in the caller's
 * transaction, so a failure anywhere leaves no trace.
 */
import { createHash } from 'node:crypto';
import type { DedicatedTx } from '../db/bulk/transaction';
import * as datasetsRepo from '../db/repositories/datasets';
import * as importsRepo from '../db/repositories/imports';
import * as staging from '../db/repositories/import-staging';
import type { ImportStats } from '../db/schema';
import { env } from '../env';
import { logger } from '../logger';
import { nameTaken, type ImportTarget } from './import-check';
import type { ImportProgress, StagedCounts } from './import-stage';

export async function mergeStaged(
	tx: DedicatedTx,
	args: { imp: importsRepo.ImportRow; target: ImportTarget; counts: StagedCounts; progress: ImportProgress }
): Promise<ImportStats> {
	const { imp, counts, progress } = args;
	const datasetId = args.target.existingId ?? (await createTargetDataset(tx, imp));
	const locked = await datasetsRepo.lockDataset(tx.db, datasetId);
	const revision = (locked?.currentRevision ?? 0) + 1;
	const merged = await staging.mergeStage(tx.client, {
		datasetId,
		datasetExisted: args.target.existingId !== null,
		stagedOnce: counts.answersStagedOnce,
		hasVotes: counts.judgments + counts.annotations > 0,
		projectId: imp.projectId,
		importId: imp.id,
		revision,
		userId: imp.createdBy
	});
	const added =
		merged.itemsAdded + merged.answersAdded + merged.judgmentsAdded + merged.annotationsAdded + merged.referencesAdded;
	if (added > 0) {
		// Chained: a revision's hash covers every earlier revision of the dataset.
		const prev = (await datasetsRepo.latestRevisionHash(tx.db, datasetId)) ?? '';
		const contentHash = createHash('sha256')
			.update(
				[
					prev,
					merged.itemsAdded,
					merged.itemsDigest,
					merged.answersAdded,
					merged.answersDigest,
					merged.referencesAdded,
					merged.judgmentsAdded,
					merged.annotationsAdded
				].join(':')
			)
			.digest('hex');
		await datasetsRepo.insertRevision(tx.db, {
			datasetId,
			revision,
			contentHash,
			importId: imp.id,
			createdBy: imp.createdBy,
			items: merged.itemsAdded,
			answers: merged.answersAdded,
			judgments: merged.judgmentsAdded,
			annotations: merged.annotationsAdded,
			references: merged.referencesAdded
		});
	}
	await datasetsRepo.applyImportToDataset(tx.db, datasetId, {
		revision: added > 0 ? revision : null,
		items: merged.itemsAdded,
		answers: merged.answersAdded,
		judgments: merged.judgmentsAdded,
		annotations: merged.annotationsAdded,
		fieldMapping: { format: imp.format, mapping: imp.mapping }
	});
	const stats: ImportStats = {
		rows: progress.rows,
		itemsAdded: merged.itemsAdded,
		answersAdded: merged.answersAdded,
		judgmentsAdded: merged.judgmentsAdded,
		annotationsAdded: merged.annotationsAdded,
		referencesAdded: merged.referencesAdded,
		systemsAdded: merged.systemsAdded,
		judgeRunsAdded: merged.judgeRunsAdded,
		duplicatesSkipped:
			counts.items -
			merged.itemsAdded +
			(counts.answers - merged.answersAdded) +
			(counts.judgments - merged.judgmentsAdded) +
			(counts.annotations - merged.annotationsAdded)
	};
	await importsRepo.deleteChunks(tx.db, imp.id);
	const testDelay = env().CONCORD_TEST_IMPORT_MERGE_DELAY_MS;
	if (testDelay > 0) {
		// The kill test's window: everything merged, nothing committed.
		logger.info('import merged, delaying the commit (test)', { importId: imp.id, ms: testDelay });
		await new Promise((r) => setTimeout(r, testDelay));
	}
	await importsRepo.finishImport(tx.db, imp.id, {
		status: 'succeeded',
		stats,
		revision: added > 0 ? revision : null,
		datasetId,
		errors: [],
		errorCount: 0,
		bytesRead: progress.bytesRead,
		rows: progress.rows
	});
	return stats;
}

async function createTargetDataset(tx: DedicatedTx, imp: importsRepo.ImportRow): Promise<string> {
	const created = await datasetsRepo.insertDataset(tx.db, {
		projectId: imp.projectId,
		name: imp.newDatasetName ?? imp.fileName,
		createdBy: imp.createdBy
	});
	// Another import created the same name since the check: the unique index decides.
	if (!created) throw nameTaken(imp);
	return created.id;
}
