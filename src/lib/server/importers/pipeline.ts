/**
 * The import pipeline, shared by preview and the import job:
 *   raw bytes → (gunzip, BOM) → container records → format adapter → normalized records.
 * `openImport` reads just enough to detect the container and the format and to
 * validate the mapping; `batches` then streams the rest. Memory stays flat: one
 * input chunk and one batch of records are alive at a time.
 */
import { fileError, keyedFileError, type ImportIssue } from './issues';
import type { ImportLimits } from './limits';
import { readContainer, sniffContainer, type ContainerInfo, type RawBatch, type RawRecord } from './containers';
import { decodeSource } from './source';
import { adapters, detectFormats, type FormatCandidate, type FormatId } from './formats/index';
import type { AdapterContext } from './formats/types';
import type { NormalizedRecord } from './normalized';

export interface OpenOptions {
	fileName: string;
	limits: ImportLimits;
	/** Chosen by the user; detected when absent. */
	format?: FormatId | null;
	/** Format options / field mapping; the adapter's suggestion when absent. */
	mapping?: unknown;
	onRawBytes?: (n: number) => void;
	/**
	 * Stop after this many decoded bytes (the preview: it reads what it shows, so a small gzip
	 * that inflates to gigabytes costs no more than its first rows). Reading past it throws
	 * ReadLimitReached; the import itself reads everything.
	 */
	maxBytes?: number;
}

/** The `maxBytes` of openImport was reached: what was read so far is all the caller gets. */
export class ReadLimitReached extends Error {
	constructor(readonly bytes: number) {
		super(`read limit of ${bytes} bytes reached`);
		this.name = 'ReadLimitReached';
	}
}

async function* capped(source: AsyncGenerator<Buffer>, max: number): AsyncGenerator<Buffer> {
	let seen = 0;
	try {
		for await (const chunk of source) {
			seen += chunk.byteLength;
			if (seen > max) {
				const keep = chunk.byteLength - (seen - max);
				if (keep > 0) yield chunk.subarray(0, keep);
				throw new ReadLimitReached(max);
			}
			yield chunk;
		}
	} finally {
		await source.return(undefined);
	}
}

export interface NormalizedBatch {
	records: NormalizedRecord[];
	issues: ImportIssue[];
	/** Raw records seen (good or bad) in this batch. */
	rows: number;
}

export interface OpenImport {
	container: ContainerInfo;
	format: FormatId;
	candidates: FormatCandidate[];
	fields: string[];
	/** The options in effect (validated). */
	mapping: unknown;
	suggestedMapping: unknown;
	/** Problems of the mapping against the file: the import cannot run until they are fixed. */
	mappingIssues: ImportIssue[];
	batches: AsyncGenerator<NormalizedBatch>;
	/** Stops reading (preview reads only the beginning). */
	close(): Promise<void>;
}

async function* prepend<T>(first: T[], rest: AsyncIterator<T>): AsyncGenerator<T> {
	yield* first;
	for (;;) {
		const n = await rest.next();
		if (n.done) return;
		yield n.value;
	}
}

const MAX_LEADING_BLANK = 64 * 1024 * 1024;

/** The first chunks up to the first non-blank byte (kept: they carry line numbers). */
async function readHead(decoded: AsyncGenerator<Buffer>): Promise<Buffer[]> {
	const head: Buffer[] = [];
	let size = 0;
	for (;;) {
		const n = await decoded.next();
		if (n.done) {
			if (size === 0) throw keyedFileError({ key: 'import_err_empty_file' }, 'The file is empty.');
			throw keyedFileError({ key: 'import_err_no_records' }, 'The file has no records (only blank lines or spaces).');
		}
		head.push(n.value);
		size += n.value.byteLength;
		if (/\S/.test(n.value.toString('latin1'))) return head;
		if (size > MAX_LEADING_BLANK) {
			await decoded.return(undefined);
			throw fileError('The file starts with more than 64 MiB of blank space.');
		}
	}
}

