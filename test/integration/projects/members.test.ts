import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../../src/lib/server/db/repositories/members';
import { createHarness, type Harness } from '../support/harness';
import { makeProjectWithMembers, makeUser } from './factories';

let h: Harness;
beforeAll(async () => {
	h = await createHarness();
});
afterAll(() => h.close());

describe('members router', () => {
	it('shows e-mail addresses to admins only', async () => {
		const p = await makeProjectWithMembers(h.db);
		const asAdmin = await h.caller(p.admin).members.list({ projectId: p.projectId });
		expect(asAdmin.map((m) => m.role)).toEqual(['admin', 'annotator', 'viewer']);
		expect(asAdmin.every((m) => typeof m.email === 'string')).toBe(true);
		const asAnnotator = await h.caller(p.annotator).members.list({ projectId: p.projectId });
		expect(asAnnotator).toHaveLength(3);
		expect(asAnnotator.some((m) => 'email' in m)).toBe(false);
		expect(asAnnotator.find((m) => m.isYou)?.userId).toBe(p.annotator.id);
	});

	it('lets admins change roles but never demote the last admin', async () => {
		const p = await makeProjectWithMembers(h.db);
		await h.caller(p.admin).members.updateRole({ projectId: p.projectId, userId: p.viewer.id, role: 'annotator' });
		await expect(h.caller(p.viewer).projects.get({ projectId: p.projectId })).resolves.toMatchObject({
			role: 'annotator'
		});

		await expect(
			h.caller(p.admin).members.updateRole({ projectId: p.projectId, userId: p.admin.id, role: 'viewer' })
		).rejects.toMatchObject({
			code: 'CONFLICT',
			cause: { details: { reason: 'last_admin' } }
		});
		await h.caller(p.admin).members.updateRole({ projectId: p.projectId, userId: p.annotator.id, role: 'admin' });
		// With a second admin, the first may step down.
		await h.caller(p.admin).members.updateRole({ projectId: p.projectId, userId: p.admin.id, role: 'viewer' });
		const seenAsViewer = await h.caller(p.admin).members.list({ projectId: p.projectId });
		expect(seenAsViewer.some((m) => 'email' in m)).toBe(false);
		await expect(h.caller(p.admin).projects.get({ projectId: p.projectId })).resolves.toMatchObject({ role: 'viewer' });
	});

	it('never leaves a project without an admin when two admins demote each other at once', async () => {
		const p = await makeProjectWithMembers(h.db);
		await h.caller(p.admin).members.updateRole({ projectId: p.projectId, userId: p.viewer.id, role: 'admin' });
		const results = await Promise.allSettled([
			h.caller(p.admin).members.updateRole({ projectId: p.projectId, userId: p.viewer.id, role: 'viewer' }),
			h.caller(p.viewer).members.updateRole({ projectId: p.projectId, userId: p.admin.id, role: 'viewer' })
		]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const admins = await h.db
			.selectFrom('project_member')
			.select('user_id')
			.where('project_id', '=', p.projectId)
			.where('role', '=', 'admin')
			.execute();
		expect(admins).toHaveLength(1);
	});

	it('removes members, refuses the last admin, and lets members leave', async () => {
		const p = await makeProjectWithMembers(h.db);
		await expect(
			h.caller(p.viewer).members.remove({ projectId: p.projectId, userId: p.annotator.id })
		).rejects.toMatchObject({ code: 'FORBIDDEN' });
		await h.caller(p.admin).members.remove({ projectId: p.projectId, userId: p.annotator.id });
		await expect(h.caller(p.annotator).projects.get({ projectId: p.projectId })).rejects.toMatchObject({
			code: 'NOT_FOUND'
		});

		await expect(
			h.caller(p.admin).members.remove({ projectId: p.projectId, userId: p.admin.id })
		).rejects.toMatchObject({ code: 'CONFLICT' });
		await expect(h.caller(p.admin).members.leave({ projectId: p.projectId })).rejects.toMatchObject({
			code: 'CONFLICT'
		});

		await h.caller(p.viewer).members.leave({ projectId: p.projectId });
		await expect(h.caller(p.viewer).projects.list()).resolves.toEqual([]);
	});

	it('cannot touch members of another project', async () => {
		const a = await makeProjectWithMembers(h.db, 'A');
		const b = await makeProjectWithMembers(h.db, 'B');
		const asAdminOfA = h.caller(a.admin).members;
		await expect(
			asAdminOfA.updateRole({ projectId: a.projectId, userId: b.viewer.id, role: 'admin' })
		).rejects.toMatchObject({ code: 'NOT_FOUND' });
		await expect(asAdminOfA.remove({ projectId: a.projectId, userId: b.admin.id })).rejects.toMatchObject({
			code: 'NOT_FOUND'
		});
		await expect(asAdminOfA.remove({ projectId: b.projectId, userId: b.viewer.id })).rejects.toMatchObject({
			code: 'NOT_FOUND'
		});
		await expect(asAdminOfA.list({ projectId: b.projectId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
		const bMembers = await h.db
			.selectFrom('project_member')
			.select(['user_id', 'role'])
			.where('project_id', '=', b.projectId)
			.execute();
		expect(bMembers).toHaveLength(3);
	});

	it('keeps an existing role when a member is added again', async () => {
		const p = await makeProjectWithMembers(h.db);
		await expect(addMember(h.db, { projectId: p.projectId, userId: p.viewer.id, role: 'admin' })).resolves.toEqual({
			added: false
		});
		const newcomer = await makeUser(h.db);
		await expect(addMember(h.db, { projectId: p.projectId, userId: newcomer.id, role: 'annotator' })).resolves.toEqual({
			added: true
		});
		await expect(h.caller(p.viewer).projects.get({ projectId: p.projectId })).resolves.toMatchObject({
			role: 'viewer',
			memberCount: 4
		});
	});
});
