/**
 * Import step 1, stage: stream the stored upload through the parser and COPY
 * every normalized record into the transaction's temp staging table. Parse
 * issues are collected, not thrown, so one run lists every bad row; a problem
 * with the file as a whole (too many systems, unreadable bytes) throws.
 */
import type pg from 'pg';
import type { DedicatedTx } from '../db/bulk/transaction';
import * as importsRepo from '../db/repositories/imports';
import * as staging from '../db/repositories/import-staging';
import type { FormatId } from '../importers/formats/types';
import { fileError, type IssueList } from '../importers/issues';
import type { ImportLimits } from '../importers/limits';
import { openImport } from '../importers/pipeline';
import { StageEncoder } from '../importers/stage-rows';

/** Shared with the progress timer: it writes bytes/rows and sets `cancel` when the user asks. */
export interface ImportProgress {
	bytesRead: number;
	rows: number;
	cancel: boolean;
}

export interface StagedCounts {
	items: number;
	answers: number;
	judgments: number;
	annotations: number;
	/** No answer row was staged twice (see StageEncoder.answersStagedOnce). */
	answersStagedOnce: boolean;
	/** Some record key may be staged twice (StageEncoder.keysRepeated); false: none is. */
	keysRepeated: boolean;
	/** Some verdict or label identity may be staged twice (StageEncoder.votesRepeated); false: none is. */
	votesRepeated: boolean;
}

/** The import stopped for a reason the user caused (cancel); not an error to retry. */
export class ImportCancelled extends Error {}

export async function stageUpload(
	tx: DedicatedTx,
	args: {
		pool: pg.Pool;
		imp: importsRepo.ImportRow;
		limits: ImportLimits;
		issues: IssueList;
		progress: ImportProgress;
		signal?: AbortSignal;
	}
): Promise<StagedCounts> {
	const { imp, limits, issues, progress } = args;
	const counts: StagedCounts = {
		items: 0,
		answers: 0,
		judgments: 0,
		annotations: 0,
		answersStagedOnce: true,
		keysRepeated: false,
		votesRepeated: false
	};
	await staging.createStage(tx.client);
	const copy = await tx.copyIn(staging.stageCopySql);
	// A second connection streams the upload out while the first streams rows in.
	const reader = await importsRepo.openChunkReader(args.pool, imp.id);
	try {
		const opened = await openImport(reader.chunks, {
			fileName: imp.fileName,
			limits,
			format: imp.format as FormatId,
			mapping: imp.mapping ?? undefined,
			onRawBytes: (n) => {
				progress.bytesRead += n;
			}
		});
		if (opened.mappingIssues.length > 0) {
			await opened.close();
			issues.addAll(opened.mappingIssues);
		} else {
			const encoder = new StageEncoder();
			try {
				for await (const batch of opened.batches) {
					progress.rows += batch.rows;
					issues.addAll(batch.issues);
					for (const rec of batch.records) {
						await copy.add(encoder.encode(rec));
						if (rec.item) counts.items++;
						counts.answers += rec.answers.length;
						counts.judgments += rec.judgments.length;
						counts.annotations += rec.annotations.length;
					}
					counts.answersStagedOnce = encoder.answersStagedOnce;
					counts.keysRepeated = encoder.keysRepeated;
					counts.votesRepeated = encoder.votesRepeated;
					if (encoder.systems.size > limits.maxSystems) {
						throw fileError(
							`The file names more than ${limits.maxSystems} different systems; split it or check the system column.`
						);
					}
					if (progress.cancel) throw new ImportCancelled();
					if (args.signal?.aborted) throw new Error('import interrupted: the worker is shutting down');
				}
			} finally {
				await opened.close();
			}
		}
	} finally {
		reader.close();
	}
	await copy.end();
	return counts;
}
