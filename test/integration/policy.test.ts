/**
 * The authorization policy over EVERY procedure of the real router and EVERY
 * plain endpoint (every +server.ts under src/routes):
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
 *
 * API tokens (auth/api-tokens.ts) are walked the same way: a token reaches only
 * its own project (another project, even one its owner administers, is NOT_FOUND),
 * only with its own role (a viewer token of an admin is FORBIDDEN wherever a viewer
 * is), and never the account procedures or endpoints (FORBIDDEN).
 *
 * Endpoints: each exported handler must come from `guardedEndpoint` (which
 * records its policy); the check is shown to flag an unguarded fixture. Guarded
 * ones are then called with the same refused callers and must answer 401 / 403
 * / 404 before their handler runs.
 */
import type { RequestEvent } from '@sveltejs/kit';
import type { AnyProcedure, AnyRouter } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROLES, type ProjectRole } from '../../src/lib/schemas/project';
import { rolesWith, type Policy } from '../../src/lib/server/auth/policy';
import type { ApiTokenInfo, SessionUser } from '../../src/lib/server/auth/types';
import { endpointPolicy } from '../../src/lib/server/http/guarded-endpoint';
import { appRouter } from '../../src/lib/server/trpc/router';
import { makeProjectWithMembers, makeUser, type ProjectWithMembers } from './projects/factories';
import { tokenFor } from './exports/support';
import { createHarness, type Harness } from './support/harness';
import { installRuntime } from './support/runtime';
import { codeOf } from './support/app-error';

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

type Modules = Record<string, () => Promise<unknown>>;
interface Endpoint {
	/** "<file> <METHOD>" */
	name: string;
	handler: unknown;
}

// Every method SvelteKit dispatches to in a +server.ts module.
const HTTP_EXPORTS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'fallback'];

async function endpointsOf(modules: Modules): Promise<Endpoint[]> {
	const found: Endpoint[] = [];
	for (const [file, load] of Object.entries(modules).sort(([a], [b]) => a.localeCompare(b))) {
		const mod = (await load()) as Record<string, unknown>;
		for (const method of HTTP_EXPORTS)
			if (method in mod) found.push({ name: `${file} ${method}`, handler: mod[method] });
	}
	return found;
}

const unguarded = (endpoints: Endpoint[]) => endpoints.filter((e) => !endpointPolicy(e.handler)).map((e) => e.name);

/** Calls an endpoint as SvelteKit would, with the session (or API token) that hooks would have resolved. */
async function statusOf(
	handler: unknown,
	user: SessionUser | null,
	projectId: string,
	apiToken: ApiTokenInfo | null = null
): Promise<number> {
	const url = new URL(`http://localhost/policy-probe/${projectId}`);
	const event = {
		request: new Request(url, { method: 'POST', body: 'probe' }),
		url,
		params: { projectId },
		locals: { user, session: null, apiToken, clientAddress: '127.0.0.1' },
		route: { id: null }
	} as unknown as RequestEvent;
	const res = await (handler as (e: RequestEvent) => Promise<Response>)(event);
	return res.status;
}

let h: Harness;
let project: ProjectWithMembers;
let other: ProjectWithMembers;
let procedures: [string, AnyProcedure][];
let endpoints: Endpoint[];
let removeRuntime: () => void;

