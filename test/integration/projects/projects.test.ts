import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness';
import { makeProjectWithMembers, makeUser } from './factories';

let h: Harness;
beforeAll(async () => {
	h = await createHarness();
});
afterAll(() => h.close());

describe('projects router', () => {
	it('lets any signed-in user create a project and makes them its only admin', async () => {
		const user = await makeUser(h.db);
		const created = await h.caller(user).projects.create({ name: '  Summaries  ', description: 'Judge summaries' });
		expect(created).toMatchObject({ name: 'Summaries', description: 'Judge summaries', role: 'admin', memberCount: 1 });
		const members = await h.caller(user).members.list({ projectId: created.id });
		expect(members.map((m) => [m.userId, m.role])).toEqual([[user.id, 'admin']]);
	});

	it('rejects anonymous creation and blank names', async () => {
		await expect(h.caller().projects.create({ name: 'x', description: '' })).rejects.toMatchObject({
			code: 'UNAUTHORIZED'
		});
		const user = await makeUser(h.db);
		await expect(h.caller(user).projects.create({ name: '   ', description: '' })).rejects.toMatchObject({
			code: 'BAD_REQUEST'
		});
		await expect(h.caller(user).projects.create({ name: 'n'.repeat(121), description: '' })).rejects.toMatchObject({
			code: 'BAD_REQUEST'
		});
	});

	it('lists only the projects the user belongs to, with role and member count', async () => {
		const p = await makeProjectWithMembers(h.db, 'Listed');
		const other = await makeProjectWithMembers(h.db, 'Other');
		const list = await h.caller(p.viewer).projects.list();
		expect(list).toEqual([
			expect.objectContaining({ id: p.projectId, name: 'Listed', role: 'viewer', memberCount: 3 })
		]);
		expect(list.map((x) => x.id)).not.toContain(other.projectId);
		await expect(h.caller(p.outsider).projects.list()).resolves.toEqual([]);
	});

	it('gets a project for every member and hides it from others', async () => {
		const p = await makeProjectWithMembers(h.db, 'Visible');
		for (const [user, role] of [
			[p.admin, 'admin'],
			[p.annotator, 'annotator'],
			[p.viewer, 'viewer']
		] as const) {
			await expect(h.caller(user).projects.get({ projectId: p.projectId })).resolves.toMatchObject({
				name: 'Visible',
				role,
				memberCount: 3
			});
		}
		await expect(h.caller(p.outsider).projects.get({ projectId: p.projectId })).rejects.toMatchObject({
			code: 'NOT_FOUND'
		});
	});

	it('lets only admins rename, and validates the change', async () => {
		const p = await makeProjectWithMembers(h.db);
		await expect(h.caller(p.admin).projects.update({ projectId: p.projectId, name: 'Renamed' })).resolves.toMatchObject(
			{ name: 'Renamed' }
		);
		await expect(h.caller(p.viewer).projects.update({ projectId: p.projectId, name: 'Nope' })).rejects.toMatchObject({
			code: 'FORBIDDEN'
		});
		await expect(h.caller(p.admin).projects.update({ projectId: p.projectId })).rejects.toMatchObject({
			code: 'BAD_REQUEST'
		});
		await expect(h.caller(p.admin).projects.get({ projectId: p.projectId })).resolves.toMatchObject({
			name: 'Renamed'
		});
	});

	it('keeps statistics from annotators and queues a refresh for admins', async () => {
		const p = await makeProjectWithMembers(h.db);
		await expect(h.caller(p.viewer).projects.stats({ projectId: p.projectId })).resolves.toBeNull();
		await expect(h.caller(p.annotator).projects.stats({ projectId: p.projectId })).rejects.toMatchObject({
			code: 'FORBIDDEN'
		});
		const { jobId } = await h.caller(p.admin).projects.refreshStats({ projectId: p.projectId });
		const job = await h.db
			.selectFrom('graphile_worker.jobs' as never)
			.select(['task_identifier', 'key'] as never)
			.where('id' as never, '=', jobId as never)
			.executeTakeFirst();
		// graphile-worker's public `jobs` view has no payload; the job key names the project.
		expect(job).toMatchObject({ task_identifier: 'project.refresh-stats', key: `project-stats:${p.projectId}` });
	});
});
