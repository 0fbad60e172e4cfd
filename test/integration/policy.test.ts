/**
 * The authorization policy over EVERY procedure of the real router:
 * - each one declares `meta.policy` (it was built from a builder in trpc/init.ts);
 * - `authenticated` ones refuse anonymous callers, `instanceAdmin` ones refuse
 *   ordinary users;
 * - `project` ones answer NOT_FOUND to non-members and FORBIDDEN to every role
 *   outside their set.
 *
 * Calls carry only `{ projectId }`. That is enough because tRPC v11 runs each
 * `.input()` parser as a middleware at the place it was chained: the
 * membership check of `projectProcedure` sits before any input a procedure
 * adds, so a refused caller gets NOT_FOUND/FORBIDDEN, never a BAD_REQUEST
 * that would reveal the procedure's input shape (asserted below, not assumed).
 * Refused calls stop before any side effect, so mutations are safe to probe;
 * allowed roles are never called here.
 */
import type { AnyProcedure, AnyRouter } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../src/lib/server/auth/types';
import type { ProjectRole } from '../../src/lib/server/db/schema';
import type { Policy } from '../../src/lib/server/trpc/init';
import { appRouter } from '../../src/lib/server/trpc/router';
import { makeProjectWithMembers, makeUser, type ProjectWithMembers } from './projects/factories';
import { createHarness, type Harness } from './support/harness';

const ALL_ROLES: ProjectRole[] = ['admin', 'annotator', 'viewer'];

async function allProcedures(root: AnyRouter): Promise<[string, AnyProcedure][]> {
	// Lazy sub-routers register their procedures only once loaded.
	for (let lazy = Object.values(root._def.lazy); lazy.length > 0; lazy = Object.values(root._def.lazy)) {
		await Promise.all(lazy.map((l) => (l as { load(): Promise<void> }).load()));
	}
	return Object.entries(root._def.procedures as Record<string, AnyProcedure>).sort(([a], [b]) => a.localeCompare(b));
}

const policyOf = (procedure: AnyProcedure) => (procedure._def.meta as { policy?: Policy } | undefined)?.policy;

/** Calls `path` (e.g. "members.updateRole") on a caller, whatever its type. */
function call(caller: unknown, path: string, input: unknown): Promise<unknown> {
	const fn = path.split('.').reduce<any>((node, key) => node[key], caller);
	return Promise.resolve().then(() => fn(input));
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
		return 'OK';
	} catch (error) {
		return (error as { code?: string }).code ?? String(error);
	}
}

let h: Harness;
let project: ProjectWithMembers;
let other: ProjectWithMembers;
let procedures: [string, AnyProcedure][];

beforeAll(async () => {
	h = await createHarness();
	project = await makeProjectWithMembers(h.db, 'Policy A');
	other = await makeProjectWithMembers(h.db, 'Policy B');
	procedures = await allProcedures(appRouter);
});
afterAll(() => h.close());

describe('authorization policy', () => {
	it('is declared on every procedure', async () => {
		expect(procedures.length).toBeGreaterThan(5);
		const missing = procedures.filter(([, p]) => !policyOf(p)).map(([path]) => path);
		expect(missing, `procedures without meta.policy: ${missing.join(', ')}`).toEqual([]);
	});

	it('refuses anonymous callers on every non-public procedure', async () => {
		const results: Record<string, string> = {};
		for (const [path, p] of procedures) {
			if (policyOf(p)?.kind === 'public') continue;
			results[path] = await codeOf(call(h.caller(null), path, { projectId: project.projectId }));
		}
		expect(Object.values(results).length).toBeGreaterThan(0);
		for (const [path, code] of Object.entries(results)) expect(code, path).toBe('UNAUTHORIZED');
	});

	it('refuses ordinary users on instance-admin procedures', async () => {
		const user = await makeUser(h.db);
		const paths = procedures.filter(([, p]) => policyOf(p)?.kind === 'instanceAdmin').map(([path]) => path);
		const report: string[] = [];
		for (const path of paths) {
			const code = await codeOf(call(h.caller(user), path, {}));
			if (code !== 'FORBIDDEN') report.push(`${path}: ordinary user got ${code}`);
		}
		expect(report).toEqual([]);
	});

	it('hides every project procedure from non-members (NOT_FOUND) and refuses roles outside its set (FORBIDDEN)', async () => {
		const projectProcedures = procedures.filter(([, p]) => policyOf(p)?.kind === 'project');
		expect(projectProcedures.map(([path]) => path)).toEqual(
			expect.arrayContaining(['projects.get', 'members.updateRole', 'projects.stats'])
		);
		const usersByRole: Record<ProjectRole, SessionUser> = {
			admin: project.admin,
			annotator: project.annotator,
			viewer: project.viewer
		};
		const report: string[] = [];
		for (const [path, p] of projectProcedures) {
			const allowed = (policyOf(p) as Extract<Policy, { kind: 'project' }>).roles;
			const outsider = await codeOf(call(h.caller(project.outsider), path, { projectId: project.projectId }));
			if (outsider !== 'NOT_FOUND') report.push(`${path}: non-member got ${outsider}`);
			// The admin of another project is just as much a stranger here.
			const strangerAdmin = await codeOf(call(h.caller(other.admin), path, { projectId: project.projectId }));
			if (strangerAdmin !== 'NOT_FOUND') report.push(`${path}: admin of another project got ${strangerAdmin}`);
			for (const role of ALL_ROLES.filter((r) => !allowed.includes(r))) {
				const code = await codeOf(call(h.caller(usersByRole[role]), path, { projectId: project.projectId }));
				if (code !== 'FORBIDDEN') report.push(`${path}: ${role} got ${code}`);
			}
		}
		expect(report).toEqual([]);
	});

	it('checks membership before a procedure parses its own input', async () => {
		// members.updateRole needs userId and role; without them an admin gets
		// BAD_REQUEST, while a non-member and a viewer are refused first.
		const partial = { projectId: project.projectId };
		expect(await codeOf(h.caller(project.outsider).members.updateRole(partial as never))).toBe('NOT_FOUND');
		expect(await codeOf(h.caller(project.viewer).members.updateRole(partial as never))).toBe('FORBIDDEN');
		expect(await codeOf(h.caller(project.admin).members.updateRole(partial as never))).toBe('BAD_REQUEST');
		// A malformed projectId is rejected before any lookup.
		expect(await codeOf(h.caller(project.admin).projects.get({ projectId: 'not-a-uuid' }))).toBe('BAD_REQUEST');
	});

	it("keeps each project's data to its own members", async () => {
		const a = h.caller(project.admin);
		expect((await a.projects.list()).map((p) => p.id)).toEqual([project.projectId]);
		expect(await codeOf(a.projects.get({ projectId: other.projectId }))).toBe('NOT_FOUND');
		expect(await codeOf(a.projects.update({ projectId: other.projectId, name: 'Taken over' }))).toBe('NOT_FOUND');
		expect(await codeOf(a.members.list({ projectId: other.projectId }))).toBe('NOT_FOUND');
		// A target user who belongs to the other project is not reachable through ours.
		expect(
			await codeOf(a.members.updateRole({ projectId: project.projectId, userId: other.viewer.id, role: 'admin' }))
		).toBe('NOT_FOUND');
		await expect(h.caller(other.admin).projects.get({ projectId: other.projectId })).resolves.toMatchObject({
			name: 'Policy B',
			memberCount: 3
		});
	});
});
