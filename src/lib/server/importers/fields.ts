/**
 * Typed, size-checked access to the fields of one raw record. Every problem is
 * recorded with the record's line and the field's name (path), and the getter
 * returns null so the adapter can keep going and report every bad field at once.
 */
import type { ChatMessage, JsonObject } from '../db/schema';
import type { ImportIssue } from './issues';
import { depthExceeds, MAX_JSON_DEPTH, tooDeepIssue } from './json-depth';
import { formatBytes, type ImportLimits } from './limits';

const ROLES = new Set(['system', 'user', 'assistant']);
const MAX_ID_CHARS = 512;

/**
 * The JSON type name of a value (`array`, `object`, `null`, `number`, …), as problems quote
 * it: the same word in the English reason and in the `type` parameter of every language.
 */
export function jsonType(v: unknown): string {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'array';
	return typeof v;
}

export class FieldReader {
	readonly issues: ImportIssue[] = [];
	constructor(
		readonly obj: Record<string, unknown>,
		readonly line: number,
		readonly limits: ImportLimits,
		/** CSV: every value is a string and an empty cell means "missing". */
		readonly csv = false
	) {}

	/** Own fields only: a row without "constructor" must not read Object.prototype.constructor. */
	get(field: string): unknown {
		return Object.hasOwn(this.obj, field) ? this.obj[field] : undefined;
	}

	/** Records a problem of `field`: the English `reason`, and the i18n key (`import_err_*`) with its parameters. */
	fail(field: string, reason: string, key?: string, params?: Record<string, string | number>): null {
		const issue: ImportIssue = { line: this.line, field, reason };
		if (key) issue.key = key;
		if (key && params) issue.params = params;
		this.issues.push(issue);
		return null;
	}

	get ok(): boolean {
		return this.issues.length === 0;
	}

	has(field: string): boolean {
		const v = this.get(field);
		return v !== undefined && v !== null && !(this.csv && v === '');
	}

	/** A text value stored as-is: size limit, no NUL (PostgreSQL cannot store it), no lone surrogates. */
	checkText(field: string, text: string): string | null {
		const max = this.limits.maxFieldBytes;
		if (text.length * 3 > max && Buffer.byteLength(text) > max) {
			const size = formatBytes(Buffer.byteLength(text));
			return this.fail(
				field,
				`is ${size}, over the limit of ${formatBytes(max)} per field (CONCORD_IMPORT_MAX_FIELD_BYTES).`,
				'import_err_field_too_large',
				{ size, limit: formatBytes(max) }
			);
		}
		if (text.includes('\u0000'))
			return this.fail(field, 'contains a NUL character (U+0000), which cannot be stored.', 'import_err_field_nul');
		if (!text.isWellFormed())
			return this.fail(
				field,
				'contains an unpaired UTF-16 surrogate escape (e.g. "\\ud800"), which is not valid Unicode.',
				'import_err_field_surrogate'
			);
		return text;
	}

	string(field: string, opts: { required?: boolean; allowEmpty?: boolean } = {}): string | null {
		const v = this.get(field);
		if (v === undefined || v === null || (this.csv && v === ''))
			return opts.required ? this.fail(field, 'is required but missing.', 'import_err_field_missing') : null;
		if (typeof v !== 'string') return this.notString(field, v);
		if (!opts.allowEmpty && v.trim() === '')
			return opts.required ? this.fail(field, 'is required but empty.', 'import_err_field_empty') : null;
		return this.checkText(field, v);
	}

	/** An identifier: a non-empty string or an integer (MT-Bench uses numbers). */
	id(field: string, opts: { required?: boolean } = { required: true }): string | null {
		const v = this.get(field);
		if (v === undefined || v === null || v === '')
			return opts.required ? this.fail(field, 'is required but missing.', 'import_err_field_missing') : null;
		if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
		if (typeof v !== 'string')
			return this.fail(field, `must be a string or an integer id, got ${jsonType(v)}.`, 'import_err_not_id', {
				type: jsonType(v)
			});
		const s = v.trim();
		if (s === '') return this.fail(field, 'is required but empty.', 'import_err_field_empty');
		if (s.length > MAX_ID_CHARS) return this.tooLong(field);
		return this.checkText(field, s);
	}

	/** A name (system, judge, annotator): like an id, but only strings. */
	name(field: string, opts: { required?: boolean } = { required: true }): string | null {
		const v = this.string(field, opts);
		if (v === null) return null;
		if (v.length > MAX_ID_CHARS) return this.tooLong(field);
		return v.trim();
	}

	private tooLong(field: string): null {
		return this.fail(field, `is longer than ${MAX_ID_CHARS} characters.`, 'import_err_id_too_long', {
			max: MAX_ID_CHARS
		});
	}

	private notString(field: string, v: unknown): null {
		return this.fail(field, `must be a string, got ${jsonType(v)}.`, 'import_err_not_string', {
			type: jsonType(v)
		});
	}

	/** Parses a JSON-valued CSV cell; JSON sources pass the value through. */
	jsonValue(field: string): unknown {
		const v = this.get(field);
		if (!this.csv || typeof v !== 'string') return v;
		return this.jsonValueOf(field, v);
	}

