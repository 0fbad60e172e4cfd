import { describe, expect, it } from 'vitest';
import { can, capabilitiesOf, itemAccess, requireCapability, rolesWith } from './policy';

describe('access policy', () => {
	it('keeps annotators blind to results while they read and annotate items', () => {
		expect(capabilitiesOf({ role: 'annotator' })).toEqual({
			member: true,
			readItems: true,
			readResults: false,
			annotate: true,
			admin: false
		});
		expect(itemAccess({ role: 'viewer' }, { submittedByMember: false, revealAfterSubmit: false }).readJudgeOutput).toBe(
			true
		);
	});

	it('unblinds an annotator on one item only after they submitted it in a queue that reveals', () => {
		const annotator = { role: 'annotator' } as const;
		const blind = { readJudgeOutput: false, readOthersLabels: false };
		expect(itemAccess(annotator, { submittedByMember: false, revealAfterSubmit: false })).toEqual(blind);
		expect(itemAccess(annotator, { submittedByMember: false, revealAfterSubmit: true })).toEqual(blind);
		expect(itemAccess(annotator, { submittedByMember: true, revealAfterSubmit: false })).toEqual(blind);
		expect(itemAccess(annotator, { submittedByMember: true, revealAfterSubmit: true })).toEqual({
			readJudgeOutput: true,
			readOthersLabels: true
		});
	});

	it('gives viewers results but no labelling, and admins everything', () => {
		expect(can({ role: 'viewer' }, 'readResults')).toBe(true);
		expect(can({ role: 'viewer' }, 'annotate')).toBe(false);
		expect(Object.values(capabilitiesOf({ role: 'admin' })).every(Boolean)).toBe(true);
	});

	it('lists the roles holding a capability, in declaration order', () => {
		expect(rolesWith('readResults')).toEqual(['admin', 'viewer']);
		expect(rolesWith('annotate')).toEqual(['admin', 'annotator']);
		expect(rolesWith('member')).toEqual(['admin', 'annotator', 'viewer']);
	});

	it('refuses with FORBIDDEN naming the roles that would do', () => {
		expect(() => requireCapability({ role: 'annotator' }, 'readResults')).toThrow(
			expect.objectContaining({ code: 'FORBIDDEN', message: 'This needs the admin or viewer role in the project.' })
		);
		expect(() => requireCapability({ role: 'admin' }, 'readResults')).not.toThrow();
	});
});