export async function openImport(chunks: AsyncIterable<Uint8Array>, options: OpenOptions): Promise<OpenImport> {
	const source = decodeSource(chunks, { limits: options.limits, onRawBytes: options.onRawBytes });
	const decoded = options.maxBytes === undefined ? source : capped(source, options.maxBytes);
	const head = await readHead(decoded);
	const container = sniffContainer(Buffer.concat(head), options.fileName);
	if (!container) {
		await decoded.return(undefined);
		throw keyedFileError(
			{ key: 'import_err_unknown_container' },
			'Unknown format: the file is not JSON, JSON Lines or CSV/TSV (CSV needs a header row with at least two columns, or a .csv name).',
			1
		);
	}
	const raw = readContainer(prepend(head, decoded), container, options.limits);

	// Read batches until the first good record shows the field names.
	const early: RawBatch[] = [];
	let fields: string[] | null = null;
	for (;;) {
		const n = await raw.next();
		if (n.done) break;
		early.push(n.value);
		// A CSV names its columns in the header, even when every row below it is bad.
		if (n.value.header) fields = n.value.header;
		if (n.value.records.length > 0) {
			fields ??= Object.keys(n.value.records[0].value);
			break;
		}
	}
	if (!fields) {
		const issues = early.flatMap((b) => b.issues);
		if (issues.length === 0)
			throw keyedFileError(
				{ key: 'import_err_no_records' },
				'The file has no records (only blank lines or an empty array).'
			);
		// Every record is bad: report them all under a generic format so nothing is hidden.
		fields = [];
	}

	const candidates = detectFormats(fields, options.fileName, container.container);
	const format = options.format ?? candidates[0]?.id;
	if (!format) {
		await raw.return(undefined);
		throw keyedFileError(
			{ key: 'import_err_unknown_fields', params: { fields: fields.join(', ') || '—' } },
			`Unknown format: no importer recognises the fields (${fields.join(', ') || 'none'}). Choose a format and a field mapping.`,
			1
		);
	}
	const adapter = adapters[format];
	if (!adapter.containers.includes(container.container)) {
		await raw.return(undefined);
		throw fileError(
			`The file looks like ${container.container.toUpperCase()}, but the format "${format}" reads ${adapter.containers.join(' or ')}.`,
			1
		);
	}
	const ctx: AdapterContext = { fileName: options.fileName, limits: options.limits, fields };
	const suggestedMapping = adapter.suggest(ctx);
	const parsed = adapter.options.safeParse(options.mapping ?? suggestedMapping);
	if (!parsed.success) {
		// Not a file error: the caller still gets the format and the columns, so the mapping
		// can be completed by hand (a suggestion may lack a prompt column, for instance).
		await raw.return(undefined);
		return {
			container,
			format,
			candidates,
			fields,
			mapping: options.mapping ?? suggestedMapping,
			suggestedMapping,
			mappingIssues: parsed.error.issues.map((i) => ({
				line: 0,
				field: i.path.length > 0 ? `mapping.${i.path.join('.')}` : 'mapping',
				reason: `The field mapping is not valid: ${i.message}`
			})),
			batches: (async function* () {})(),
			close: async () => {}
		};
	}
	const mapping = parsed.data;
	// Without one good record the columns are unknown; the row errors already say what is wrong.
	const mappingIssues = fields.length > 0 ? (adapter.checkOptions?.(mapping as never, ctx) ?? []) : [];
	const map = adapter.mapper(mapping as never, ctx);

	async function* normalize(): AsyncGenerator<NormalizedBatch> {
		for await (const b of prepend(early, raw)) {
			const out: NormalizedBatch = { records: [], issues: [...b.issues], rows: b.records.length + b.issues.length };
			for (const rec of b.records as RawRecord[]) {
				const res = map(rec);
				if (res.record) out.records.push(res.record);
				// Several array elements may share a line: the element's position tells them apart.
				for (const i of res.issues) out.issues.push(rec.element === undefined ? i : { ...i, element: rec.element });
			}
			yield out;
		}
	}

	return {
		container,
		format,
		candidates,
		fields,
		mapping,
		suggestedMapping,
		mappingIssues,
		batches: normalize(),
		async close() {
			await raw.return(undefined);
		}
	};
}