	stringArray(field: string, value: unknown, opts: { minLength?: number } = {}): string[] | null {
		if (!Array.isArray(value))
			return this.fail(field, `must be an array of strings, got ${jsonType(value)}.`, 'import_err_not_string_array', {
				type: jsonType(value)
			});
		if (value.length < (opts.minLength ?? 0))
			return this.fail(
				field,
				`must have at least ${opts.minLength} entr${opts.minLength === 1 ? 'y' : 'ies'}.`,
				'import_err_too_few_entries',
				{ min: opts.minLength ?? 0 }
			);
		const out: string[] = [];
		let bad = false;
		value.forEach((entry, i) => {
			const path = `${field}[${i}]`;
			if (typeof entry !== 'string') {
				this.notString(path, entry);
				bad = true;
			} else if (this.checkText(path, entry) === null) bad = true;
			else out.push(entry);
		});
		return bad ? null : out;
	}

	messages(field: string, value: unknown): ChatMessage[] | null {
		if (!Array.isArray(value))
			return this.fail(
				field,
				`must be an array of {role, content} messages, got ${jsonType(value)}.`,
				'import_err_not_messages',
				{ type: jsonType(value) }
			);
		if (value.length === 0) return this.fail(field, 'must contain at least one message.', 'import_err_no_messages');
		const out: ChatMessage[] = [];
		let bad = false;
		value.forEach((m, i) => {
			const path = `${field}[${i}]`;
			if (!m || typeof m !== 'object' || Array.isArray(m)) {
				this.fail(path, `must be an object {role, content}, got ${jsonType(m)}.`, 'import_err_not_message', {
					type: jsonType(m)
				});
				bad = true;
				return;
			}
			const { role, content } = m as Record<string, unknown>;
			let entryOk = true;
			if (typeof role !== 'string' || !ROLES.has(role)) {
				this.fail(`${path}.role`, 'must be "system", "user" or "assistant".', 'import_err_bad_role');
				entryOk = false;
			}
			if (typeof content !== 'string') {
				this.notString(`${path}.content`, content);
				entryOk = false;
			} else if (this.checkText(`${path}.content`, content) === null) entryOk = false;
			if (entryOk) out.push({ role: role as ChatMessage['role'], content: content as string });
			else bad = true;
		});
		if (!bad && !out.some((m) => m.role === 'user'))
			return this.fail(field, 'must contain at least one "user" message.', 'import_err_no_user_message');
		return bad ? null : out;
	}

	/** Tags: a JSON array of strings, or a comma-separated string. */
	tags(field: string): string[] {
		const v = this.get(field);
		if (v === undefined || v === null || v === '') return [];
		let list: unknown = v;
		if (typeof v === 'string') {
			const s = v.trim();
			list = s.startsWith('[') ? this.jsonValueOf(field, s) : s.split(',');
			if (list === null) return [];
		}
		const tags = this.stringArray(field, list);
		if (!tags) return [];
		return [...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))];
	}

	/** A JSON cell, with the same depth bound as a JSON record (see json-depth.ts). */
	private jsonValueOf(field: string, text: string): unknown {
		let value: unknown;
		try {
			value = JSON.parse(text);
		} catch (error) {
			const detail = (error as Error).message;
			return this.fail(field, `is not valid JSON (${detail}).`, 'import_err_field_json', { detail });
		}
		if (value !== null && typeof value === 'object' && depthExceeds(value, MAX_JSON_DEPTH)) {
			this.issues.push({ line: this.line, field, ...tooDeepIssue() });
			return null;
		}
		return value;
	}

	number(field: string, opts: { required?: boolean; min?: number; max?: number } = {}): number | null {
		let v = this.get(field);
		if (v === undefined || v === null || v === '')
			return opts.required ? this.fail(field, 'is required but missing.', 'import_err_field_missing') : null;
		if (this.csv && typeof v === 'string') v = Number(v.trim());
		if (typeof v !== 'number' || !Number.isFinite(v))
			return this.fail(field, `must be a number, got ${jsonType(this.get(field))}.`, 'import_err_not_number', {
				type: jsonType(this.get(field))
			});
		if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
			const range = { min: opts.min ?? '-∞', max: opts.max ?? '∞', value: v };
			return this.fail(
				field,
				`must be between ${range.min} and ${range.max}, got ${v}.`,
				'import_err_out_of_range',
				range
			);
		}
		return v;
	}

	/** Free metadata: any JSON value, size-checked as serialized JSON, NUL-free. */
	metadata(fields: readonly string[]): JsonObject {
		// Keys are data: with a null prototype, "__proto__" is stored as a key like any other.
		const out: JsonObject = Object.create(null);
		for (const f of fields) {
			const v = this.get(f);
			if (v === undefined || (this.csv && v === '')) continue;
			out[f] = v;
		}
		return this.checkJson(fields.length === 1 ? fields[0] : 'metadata', out) ?? {};
	}

	checkJson<T>(field: string, value: T): T | null {
		const text = JSON.stringify(value);
		if (text.length * 3 > this.limits.maxFieldBytes && Buffer.byteLength(text) > this.limits.maxFieldBytes) {
			const size = formatBytes(Buffer.byteLength(text));
			const limit = formatBytes(this.limits.maxFieldBytes);
			return this.fail(
				field,
				`is ${size} as JSON, over the limit of ${limit} (CONCORD_IMPORT_MAX_FIELD_BYTES).`,
				'import_err_field_too_large',
				{ size, limit }
			);
		}
		if (text.includes('\\u0000'))
			return this.fail(field, 'contains a NUL character (U+0000), which cannot be stored.', 'import_err_field_nul');
		if (!text.isWellFormed())
			return this.fail(
				field,
				'contains an unpaired UTF-16 surrogate, which is not valid Unicode.',
				'import_err_field_surrogate'
			);
		return value;
	}
}
