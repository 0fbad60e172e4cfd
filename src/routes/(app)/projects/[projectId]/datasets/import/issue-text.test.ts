import { describe, expect, it } from 'vitest';
import { issueText } from './issue-text';

describe('import problems in the reader language', () => {
	const ragged = {
		reason: 'CSV: this row has 3 fields but the header has 4 (ragged row).',
		key: 'import_err_ragged_row',
		params: { fields: 3, header: 4 }
	};

	it('renders a keyed problem with its parameters in English and Chinese', () => {
		expect(issueText(ragged, 'en')).toBe('CSV: this row has 3 fields but the header has 4 (ragged row).');
		expect(issueText(ragged, 'zh-CN')).toBe('CSV：这一行有 3 个字段，但表头有 4 个（列数不齐）。');
		expect(issueText({ reason: 'The file is empty.', key: 'import_err_empty_file' }, 'zh-CN')).toBe('文件是空的。');
	});

	it('falls back to the English reason for an unknown or foreign key', () => {
		expect(issueText({ reason: 'Duplicate x', key: 'import_err_no_such_key' }, 'zh-CN')).toBe('Duplicate x');
		expect(issueText({ reason: 'Sign in', key: 'auth_sign_in' }, 'zh-CN')).toBe('Sign in');
		expect(issueText({ reason: 'Plain' }, 'zh-CN')).toBe('Plain');
	});
});