beforeAll(async () => {
	h = await createHarness();
	removeRuntime = installRuntime({ db: h.db, queue: h.queue });
	project = await makeProjectWithMembers(h.db, 'Policy A');
	other = await makeProjectWithMembers(h.db, 'Policy B');
	procedures = await allProcedures(appRouter);
	endpoints = await endpointsOf(import.meta.glob('/src/routes/**/+server.ts'));
});
afterAll(async () => {
	removeRuntime();
	await h.close();
});

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
			const allowed = rolesWith((policyOf(p) as Extract<Policy, { kind: 'project' }>).capability);
			const outsider = await codeOf(call(h.caller(project.outsider), path, { projectId: project.projectId }));
			if (outsider !== 'NOT_FOUND') report.push(`${path}: non-member got ${outsider}`);
			// The admin of another project is just as much a stranger here.
			const strangerAdmin = await codeOf(call(h.caller(other.admin), path, { projectId: project.projectId }));
			if (strangerAdmin !== 'NOT_FOUND') report.push(`${path}: admin of another project got ${strangerAdmin}`);
			for (const role of PROJECT_ROLES.filter((r) => !allowed.includes(r))) {
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

describe('endpoint policy', () => {
	it('is declared on every handler of every +server.ts', () => {
		// The glob must see the known endpoints, or an empty list would pass.
		expect(endpoints.map((e) => e.name)).toEqual(
			expect.arrayContaining([
				'/src/routes/api/health/+server.ts GET',
				'/src/routes/api/projects/[projectId]/imports/+server.ts POST',
				'/src/routes/api/trpc/[...trpc]/+server.ts POST',
				'/src/routes/(auth)/sign-out/+server.ts POST'
			])
		);
		const missing = unguarded(endpoints);
		expect(missing, `endpoints without a guardedEndpoint policy: ${missing.join(', ')}`).toEqual([]);
	});

	it('flags a handler exported without a policy (fixture)', async () => {
		const fixture = await endpointsOf(import.meta.glob('./fixtures/routes/**/+server.ts'));
		expect(fixture.map((e) => e.name)).toEqual([
			'./fixtures/routes/unguarded/+server.ts GET',
			'./fixtures/routes/unguarded/+server.ts POST'
		]);
		expect(unguarded(fixture)).toEqual(['./fixtures/routes/unguarded/+server.ts GET']);
	});

	it('refuses anonymous callers, non-members and roles without the capability before the handler runs', async () => {
		const usersByRole: Record<ProjectRole, SessionUser> = {
			admin: project.admin,
			annotator: project.annotator,
			viewer: project.viewer
		};
		const ordinary = await makeUser(h.db);
		const report: string[] = [];
		const expectStatus = async (name: string, who: string, user: SessionUser | null, want: number) => {
			const got = await statusOf(endpoints.find((e) => e.name === name)!.handler, user, project.projectId);
			if (got !== want) report.push(`${name}: ${who} got ${got}, expected ${want}`);
		};
		let checked = 0;
		for (const { name, handler } of endpoints) {
			const policy = endpointPolicy(handler)!;
			if (policy.kind === 'public' || policy.kind === 'procedures') continue;
			checked++;
			await expectStatus(name, 'anonymous', null, 401);
			if (policy.kind === 'instanceAdmin') await expectStatus(name, 'ordinary user', ordinary, 403);
			if (policy.kind !== 'project') continue;
			await expectStatus(name, 'non-member', project.outsider, 404);
			await expectStatus(name, 'admin of another project', other.admin, 404);
			for (const role of PROJECT_ROLES.filter((r) => !rolesWith(policy.capability).includes(r)))
				await expectStatus(name, role, usersByRole[role], 403);
		}
		expect(checked).toBeGreaterThan(0);
		expect(report).toEqual([]);
	});
});

describe('API token policy', () => {
	let foreign: ApiTokenInfo;
	let narrowed: ApiTokenInfo;

	beforeAll(async () => {
		// project.admin also administers a third project; a token scoped there must not reach ours.
		const third = await makeProjectWithMembers(h.db, 'Policy C');
		await h.db
			.insertInto('project_member')
			.values({ project_id: third.projectId, user_id: project.admin.id, role: 'admin' })
			.execute();
		foreign = (await tokenFor(h, project.admin, third.projectId, 'admin')).info;
		// The admin's own viewer token for our project.
		narrowed = (await tokenFor(h, project.admin, project.projectId, 'viewer')).info;
	});

	it("answers NOT_FOUND on every project procedure to a token of another project, FORBIDDEN beyond the token's role", async () => {
		const report: string[] = [];
		let checked = 0;
		for (const [path, p] of procedures) {
			const policy = policyOf(p);
			if (policy?.kind !== 'project') continue;
			checked++;
			const input = { projectId: project.projectId };
			const other = await codeOf(call(h.caller(project.admin, { apiToken: foreign }), path, input));
			if (other !== 'NOT_FOUND') report.push(`${path}: token of another project got ${other}`);
			if (!rolesWith(policy.capability).includes('viewer')) {
				const code = await codeOf(call(h.caller(project.admin, { apiToken: narrowed }), path, input));
				if (code !== 'FORBIDDEN') report.push(`${path}: an admin's viewer token got ${code}`);
			}
		}
		expect(checked).toBeGreaterThan(10);
		expect(report).toEqual([]);
	});

	it('refuses tokens on every account and instance procedure', async () => {
		const report: string[] = [];
		for (const [path, p] of procedures) {
			const kind = policyOf(p)?.kind;
			if (kind !== 'authenticated' && kind !== 'instanceAdmin') continue;
			const code = await codeOf(call(h.caller(project.admin, { apiToken: narrowed }), path, {}));
			if (code !== 'FORBIDDEN') report.push(`${path}: token got ${code}`);
		}
		expect(report).toEqual([]);
	});

	it("keeps endpoints to the token's project and role", async () => {
		const report: string[] = [];
		for (const { name, handler } of endpoints) {
			const policy = endpointPolicy(handler)!;
			if (policy.kind === 'public' || policy.kind === 'procedures') continue;
			const other = await statusOf(handler, project.admin, project.projectId, foreign);
			const want = policy.kind === 'project' ? 404 : 403;
			if (other !== want) report.push(`${name}: token of another project got ${other}, expected ${want}`);
			if (policy.kind === 'project' && !rolesWith(policy.capability).includes('viewer')) {
				const code = await statusOf(handler, project.admin, project.projectId, narrowed);
				if (code !== 403) report.push(`${name}: an admin's viewer token got ${code}`);
			}
		}
		expect(report).toEqual([]);
	});
});
