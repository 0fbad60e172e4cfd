import { describe, expect, it } from 'vitest';
import { validateRubric } from '$lib/judging/validate';
import { scratchRubric } from './scratch';

describe('the blank rubric', () => {
	it('is valid in both languages', () => {
		for (const locale of ['en', 'zh-CN'] as const) expect(validateRubric(scratchRubric(locale)).ok).toBe(true);
	});
});
