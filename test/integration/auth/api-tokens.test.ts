/**
 * API tokens: shown once and stored hashed; a revoked or expired token, another
 * project's id and a viewer token starting a run are each refused; a token can
 * never be wider than its owner's current role; account procedures refuse tokens;
 * the Bearer header is read by the request hooks (cookies ignored, 401 on a bad
 * token) and reaches the export endpoint. The walk over every procedure with a
 * token is in policy.test.ts.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateApiToken } from '../../../src/lib/server/auth/api-tokens';
import { checkRequestOrigin } from '../../../src/lib/server/auth/origin-check';
import { createSessionHandle } from '../../../src/lib/server/auth/session-handle';
import { callEndpoint, exportHandler, tokenFor, type ExportWorld, useExportWorld } from '../exports/support';
import { makeProjectWithMembers } from '../projects/factories';
import type { Harness } from '../support/harness';
import { codeOf } from '../support/app-error';

const world = useExportWorld('Tokens');
let h: Harness;
let w: ExportWorld;
beforeAll(() => void ({ h, w } = world));

const startInput = () => ({
	projectId: w.p.projectId,
	datasetId: w.data.datasetId,
	rubricVersionId: w.rubricVersionId,
	providerId: w.providerId,
	options: { bothOrders: false, samples: 1, pairing: 'all-pairs' as const }
});

describe('API tokens', () => {
	it('are shown once and stored only as a hash; list and last use are recorded', async () => {
		const t = await tokenFor(h, w.p.viewer, w.p.projectId, 'viewer');
		expect(t.token).toMatch(/^concord_[a-z2-7]{24}\.[a-z2-7]{32}$/);
		const row = await h.db.selectFrom('api_token').selectAll().where('id', '=', t.id).executeTakeFirstOrThrow();
		expect(Buffer.from(row.secret_hash).toString('hex')).not.toContain(t.token.split('.')[1]);
		expect(JSON.stringify(row)).not.toContain(t.token.split('.')[1]);
		expect(row.last_used_at).not.toBeNull();
		const listed = await h.caller(w.p.viewer).apiTokens.list();
		const mine = listed.find((x) => x.id === t.id)!;
		expect(mine).toMatchObject({ state: 'active', role: 'viewer', projectId: w.p.projectId });
		expect(JSON.stringify(listed)).not.toContain(t.token.split('.')[1]);
		// A wrong secret with a real id is refused.
		expect(await validateApiToken(h.db, `${t.token.slice(0, -4)}aaaa`)).toBeNull();
	});

	it('let a script list runs and start one with an admin token, and refuse a viewer token starting one', async () => {
		const admin = await tokenFor(h, w.p.admin, w.p.projectId, 'admin');
		const asAdmin = h.caller(w.p.admin, { apiToken: admin.info });
		expect((await asAdmin.judgeRuns.list({ projectId: w.p.projectId })).map((r) => r.id)).toContain(w.runId);
		const { runId } = await asAdmin.judgeRuns.start(startInput());
		await asAdmin.judgeRuns.cancel({ projectId: w.p.projectId, runId });

		// The ADMIN's own viewer token: the token's role, not the person's, decides.
		const viewer = await tokenFor(h, w.p.admin, w.p.projectId, 'viewer');
		const asViewer = h.caller(w.p.admin, { apiToken: viewer.info });
		expect((await asViewer.judgeRuns.list({ projectId: w.p.projectId })).length).toBeGreaterThan(0);
		expect(await codeOf(asViewer.judgeRuns.start(startInput()))).toBe('FORBIDDEN');
	});

	it('refuse a revoked and an expired token', async () => {
		const t = await tokenFor(h, w.p.viewer, w.p.projectId, 'viewer');
		await h.caller(w.p.viewer).apiTokens.revoke({ id: t.id });
		expect(await validateApiToken(h.db, t.token)).toBeNull();
		expect((await h.caller(w.p.viewer).apiTokens.list()).find((x) => x.id === t.id)?.state).toBe('revoked');
		// Someone else cannot revoke it (NOT_FOUND, not a silent success).
		const other = await tokenFor(h, w.p.viewer, w.p.projectId, 'viewer');
		expect(await codeOf(h.caller(w.p.admin).apiTokens.revoke({ id: other.id }))).toBe('NOT_FOUND');

		const expiring = await tokenFor(h, w.p.viewer, w.p.projectId, 'viewer');
		await h.db
			.updateTable('api_token')
			.set({ expires_at: new Date(Date.now() - 1000) })
			.where('id', '=', expiring.id)
			.execute();
		expect(await validateApiToken(h.db, expiring.token)).toBeNull();
	});

	it("keep to their project: another project's id is NOT_FOUND even when the owner belongs to it", async () => {
		const q = await makeProjectWithMembers(h.db, 'Tokens Q');
		await h.db
			.insertInto('project_member')
			.values({ project_id: q.projectId, user_id: w.p.admin.id, role: 'admin' })
			.execute();
		const t = await tokenFor(h, w.p.admin, w.p.projectId, 'admin');
		const script = h.caller(w.p.admin, { apiToken: t.info });
		expect(await codeOf(script.judgeRuns.list({ projectId: q.projectId }))).toBe('NOT_FOUND');
		expect(await codeOf(script.projects.get({ projectId: q.projectId }))).toBe('NOT_FOUND');
		// The session of the same person still reaches Q.
		await expect(h.caller(w.p.admin).projects.get({ projectId: q.projectId })).resolves.toMatchObject({
			name: 'Tokens Q'
		});
		const res = await callEndpoint(exportHandler, {
			path: `/api/projects/${q.projectId}/exports/labels?datasetId=${w.data.datasetId}`,
			params: { projectId: q.projectId, kind: 'labels' },
			user: w.p.admin,
			apiToken: t.info
		});
		expect(res.status).toBe(404);
	});

	it('are never wider than the owner: creation refused, and a demotion narrows old tokens', async () => {
		expect(
			await codeOf(
				h.caller(w.p.viewer).apiTokens.create({ projectId: w.p.projectId, name: 'x', role: 'admin', expiresInDays: 30 })
			)
		).toBe('FORBIDDEN');
		expect(
			await codeOf(
				h
					.caller(w.p.annotator)
					.apiTokens.create({ projectId: w.p.projectId, name: 'x', role: 'viewer', expiresInDays: null })
			)
		).toBe('FORBIDDEN');
		expect(
			await codeOf(
				h
					.caller(w.p.outsider)
					.apiTokens.create({ projectId: w.p.projectId, name: 'x', role: 'viewer', expiresInDays: null })
			)
		).toBe('NOT_FOUND');

		const p = await makeProjectWithMembers(h.db, 'Tokens demoted');
		const t = await tokenFor(h, p.admin, p.projectId, 'admin');
		await h.db
			.updateTable('project_member')
			.set({ role: 'viewer' })
			.where('user_id', '=', p.admin.id)
			.where('project_id', '=', p.projectId)
			.execute();
		expect(await validateApiToken(h.db, t.token)).toBeNull();
		// Even a context built before the demotion is refused at the next call.
		expect(await codeOf(h.caller(p.admin, { apiToken: t.info }).projects.get({ projectId: p.projectId }))).toBe(
			'FORBIDDEN'
		);
	});

	it('cannot reach account procedures (no new tokens, passwords or projects from a token)', async () => {
		const t = await tokenFor(h, w.p.admin, w.p.projectId, 'admin');
		const script = h.caller(w.p.admin, { apiToken: t.info });
		expect(
			await codeOf(
				script.apiTokens.create({ projectId: w.p.projectId, name: 'more', role: 'admin', expiresInDays: null })
			)
		).toBe('FORBIDDEN');
		expect(await codeOf(script.apiTokens.list())).toBe('FORBIDDEN');
		expect(await codeOf(script.projects.list())).toBe('FORBIDDEN');
	});
});

describe('Bearer requests', () => {
	const handle = createSessionHandle({ getDb: async () => h.db });

	async function through(headers: Record<string, string>) {
		const url = new URL('http://localhost/api/trpc/judgeRuns.list');
		const event = {
			request: new Request(url, { headers }),
			url,
			locals: {},
			cookies: { get: () => undefined, set: () => {}, delete: () => {} }
		} as unknown as RequestEvent;
		let resolved = false;
		const res = await handle({
			event,
			resolve: async () => {
				resolved = true;
				return new Response('ok');
			}
		});
		return { res, resolved, locals: event.locals };
	}

	it('authenticate by the header alone, and answer 401 to a bad token without falling back to cookies', async () => {
		const t = await tokenFor(h, w.p.viewer, w.p.projectId, 'viewer');
		const ok = await through({ authorization: `Bearer ${t.token}` });
		expect(ok.resolved).toBe(true);
		expect(ok.locals).toMatchObject({
			user: { id: w.p.viewer.id },
			session: null,
			apiToken: { projectId: w.p.projectId, role: 'viewer' }
		});

		await h.caller(w.p.viewer).apiTokens.revoke({ id: t.id });
		const revoked = await through({ authorization: `Bearer ${t.token}`, cookie: 'session=whatever' });
		expect(revoked.resolved).toBe(false);
		expect(revoked.res.status).toBe(401);
		expect((await through({ authorization: 'Bearer nonsense' })).res.status).toBe(401);
	});

	it('pass the Origin check (no cookie, no Origin) while a cookie request without Origin is still refused', () => {
		const post = (headers: Record<string, string>) =>
			checkRequestOrigin(
				new Request('http://localhost/api/trpc/judgeRuns.start', { method: 'POST', headers }),
				'http://localhost'
			);
		expect(post({ authorization: 'Bearer concord_x.y' }).allowed).toBe(true);
		expect(post({ cookie: 'session=abc' }).allowed).toBe(false);
		expect(post({ authorization: 'Bearer concord_x.y', origin: 'https://evil.example' }).allowed).toBe(false);
	});

	it('download an export with a viewer token', async () => {
		const t = await tokenFor(h, w.p.viewer, w.p.projectId, 'viewer');
		const res = await callEndpoint(exportHandler, {
			path: `/api/projects/${w.p.projectId}/exports/judgments?format=csv&runId=${w.runId}`,
			params: { projectId: w.p.projectId, kind: 'judgments' },
			user: w.p.viewer,
			apiToken: t.info
		});
		expect(res.status).toBe(200);
		expect((await res.text()).split('\r\n')[0]).toMatch(/^judgment_id,/);
		const annotator = await tokenFor(h, w.p.annotator, w.p.projectId, 'annotator');
		const refused = await callEndpoint(exportHandler, {
			path: `/api/projects/${w.p.projectId}/exports/judgments?format=csv&runId=${w.runId}`,
			params: { projectId: w.p.projectId, kind: 'judgments' },
			user: w.p.annotator,
			apiToken: annotator.info
		});
		expect(refused.status).toBe(403);
	});
});
