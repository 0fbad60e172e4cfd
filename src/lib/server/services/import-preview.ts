/**
 * Preview of an uploaded file: reads only its beginning (the stream is closed
 * after PREVIEW_ROWS records) and shows the rows exactly as they would be
 * stored, with the problems found in them. Nothing is written.
 */
import { jsonEntries, type JsonEntry } from '../../json-entries';
import type { Db } from '../db/client';
import * as importsRepo from '../db/repositories/imports';
import type { ImportErrorEntry } from '../db/schema';
import { adapters, detectFormats, formatList, type FormatCandidate, type FormatId } from '../importers/formats/index';
import { ImportFileError, fileError } from '../importers/issues';
import { formatBytes, importLimits } from '../importers/limits';
import type { NormalizedRecord } from '../importers/normalized';
import { openImport, ReadLimitReached, type NormalizedBatch } from '../importers/pipeline';
import { recordHash } from '../importers/stage-rows';

export const PREVIEW_ROWS = 20;
/** Decoded bytes a preview reads at most: room for its rows, whatever the file inflates to. */
const PREVIEW_EXTRA_BYTES = 16 * 1024 * 1024;

export interface PreviewRow {
	line: number;
	item: (Omit<NonNullable<NormalizedRecord['item']>, 'contentHash' | 'metadata'> & { metadata: JsonEntry[] }) | null;
	answers: {
		system: string;
		content: string | null;
		turns: string[] | null;
		available: boolean;
		charCount: number;
		approxTokens: number;
		metadata: JsonEntry[];
	}[];
	references: { itemExternalId: string; referenceText: string | null; referenceTurns: string[] | null }[];
	judgments: {
		itemExternalId: string;
		judge: string;
		systemA: string;
		systemB: string | null;
		order: string | null;
		sample: number | null;
		verdict: string | null;
		score: number | null;
		preference: number | null;
	}[];
	annotations: {
		itemExternalId: string;
		annotator: string;
		systemA: string;
		systemB: string | null;
		order: string | null;
		verdict: string | null;
		score: number | null;
	}[];
}

export interface ImportPreview {
	importId: string;
	fileName: string;
	byteSize: number;
	gzip: boolean;
	container: 'jsonl' | 'json' | 'csv' | null;
	format: FormatId | null;
	candidates: FormatCandidate[];
	formats: { id: FormatId; label: string }[];
	fields: string[];
	mapping: unknown;
	suggestedMapping: unknown;
	/** True when `mapping` came from the dataset's last import. */
	mappingRemembered: boolean;
	rows: PreviewRow[];
	errors: ImportErrorEntry[];
	/** A problem with the whole file (empty, not UTF-8, unknown format…): no rows then. */
	fileError: ImportErrorEntry | null;
}

function toRow(r: NormalizedRecord): PreviewRow {
	// Metadata as entries: imported keys may be "__proto__" or "constructor" (see lib/json-entries.ts).
	const item = r.item
		? (({ contentHash: _h, metadata, ...rest }) => ({ ...rest, metadata: jsonEntries(metadata) }))(r.item)
		: null;
	return {
		line: r.line,
		item,
		answers: r.answers.map((a) => ({
			system: a.system,
			content: a.content,
			turns: a.turns,
			available: a.available,
			charCount: a.charCount,
			approxTokens: a.approxTokens,
			metadata: jsonEntries(a.metadata)
		})),
		references: r.references.map((x) => ({
			itemExternalId: x.itemExternalId,
			referenceText: x.referenceText,
			referenceTurns: x.referenceTurns
		})),
		judgments: r.judgments.map((j) => ({
			itemExternalId: j.itemExternalId,
			judge: j.run.name,
			systemA: j.systemA,
			systemB: j.systemB,
			order: j.order,
			sample: j.sample,
			verdict: j.verdict,
			score: j.score,
			preference: j.preference
		})),
		annotations: r.annotations.map((n) => ({
			itemExternalId: n.itemExternalId,
			annotator: n.annotator,
			systemA: n.systemA,
			systemB: n.systemB,
			order: n.order,
			verdict: n.verdict,
			score: n.score
		}))
	};
}

