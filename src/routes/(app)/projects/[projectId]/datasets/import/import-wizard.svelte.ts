/**
 * State and steps of the import wizard:
 *   choose → uploading → preview → running → done (succeeded | failed | cancelled)
 * A failed import offers "upload a corrected file" (back to choose, keeping
 * the target, format and mapping) or "edit the mapping" (back to preview of the
 * same upload). The job runs on the server, so leaving the page loses nothing;
 * `?import=<id>` reopens any import at the step its status implies.
 */
import { trpc } from '$lib/trpc/client';
import { draftFromMapping, isGenericFormat, mappingFromDraft, type MappingDraft } from './mapping';
import {
	RUNNING_STATUSES,
	type DatasetOption,
	type ImportErrorEntry,
	type ImportPreview,
	type ImportView,
	type Target
} from './types';
import { uploadFile, UploadError, type UploadHandle } from './upload';
import { errorEntries } from './wizard-errors';
import { issueText } from './issue-text';
import { datasetNameFromFile } from './dataset-name';

export type Step = 'choose' | 'uploading' | 'preview' | 'running' | 'done';

const POLL_MS = 1000;

export class ImportWizard {
	step = $state<Step>('choose');
	fileName = $state('');
	uploadLoaded = $state(0);
	uploadTotal = $state(0);
	importId = $state<string | null>(null);
	preview = $state<ImportPreview | null>(null);
	previewing = $state(false);
	/** The format the user picked; null lets the server detect it. */
	format = $state<string | null>(null);
	draft = $state<MappingDraft | null>(null);
	/** Options of the non-generic formats, as JSON text. */
	optionsText = $state('');
	mappingEdited = $state(false);
	target = $state<Target>({ kind: 'new', name: '' });
	starting = $state(false);
	job = $state<ImportView | null>(null);
	/** A message for the current step (upload refused, start refused, network). */
	message = $state<string | null>(null);
	messageErrors = $state<ImportErrorEntry[]>([]);

	/** The options JSON of a non-generic format does not parse. */
	optionsInvalid = $state(false);
	datasets = $state<DatasetOption[]>([]);

	readonly projectId: string;
	private upload: UploadHandle | null = null;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private stopped = false;

	constructor(opts: {
		projectId: string;
		datasets: DatasetOption[];
		datasetId?: string | null;
		job?: ImportView | null;
	}) {
		this.projectId = opts.projectId;
		this.datasets = opts.datasets;
		if (opts.datasetId && opts.datasets.some((d) => d.id === opts.datasetId))
			this.target = { kind: 'existing', datasetId: opts.datasetId };
		if (opts.job) this.resume(opts.job);
	}

	get generic(): boolean {
		return isGenericFormat(this.preview?.format ?? this.format);
	}

	get targetValid(): boolean {
		return this.target.kind === 'existing'
			? this.datasets.some((d) => this.target.kind === 'existing' && d.id === this.target.datasetId)
			: this.target.name.trim().length > 0;
	}

	/** A new-dataset name that already exists (the server would refuse it). */
	get nameTaken(): boolean {
		const t = this.target;
		return t.kind === 'new' && this.datasets.some((d) => d.name === t.name.trim());
	}

	private resume(job: ImportView) {
		this.importId = job.id;
		this.fileName = job.fileName;
		this.job = job;
		if (job.datasetId) this.target = { kind: 'existing', datasetId: job.datasetId };
		else if (job.newDatasetName) this.target = { kind: 'new', name: job.newDatasetName };
		if (job.format) this.format = job.format;
		if (job.mapping) {
			this.draft = draftFromMapping(job.mapping);
			this.optionsText = JSON.stringify(job.mapping, null, 2);
			this.mappingEdited = true;
		}
		if (RUNNING_STATUSES.includes(job.status)) {
			this.step = 'running';
			this.schedulePoll();
		} else if (job.status === 'uploaded') {
			this.step = 'preview';
			void this.refreshPreview();
		} else {
			this.step = 'done';
		}
	}

	async chooseFile(file: File) {
		this.message = null;
		this.messageErrors = [];
		this.fileName = file.name;
		if (this.target.kind === 'new' && !this.target.name.trim())
			this.target = { kind: 'new', name: datasetNameFromFile(file.name) };
		this.uploadLoaded = 0;
		this.uploadTotal = file.size;
		this.step = 'uploading';
		this.upload = uploadFile(this.projectId, file, (loaded, total) => {
			this.uploadLoaded = loaded;
			this.uploadTotal = total;
		});
		try {
			const result = await this.upload.done;
			this.importId = result.importId;
			this.job = null;
			this.step = 'preview';
			await this.refreshPreview();
		} catch (error) {
			this.step = 'choose';
			// A refused upload names its reason once, in the reader's language when the server keyed it.
			const keyed = error instanceof UploadError && error.errors.length === 1 ? error.errors[0] : null;
			this.message = keyed ? issueText(keyed) : error instanceof UploadError ? error.message : String(error);
			this.messageErrors = keyed ? [] : errorEntries(error);
		} finally {
			this.upload = null;
		}
	}

	abortUpload() {
		this.upload?.abort();
	}

	/** The mapping to send: only one the user edited (or carried over); otherwise the server suggests or remembers one. */
	private mappingToSend(): Record<string, unknown> | undefined {
		if (!this.mappingEdited) return undefined;
		if (this.generic && this.draft) return mappingFromDraft(this.draft);
		if (!this.optionsText.trim()) return undefined;
		const parsed: unknown = JSON.parse(this.optionsText);
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SyntaxError('not an object');
		return parsed as Record<string, unknown>;
	}

