/**
 * Import step 2, check: the staged rows against themselves and against the
 * target dataset (duplicates, conflicts with immutable rows, references to
 * missing items or answers). Problems are added to `issues`; the caller rolls
 * back when there are any, so nothing is written.
 */
import type { DedicatedTx } from '../db/bulk/transaction';
import * as datasetsRepo from '../db/repositories/datasets';
import type { ImportRow } from '../db/repositories/imports';
import * as staging from '../db/repositories/import-staging';
import { fileError, type IssueList } from '../importers/issues';
import type { StagedCounts } from './import-stage';

/** Where the rows go: an existing dataset, or (null) one to create in the merge step. */
export interface ImportTarget {
	existingId: string | null;
}

export async function checkStaged(
	tx: DedicatedTx,
	args: { imp: ImportRow; issues: IssueList; cap: number; counts: StagedCounts }
): Promise<ImportTarget> {
	const { imp, issues, counts } = args;
	const target = await resolveTarget(tx, imp);
	// The statements that look for repeated keys sort every staged record or verdict; the stage
	// knows when there is none to find (StageEncoder.keysRepeated, votesRepeated), as in most files.
	// Before samples are numbered: a repeated verdict line must not become sample 1.
	if (counts.keysRepeated) await staging.dropIdenticalRepeats(tx.client);
	if (counts.votesRepeated) await staging.assignJudgmentSamples(tx.client);
	await staging.analyzeStage(tx.client);
	const found = await staging.findStageProblems(tx.client, {
		datasetId: target.existingId,
		projectId: imp.projectId,
		cap: args.cap,
		// With rows already rejected by the parser, only the duplicate check is meaningful.
		onlyDuplicates: !issues.empty,
		keysRepeated: counts.keysRepeated,
		votesRepeated: counts.votesRepeated
	});
	issues.addAll(found.issues);
	issues.total += found.total - found.issues.length;
	return target;
}

async function resolveTarget(tx: DedicatedTx, imp: ImportRow): Promise<ImportTarget> {
	if (imp.datasetId) {
		const ds = await datasetsRepo.findDatasetInProject(tx.db, imp.projectId, imp.datasetId);
		if (!ds)
			throw fileError('The target dataset no longer exists.', 0, null, 'content', { key: 'import_err_dataset_gone' });
		return { existingId: ds.id };
	}
	const taken = await datasetsRepo.findDatasetByName(tx.db, imp.projectId, imp.newDatasetName ?? '');
	if (taken) throw nameTaken(imp);
	return { existingId: null };
}

export function nameTaken(imp: ImportRow) {
	return fileError(
		`A dataset named "${imp.newDatasetName}" already exists; import into it or choose another name.`,
		0,
		'newDatasetName',
		'content',
		{ key: 'import_err_dataset_name_taken', params: { name: imp.newDatasetName ?? '' } }
	);
}