export async function buildPreview(
	db: Db,
	imp: importsRepo.ImportRow,
	opts: { format: FormatId | null; mapping: unknown; remembered: { format?: FormatId; mapping?: unknown } | null }
): Promise<ImportPreview> {
	const base: ImportPreview = {
		importId: imp.id,
		fileName: imp.fileName,
		byteSize: imp.byteSize,
		gzip: imp.gzip,
		container: null,
		format: null,
		candidates: [],
		formats: formatList(),
		fields: [],
		mapping: null,
		suggestedMapping: null,
		mappingRemembered: false,
		rows: [],
		errors: [],
		fileError: null
	};
	const limits = importLimits();
	const maxBytes = limits.maxRecordBytes + PREVIEW_EXTRA_BYTES;
	let format = opts.format;
	let mapping = opts.mapping;
	const chunks = importsRepo.streamChunks(db, imp.id);
	try {
		let opened = await openImport(chunks, { fileName: imp.fileName, limits, format, mapping, maxBytes });
		// Offer the dataset's remembered mapping when it is for the format this file has.
		const remembered = opts.remembered;
		if (
			mapping === undefined &&
			remembered?.format &&
			remembered.format === (format ?? opened.format) &&
			remembered.mapping !== undefined
		) {
			await opened.close();
			format = remembered.format;
			mapping = remembered.mapping;
			opened = await openImport(importsRepo.streamChunks(db, imp.id), {
				fileName: imp.fileName,
				limits,
				format,
				mapping,
				maxBytes
			});
			base.mappingRemembered = true;
		}
		Object.assign(base, {
			container: opened.container.container,
			format: opened.format,
			candidates: detectFormats(opened.fields, imp.fileName, opened.container.container),
			fields: opened.fields,
			mapping: opened.mapping,
			suggestedMapping: opened.suggestedMapping
		});
		base.errors.push(...opened.mappingIssues);
		// Like the import: an identical repeat is skipped, the same key with other content is an error.
		const seen = new Map<string, { line: number; hash: string }>();
		try {
			for await (const batch of readUntilLimit(opened.batches)) {
				for (const r of batch.records) {
					if (base.rows.length >= PREVIEW_ROWS) break;
					if (r.key) {
						const first = seen.get(r.key.value);
						const hash = recordHash(r);
						if (first === undefined) seen.set(r.key.value, { line: r.line, hash });
						else if (first.hash === hash) continue;
						else
							base.errors.push({
								line: r.line,
								field: r.key.field,
								reason: `Duplicate ${r.key.label} with different content: first seen at line ${first.line}.`
							});
					}
					base.rows.push(toRow(r));
				}
				const lastLine = base.rows.at(-1)?.line ?? Infinity;
				const full = base.rows.length >= PREVIEW_ROWS;
				base.errors.push(...batch.issues.filter((i) => !full || i.line <= lastLine));
				if (full) break;
			}
		} finally {
			await opened.close();
		}
	} catch (thrown) {
		let error = thrown;
		if (error instanceof ReadLimitReached) {
			error = fileError(
				`No complete record in the first ${formatBytes(error.bytes)} of the file (decompressed): the preview reads no further. Check that the file has line breaks between records.`,
				1,
				null,
				'content',
				{ key: 'import_err_preview_limit', params: { limit: formatBytes(error.bytes) } }
			);
		}
		if (!(error instanceof ImportFileError)) throw error;
		base.fileError = error.issue;
		if (base.format === null && opts.format) base.format = opts.format;
	}
	base.errors.sort((a, b) => a.line - b.line);
	if (base.format && base.suggestedMapping === null)
		base.suggestedMapping = adapters[base.format].suggest({ fileName: imp.fileName, limits, fields: base.fields });
	return base;
}

/** Batches until the preview's byte limit: the rows read by then are the preview. */
async function* readUntilLimit(batches: AsyncGenerator<NormalizedBatch>): AsyncGenerator<NormalizedBatch> {
	try {
		yield* batches;
	} catch (error) {
		if (!(error instanceof ReadLimitReached)) throw error;
	}
}
