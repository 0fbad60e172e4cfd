/**
 * A small project for the export and API-token tests: a dataset whose texts try to
 * break CSV (quotes, commas, newlines, formula starters, Chinese), a live both-order
 * run started through an API token (simulated provider, so no model is called; the
 * judgments are then written as a worker would), and human labels of every source.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { afterAll, beforeAll } from 'vitest';
import { GET } from '../../../src/routes/api/projects/[projectId]/exports/[kind]/+server';
import { pairwise } from '../../../src/lib/judging/test-rubrics';
import { validateApiToken } from '../../../src/lib/server/auth/api-tokens';
import type { ApiTokenInfo, SessionUser } from '../../../src/lib/server/auth/types';
import type { ProjectRole } from '../../../src/lib/schemas/project';
import { makeProvider, makeRubricVersion, seedAnswers, type SeededDataset } from '../judging/support/factory';
import { makeProjectWithMembers, type ProjectWithMembers } from '../projects/factories';
import { createHarness, type Harness } from '../support/harness';
import { installRuntime } from '../support/runtime';

export const CANARY = 'CANARY-judge-output-7f3a';
export const TRICKY = ['=HYPERLINK("http://x")', '+1+1', '-2', '@SUM(A1)', "'quoted", 'a, "b"\r\nc', '中文，逗号'];

export interface ExportWorld {
	p: ProjectWithMembers;
	data: SeededDataset;
	runId: string;
	rubricVersionId: string;
	providerId: string;
}

/** The export endpoint's GET handler, callable with `callEndpoint`. */
export const exportHandler = GET as unknown as (e: RequestEvent) => Promise<Response>;

/**
 * The shared setup of the export and token test files: a harness with the runtime installed (the
 * endpoint reads it) and a world named `name`, built before the file's tests and closed after. Read
 * `h` and `w` inside tests or later hooks (they are set by then).
 */
export function useExportWorld(name: string): { readonly h: Harness; readonly w: ExportWorld } {
	const state = {} as { h: Harness; w: ExportWorld };
	let removeRuntime: () => void = () => {};
	beforeAll(async () => {
		state.h = await createHarness();
		removeRuntime = installRuntime({ db: state.h.db, queue: state.h.queue, pool: state.h.pool });
		state.w = await buildWorld(state.h, name);
	});
	afterAll(async () => {
		removeRuntime();
		await state.h?.close();
	});
	return state;
}

/** A token of `role` for `user` in `projectId`, validated as the hooks would. */
export async function tokenFor(h: Harness, user: SessionUser, projectId: string, role: ProjectRole) {
	const created = await h
		.caller(user)
		.apiTokens.create({ projectId, name: `${role} token`, role, expiresInDays: null });
	const valid = await validateApiToken(h.db, created.token);
	if (!valid) throw new Error('a fresh token did not validate');
	return { ...created, info: valid.token };
}

export async function buildWorld(h: Harness, name: string): Promise<ExportWorld> {
	const p = await makeProjectWithMembers(h.db, name);
	const items = Array.from({ length: 12 }, (_, i) => ({
		externalId: i < TRICKY.length ? TRICKY[i] : `q${i}`,
		prompt: `Question ${i}`,
		category: i % 2 ? '数学' : 'code, "quoted"',
		answers: {
			alpha: `alpha ${i} ${'x'.repeat(i * 7)}`,
			beta: `beta ${i}`,
			gamma: i % 3 ? `gamma ${i}` : TRICKY[i % 7]
		}
	}));
	const data = await seedAnswers(h.db, { projectId: p.projectId, name, items });
	const { versionId } = await makeRubricVersion(h.db, p.projectId, pairwise);
	const providerId = await makeProvider(h.db, p.projectId, {
		kind: 'simulated',
		model: 'simulated-judge',
		temperature: 0.2,
		simulation: { seed: 5, positionBias: 0.2, lengthBias: 0.1, noise: 0.1 }
	});
	const admin = await tokenFor(h, p.admin, p.projectId, 'admin');
	const { runId } = await h.caller(p.admin, { apiToken: admin.info }).judgeRuns.start({
		projectId: p.projectId,
		datasetId: data.datasetId,
		rubricVersionId: versionId,
		providerId,
		options: { bothOrders: true, samples: 1, pairing: 'all-pairs' }
	});
	await fillJudgments(h, runId);
	await addLabels(h, p, data);
	return { p, data, runId, rubricVersionId: versionId, providerId };
}

/** Writes results into the pending units, as the executor would: verdicts, tokens, cost, flags, errors. */
async function fillJudgments(h: Harness, runId: string) {
	const units = await h.db.selectFrom('judgment').select(['id']).where('run_id', '=', runId).orderBy('id').execute();
	for (const [i, u] of units.entries()) {
		const status = i % 9 === 8 ? 'failed' : 'ok';
		await h.db
			.updateTable('judgment')
			.set({
				status,
				verdict: status === 'ok' ? (['A', 'B', 'tie'] as const)[i % 3] : null,
				error: status === 'failed' ? `${TRICKY[i % TRICKY.length]} ${CANARY}` : null,
				raw: JSON.stringify({ reply: `Reasoning ${i}: "A" is better, ${CANARY}` }),
				flags: i % 5 === 0 ? JSON.stringify({ a: ['instructions-to-judge'] }) : null,
				input_tokens: 100 + i,
				output_tokens: 10 + i,
				cost: (i * 0.000123).toFixed(6),
				latency_ms: 50 + i,
				attempts: 1,
				cached: i % 4 === 0,
				finished_at: new Date(Date.UTC(2026, 11, 2, 10, 0, i))
			})
			.where('id', '=', u.id)
			.execute();
	}
	await h.db
		.updateTable('judge_run')
		.set({ status: 'completed', finished_at: new Date() })
		.where('id', '=', runId)
		.execute();
}

async function addLabels(h: Harness, p: ProjectWithMembers, data: SeededDataset) {
	const rows = Object.entries(data.items).flatMap(([ext, itemId], i) => [
		{
			project_id: p.projectId,
			dataset_id: data.datasetId,
			item_id: itemId,
			answer_a_id: data.answers[`${ext}/alpha`],
			answer_b_id: data.answers[`${ext}/beta`],
			source: 'ui' as const,
			annotator_user_id: p.annotator.id,
			verdict: (['A', 'B', 'tie'] as const)[i % 3],
			rationale: i % 2 ? `${TRICKY[i % 7]} because, "reasons"` : null,
			presented_order: 'ab' as const
		},
		{
			project_id: p.projectId,
			dataset_id: data.datasetId,
			item_id: itemId,
			answer_a_id: data.answers[`${ext}/alpha`],
			answer_b_id: data.answers[`${ext}/gamma`],
			source: 'imported' as const,
			external_annotator: '=rater-7',
			external_key: `k${i}`,
			verdict: (['B', 'A'] as const)[i % 2]
		}
	]);
	await h.db.insertInto('annotation').values(rows).execute();
}

/** Calls a +server.ts GET handler as SvelteKit would, with what hooks would have put into locals. */
export async function callEndpoint(
	handler: (event: RequestEvent) => Promise<Response>,
	opts: { path: string; params: Record<string, string>; user: SessionUser | null; apiToken?: ApiTokenInfo | null }
): Promise<Response> {
	const url = new URL(`http://localhost${opts.path}`);
	const event = {
		request: new Request(url),
		url,
		params: opts.params,
		locals: { user: opts.user, session: null, apiToken: opts.apiToken ?? null, clientAddress: '127.0.0.1' },
		route: { id: null }
	} as unknown as RequestEvent;
	return handler(event);
}
