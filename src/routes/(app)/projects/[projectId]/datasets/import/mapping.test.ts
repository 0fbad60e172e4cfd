import { describe, expect, it } from 'vitest';
import { draftFromMapping, mappingFromDraft, usedColumns } from './mapping';

describe('mapping draft', () => {
	it('round-trips a long-format mapping', () => {
		const m = {
			externalId: 'id',
			prompt: 'question',
			reference: 'gold',
			system: 'model',
			answer: 'output',
			itemMetadata: ['source'],
			answerMetadata: []
		};
		const d = draftFromMapping(m);
		expect(d).toMatchObject({ promptKind: 'prompt', promptColumn: 'question', answerMode: 'long' });
		expect(mappingFromDraft(d)).toEqual(m);
	});

	it('round-trips a wide mapping with a conversation and drops unnamed systems', () => {
		const d = draftFromMapping({ conversation: 'messages', answerColumns: { a: 'sys-a', b: 'sys-b' } });
		expect(d).toMatchObject({ promptKind: 'conversation', answerMode: 'wide' });
		d.answerColumns.b = ' ';
		expect(mappingFromDraft(d)).toEqual({
			conversation: 'messages',
			answerColumns: { a: 'sys-a' },
			itemMetadata: [],
			answerMetadata: []
		});
		expect([...usedColumns(d)].sort()).toEqual(['a', 'b', 'messages']);
	});

	it('drops a column from metadata once it is mapped to a field', () => {
		const d = draftFromMapping({ prompt: 'q', itemMetadata: ['topic', 'source'] });
		d.category = 'topic';
		expect(mappingFromDraft(d).itemMetadata).toEqual(['source']);
	});

	it('uses a fixed system name when no system column is chosen', () => {
		const d = draftFromMapping({ prompt: 'p', answer: 'a', systemName: 'gpt-x' });
		expect(mappingFromDraft(d)).toMatchObject({ prompt: 'p', answer: 'a', systemName: 'gpt-x' });
		expect(mappingFromDraft(d)).not.toHaveProperty('system');
		expect(draftFromMapping(null).answerMode).toBe('none');
	});
});
