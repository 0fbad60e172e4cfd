/**
 * Problems found in an uploaded file. Record-level problems are collected (the
 * file is rejected as a whole, but the user sees every bad row up to a cap, and
 * the total); a file-level problem (empty, not UTF-8, compressed bomb) stops the
 * parse at once and is thrown as ImportFileError.
 */
import type { ImportErrorEntry } from '../db/schema';

export type ImportIssue = ImportErrorEntry;

export class ImportFileError extends Error {
	constructor(
		readonly issue: ImportIssue,
		/** A problem of the request rather than the content (e.g. too large): HTTP 413, not 400. */
		readonly kind: 'content' | 'too-large' = 'content'
	) {
		super(issue.reason);
		this.name = 'ImportFileError';
	}
}

/** An i18n key (`import_err_*`) and its parameters: how pages show an issue in the reader's language. */
export interface MessageRef {
	key: string;
	params?: Record<string, string | number>;
}

export function fileError(
	reason: string,
	line = 0,
	field: string | null = null,
	kind: 'content' | 'too-large' = 'content',
	message?: MessageRef
) {
	return new ImportFileError({ line, field, reason, ...message }, kind);
}

/** A file-level problem with its message key: `fileError` with the key first. */
export function keyedFileError(
	message: MessageRef,
	reason: string,
	line = 0,
	kind: 'content' | 'too-large' = 'content'
) {
	return fileError(reason, line, null, kind, message);
}

/** Keeps the first `cap` issues in line order of discovery and counts all of them. */
export class IssueList {
	readonly listed: ImportIssue[] = [];
	total = 0;
	constructor(readonly cap: number) {}

	add(issue: ImportIssue): void {
		this.total++;
		if (this.listed.length < this.cap) this.listed.push(storableIssue(issue));
	}

	addAll(issues: readonly ImportIssue[]): void {
		for (const i of issues) this.add(i);
	}

	get empty(): boolean {
		return this.total === 0;
	}

	/** Listed issues sorted by line (discovery order mixes parse and database checks). */
	sorted(): ImportIssue[] {
		return [...this.listed].sort((a, b) => a.line - b.line);
	}
}

/**
 * Messages may quote the file (a JSON parser quotes the bad text): PostgreSQL cannot store
 * U+0000 or an unpaired surrogate in jsonb, and one such character would lose the whole error
 * list. They are written as visible escapes ("\\0") instead.
 */
export function storableText(text: string): string {
	const safe = text.includes('\u0000') ? text.replaceAll('\u0000', '\\0') : text;
	return safe.isWellFormed() ? safe : safe.toWellFormed();
}

export function storableIssue(issue: ImportIssue): ImportIssue {
	const out = {
		...issue,
		field: issue.field === null ? null : storableText(issue.field),
		reason: storableText(issue.reason)
	};
	if (issue.params)
		out.params = Object.fromEntries(
			Object.entries(issue.params).map(([k, v]) => [k, typeof v === 'string' ? storableText(v) : v])
		);
	return out;
}