	async refreshPreview() {
		if (!this.importId) return;
		this.previewing = true;
		this.message = null;
		this.messageErrors = [];
		try {
			let mapping: Record<string, unknown> | undefined;
			try {
				mapping = this.mappingToSend();
			} catch {
				this.optionsInvalid = true;
				return;
			}
			this.optionsInvalid = false;
			const preview = await trpc().imports.preview.query({
				projectId: this.projectId,
				importId: this.importId,
				format: (this.format as ImportPreview['format']) ?? null,
				mapping: mapping ?? null,
				datasetId: this.target.kind === 'existing' ? this.target.datasetId : null
			});
			this.preview = preview;
			if (preview.format) this.format = preview.format;
			if (!this.mappingEdited || !this.draft) {
				this.draft = draftFromMapping(preview.mapping);
				this.optionsText = JSON.stringify(preview.mapping ?? {}, null, 2);
			}
		} catch (error) {
			this.message = error instanceof Error ? error.message : String(error);
			this.messageErrors = errorEntries(error);
		} finally {
			this.previewing = false;
		}
	}

	/** A different format was picked: its own suggested options replace the current ones. */
	async changeFormat(format: string) {
		this.format = format;
		this.mappingEdited = false;
		await this.refreshPreview();
	}

	editMapping() {
		this.mappingEdited = true;
	}

	/** The options of a non-generic format as an object (the JSON text, or the server's suggestion). */
	get options(): Record<string, unknown> {
		try {
			const parsed: unknown = JSON.parse(this.optionsText);
			if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
		} catch {
			// fall through to the suggestion
		}
		const fromServer = this.preview?.mapping;
		return fromServer && typeof fromServer === 'object' ? { ...(fromServer as Record<string, unknown>) } : {};
	}

	/**
	 * One format setting chosen in the form (e.g. human labels or judge verdicts): it is
	 * written into the options sent with the import, and the preview shows its effect.
	 */
	async setOption(key: string, value: unknown, refresh = true) {
		const next = { ...this.options, [key]: value };
		this.optionsText = JSON.stringify(next, null, 2);
		this.mappingEdited = true;
		if (refresh) await this.refreshPreview();
	}

	async changeTarget(target: Target) {
		const datasetChanged =
			target.kind === 'existing' && (this.target.kind !== 'existing' || this.target.datasetId !== target.datasetId);
		this.target = target;
		// An untouched mapping is re-suggested: the chosen dataset may remember one.
		if (datasetChanged && !this.mappingEdited && this.importId && this.step === 'preview') await this.refreshPreview();
	}

	get canStart(): boolean {
		const p = this.preview;
		return (
			this.step === 'preview' &&
			!!p &&
			!!p.format &&
			!p.fileError &&
			this.targetValid &&
			!this.nameTaken &&
			!this.starting &&
			!this.previewing
		);
	}

	async start() {
		if (!this.importId || !this.preview?.format) return;
		this.starting = true;
		this.message = null;
		this.messageErrors = [];
		try {
			let mapping: Record<string, unknown> | undefined;
			try {
				mapping = this.mappingToSend() ?? (this.preview.mapping as Record<string, unknown> | null) ?? undefined;
			} catch {
				this.optionsInvalid = true;
				return;
			}
			this.optionsInvalid = false;
			const t = this.target;
			this.job = await trpc().imports.start.mutate({
				projectId: this.projectId,
				importId: this.importId,
				format: this.preview.format,
				mapping: mapping ?? null,
				...(t.kind === 'existing' ? { datasetId: t.datasetId } : { newDatasetName: t.name.trim() })
			});
			this.step = 'running';
			this.schedulePoll();
		} catch (error) {
			this.message = error instanceof Error ? error.message : String(error);
			this.messageErrors = errorEntries(error);
		} finally {
			this.starting = false;
		}
	}

	private schedulePoll() {
		if (this.stopped) return;
		if (this.timer) clearTimeout(this.timer);
		this.timer = setTimeout(() => void this.poll(), POLL_MS);
	}

	private async poll() {
		if (!this.importId || this.stopped) return;
		try {
			this.job = await trpc().imports.get.query({ projectId: this.projectId, importId: this.importId });
			this.message = null;
		} catch (error) {
			// A network blip: keep polling, say so.
			this.message = error instanceof Error ? error.message : String(error);
		}
		if (this.job && RUNNING_STATUSES.includes(this.job.status)) this.schedulePoll();
		else if (this.job) {
			this.step = 'done';
			// A new dataset now exists: later imports may target it.
			if (this.job.status === 'succeeded' && this.job.datasetId && this.target.kind === 'new') {
				this.datasets.push({ id: this.job.datasetId, name: this.target.name.trim() });
				this.target = { kind: 'existing', datasetId: this.job.datasetId };
			}
		}
	}

	async cancel() {
		if (!this.importId) return;
		try {
			this.job = await trpc().imports.cancel.mutate({ projectId: this.projectId, importId: this.importId });
			if (RUNNING_STATUSES.includes(this.job.status)) this.schedulePoll();
			else this.step = 'done';
		} catch (error) {
			this.message = error instanceof Error ? error.message : String(error);
		}
	}

	/** After a failure: choose a corrected file; target, format and mapping are kept. */
	uploadCorrected() {
		this.mappingEdited = this.draft !== null || this.optionsText.trim() !== '';
		this.importId = null;
		this.preview = null;
		this.job = null;
		this.message = null;
		this.messageErrors = [];
		this.step = 'choose';
	}

	/** After a failure: back to the preview of the same upload to change format, mapping or target. */
	async reviseMapping() {
		this.job = null;
		this.step = 'preview';
		await this.refreshPreview();
	}

	/** Another file, from scratch. */
	reset() {
		this.uploadCorrected();
		this.mappingEdited = false;
		this.draft = null;
		this.optionsText = '';
		this.format = null;
	}

	destroy() {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		this.upload?.abort();
	}
}
