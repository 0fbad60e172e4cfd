/**
 * The session lookup brings the caller's memberships in the projects a request names (one query
 * instead of one more per projectProcedure): what it reads, how the request's project ids are
 * found, and that projectProcedure uses the prefetched rows only for the same user.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, validateSessionToken } from '../../../src/lib/server/auth/sessions';
import { projectIdsOfTrpcInputs } from '../../../src/lib/server/trpc/project-ids';
import { createCallerFactory } from '../../../src/lib/server/trpc/init';
import { appRouter } from '../../../src/lib/server/trpc/router';
import { makeProjectWithMembers } from '../projects/factories';
import { createHarness, type Harness } from '../support/harness';
import { client, policy } from './support/fixtures';

let h: Harness;
beforeAll(async () => {
	h = await createHarness();
});
afterAll(() => h.close());

describe('memberships read with the session', () => {
	it('returns the role in each named project, null where the user is not a member', async () => {
		const p = await makeProjectWithMembers(h.db, `prefetch ${randomUUID().slice(0, 6)}`);
		const other = await makeProjectWithMembers(h.db, `prefetch other ${randomUUID().slice(0, 6)}`);
		const issued = await createSession(h.db, { ...p.annotator, locale: null } as never, client(), { policy });
		const valid = await validateSessionToken(h.db, issued.token, {
			policy,
			projectIds: [p.projectId, other.projectId]
		});
		expect(valid?.user.id).toBe(p.annotator.id);
		expect(valid?.memberships?.userId).toBe(p.annotator.id);
		expect(valid?.memberships?.byProject.get(p.projectId)?.role).toBe('annotator');
		expect(valid?.memberships?.byProject.get(other.projectId)).toBeNull();
		const none = await validateSessionToken(h.db, issued.token, { policy });
		expect(none?.memberships?.byProject.size).toBe(0);
	});

	it('finds project ids in the parsed inputs of a tRPC call or batch, ignoring anything else', () => {
		const id = randomUUID();
		const id2 = randomUUID();
		expect(projectIdsOfTrpcInputs([{ projectId: id, queueId: id2 }])).toEqual([id]);
		expect(projectIdsOfTrpcInputs([{ projectId: id }, { projectId: id2 }, null, undefined]).sort()).toEqual(
			[id, id2].sort()
		);
		expect(projectIdsOfTrpcInputs([{ projectId: id.toUpperCase() }])).toEqual([id]);
		expect(projectIdsOfTrpcInputs([{ projectId: "x' or 1=1" }, 'text', 7])).toEqual([]);
		expect(projectIdsOfTrpcInputs([])).toEqual([]);
	});

	it('projectProcedure trusts prefetched rows only for the signed-in user, and refuses a prefetched non-member', async () => {
		const p = await makeProjectWithMembers(h.db, `prefetch proc ${randomUUID().slice(0, 6)}`);
		function call(
			user: typeof p.admin,
			memberships?: {
				userId: string;
				byProject: Map<string, { projectId: string; userId: string; role: never } | null>;
			}
		) {
			return createCallerFactory(appRouter)({
				db: h.db,
				queue: h.queue,
				user,
				session: { id: `test-${randomUUID()}`, createdAt: new Date(), lastVerifiedAt: new Date() },
				memberships,
				request: { clientAddress: '127.0.0.1', userAgent: 'vitest' }
			});
		}
		// Someone else's prefetched "admin" row is ignored: the outsider is looked up and refused.
		const forged = new Map([[p.projectId, { projectId: p.projectId, userId: p.admin.id, role: 'admin' as never }]]);
		await expect(
			call(p.outsider, { userId: p.admin.id, byProject: forged }).annotation.queues({ projectId: p.projectId })
		).rejects.toMatchObject({ code: 'NOT_FOUND' });
		// The same user's prefetched "not a member" is believed (no second lookup).
		await expect(
			call(p.admin, { userId: p.admin.id, byProject: new Map([[p.projectId, null]]) }).annotation.queues({
				projectId: p.projectId
			})
		).rejects.toMatchObject({ code: 'NOT_FOUND' });
		await expect(
			call(p.admin, {
				userId: p.admin.id,
				byProject: new Map([[p.projectId, { projectId: p.projectId, userId: p.admin.id, role: 'admin' as never }]])
			}).annotation.queues({ projectId: p.projectId })
		).resolves.toEqual([]);
	});
});
