import { describe, expect, it } from 'vitest';
import { exampleScores } from './example-scores';

describe('exampleScores', () => {
	it('reads scale fields as numbers and label fields as text, even a label that is all digits', () => {
		const form = new FormData();
		form.set('scores.correctness', '4');
		form.set('labels.tone', '1');
		form.set('labels.grade', 'casual');
		form.set('scores.empty', ' ');
		form.set('explanation', 'why');
		expect(exampleScores(form)).toEqual({ correctness: 4, tone: '1', grade: 'casual' });
	});
});
