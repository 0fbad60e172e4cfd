/**
 * Blinding canaries. Unique strings are planted in a judge's output (run name, judgment raw
 * reply and error, the reply cache), in another annotator's label (rationale, metadata, flag
 * reason), in an imported label and in a skip reason, all on the task the blind annotator holds,
 * and as the name of a system that answered it (annotators see answers as "Answer 1/2", never
 * by system: the dataset and item pages included).
 * Then, as that annotator, EVERY procedure of the whole router is called (walked like
 * policy.test.ts does, so a procedure added later is covered) and no canary may appear in any
 * response or error. Again after the annotator submits in a queue that does not reveal. Pages
 * load through these same procedures (serverCaller), so this covers them too.
 *
 * Inputs: one "universal" input carries every id a procedure may ask for (zod strips the
 * rest); `EXTRA_INPUTS` adds variants, and `BAD_INPUT_OK` lists the few procedures the
 * universal input cannot satisfy. A procedure the annotator may call that answers
 * BAD_REQUEST without being listed fails the test: its input needs an entry here.
 *
 * Positive controls show the canaries are reachable: an admin sees them, and so does the
 * annotator after submitting in a queue that reveals.
 */
import type { AnyProcedure, AnyRouter } from '@trpc/server';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../../src/lib/server/auth/types';
import { addMember } from '../../../src/lib/server/db/repositories/members';
import { appRouter } from '../../../src/lib/server/trpc/router';
import { createHarness, type Harness } from '../support/harness';
import { installRuntime } from '../support/runtime';
import { key, makeAnnotationFixture, type AnnotationFixture } from './support';

const CANARY = `CANARY${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const canary = (what: string) => `${CANARY}_${what}`;

async function allProcedures(root: AnyRouter): Promise<string[]> {
	for (let lazy = Object.values(root._def.lazy); lazy.length > 0; lazy = Object.values(root._def.lazy)) {
		await Promise.all(lazy.map((l) => (l as { load(): Promise<void> }).load()));
	}
	return Object.keys(root._def.procedures as Record<string, AnyProcedure>).sort();
}

function call(caller: unknown, path: string, input: unknown): Promise<unknown> {
	const fn = path.split('.').reduce<any>((node, k) => node[k], caller);
	return Promise.resolve().then(() => fn(input));
}

/** Everything a response or an error can carry, as text. */
function text(value: unknown): string {
	const seen = new WeakSet();
	return JSON.stringify(value, (_k, v) => {
		if (typeof v === 'bigint') return v.toString();
		if (v instanceof Map) return [...v.entries()];
		if (v instanceof Set) return [...v];
		if (v instanceof Error)
			return {
				message: v.message,
				cause: (v as { cause?: unknown }).cause,
				details: (v as { details?: unknown }).details,
				code: (v as { code?: unknown }).code
			};
		if (v && typeof v === 'object') {
			if (seen.has(v)) return '[seen]';
			seen.add(v);
		}
		return v;
	});
}

/** Procedures whose input the universal one cannot satisfy, with why that is fine. */
const BAD_INPUT_OK: Record<string, string> = {
	'invitations.accept': 'needs a real token; a made-up one is refused before any project data is read',
	'auth.signIn': 'public: takes an email and password, reads no project data',
	'auth.signUp': 'public: creates an account, reads no project data',
	'apiTokens.revoke': "takes the id of one of the caller's own tokens; reads no project data"
};

/** Mutations that end the caller's membership or session run last. */
const LAST = ['auth.signOut', 'auth.signOutOthers', 'members.leave'];

let h: Harness;
let f: AnnotationFixture;
let removeRuntime: () => void;
let blind: SessionUser;
let other: SessionUser;
let skipper: SessionUser;
let revealer: SessionUser;
let queueId: string;
let revealQueueId: string;
let blindAssignment: string;
let otherAssignment: string;
let runId: string;
let taskItemId: string;
let paths: string[];

async function plantJudgeOutput(task: { item_id: string; answer_a_id: string; answer_b_id: string | null }) {
	const run = await h.db
		.insertInto('judge_run')
		.values({
			project_id: f.projectId,
			dataset_id: f.datasetId,
			source: 'imported',
			name: canary('RUN'),
			judge_model: canary('MODEL'),
			mode: 'pairwise',
			metadata: JSON.stringify({ note: canary('RUNMETA') })
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	runId = run.id;
	for (const [order, sample] of [
		['ab', 0],
		['ba', 0],
		['ab', 1]
	] as const) {
		await h.db
			.insertInto('judgment')
			.values({
				run_id: run.id,
				item_id: task.item_id,
				answer_a_id: task.answer_a_id,
				answer_b_id: task.answer_b_id,
				presented_order: order,
				sample,
				verdict: 'A',
				raw: JSON.stringify({ reply: canary('RAW'), verdict: 'A' }),
				// The judge's category column (category rubrics) is judge output too.
				category: canary('CATEGORY'),
				error: canary('ERROR'),
				import_id: null,
				revision: null
			})
			.execute();
	}
	await h.db
		.insertInto('llm_reply_cache')
		.values({
			project_id: f.projectId,
			key: canary('CACHEKEY'),
			reply: canary('REPLY'),
			input_tokens: 1,
			output_tokens: 1,
			cost: null,
			latency_ms: 1,
			model: 'm',
			finish_reason: 'stop'
		})
		.execute();
	await h.db
		.insertInto('annotation')
		.values({
			project_id: f.projectId,
			dataset_id: f.datasetId,
			item_id: task.item_id,
			answer_a_id: task.answer_a_id,
			answer_b_id: task.answer_b_id,
			external_annotator: canary('POOL'),
			external_key: canary('KEY'),
			source: 'imported',
			verdict: 'B',
			metadata: JSON.stringify({ note: canary('IMPORTED') }),
			import_id: null,
			revision: null
		})
		.execute();
}

/** Calls every procedure as `user`; returns the calls whose response or error carries a canary. */
async function sweep(
	user: SessionUser,
	ownAssignment: string
): Promise<{ leaks: string[]; badInput: string[]; calls: number }> {
	const caller = h.caller(user);
	const universal = {
		projectId: f.projectId,
		datasetId: f.datasetId,
		itemId: taskItemId,
		queueId,
		assignmentId: otherAssignment,
		runId,
		judgeRunId: runId,
		rubricId: randomUUID(),
		versionId: f.pairwiseRubric,
		rubricVersionId: f.pairwiseRubric,
		taskId: randomUUID(),
		userId: other.id,
		invitationId: randomUUID(),
		importId: randomUUID(),
		providerId: randomUUID(),
		token: 'x'.repeat(43),
		locale: 'en',
		displayName: 'Blind annotator',
		name: `probe ${randomUUID().slice(0, 6)}`,
		description: '',
		status: 'open',
		reason: 'probe',
		role: 'annotator',
		email: '',
		search: CANARY,
		selection: { kind: 'all' },
		label: { verdict: 'left' },
		rationale: 'probe',
		activeSeconds: 1,
		idempotencyKey: randomUUID()
	};
	/** More inputs per procedure: my own assignment, searches, other queues. */
	const EXTRA_INPUTS: Record<string, object[]> = {
		'annotation.task': [{ assignmentId: ownAssignment }],
		'annotation.next': [{ queueId: revealQueueId }],
		'annotation.history': [{ queueId: revealQueueId }],
		'annotation.submit': [{ assignmentId: ownAssignment, label: { verdict: 'tie' }, expectedVersion: 1 }],
		'annotation.skip': [{ assignmentId: ownAssignment }],
		'annotation.release': [{ assignmentId: ownAssignment }],
		'datasets.items': [{ search: 'Question' }, { search: canary('RATIONALE') }, { systemId: f.systems.s1 }],
		'datasets.item': [{ search: CANARY }],
		'apiTokens.create': [{ name: 'blind script', role: 'annotator' }]
	};
	const leaks: string[] = [];
	const badInput: string[] = [];
	let calls = 0;
	const ordered = [...paths.filter((p) => !LAST.includes(p)), ...LAST.filter((p) => paths.includes(p))];
	for (const path of ordered) {
		for (const extra of [{}, ...(EXTRA_INPUTS[path] ?? [])]) {
			calls++;
			let out: unknown;
			let code = 'OK';
			try {
				out = await call(caller, path, { ...universal, ...extra });
			} catch (error) {
				out = error;
				code = (error as { code?: string }).code ?? 'ERROR';
			}
			const body = text(out);
			if (body?.includes(CANARY)) leaks.push(`${path} ${JSON.stringify(extra)} → ${body.slice(0, 300)}`);
			if (code === 'BAD_REQUEST' && !(path in BAD_INPUT_OK) && !(out as Error).message?.match(/cursor/i))
				badInput.push(`${path}: ${(out as Error).message.slice(0, 200)}`);
		}
	}
	// members.leave ran last: make the caller a member again for what follows.
	await addMember(h.db, { projectId: f.projectId, userId: user.id, role: 'annotator' });
	return { leaks, badInput, calls };
}

beforeAll(async () => {
	h = await createHarness();
	removeRuntime = installRuntime({ db: h.db, queue: h.queue });
	f = await makeAnnotationFixture(h.db, { items: 3, extraAnnotators: 3 });
	[blind, other, skipper, revealer] = f.annotators;
	paths = await allProcedures(appRouter);
	const admin = h.caller(f.admin);
	const make = (name: string, revealAfterSubmit: boolean) =>
		admin.annotation.createQueue({
			projectId: f.projectId,
			datasetId: f.datasetId,
			rubricVersionId: f.pairwiseRubric,
			name,
			overlapK: 3,
			selection: { kind: 'random', n: 1, seed: 'canary' },
			pairing: 'baseline',
			baselineSystemId: f.systems.s1,
			revealAfterSubmit
		});
	queueId = (await make('blind queue', false)).id;
	revealQueueId = (await make('reveal queue', true)).id;

	// The other annotator labels first, with canaries in everything they write.
	for (const q of [queueId, revealQueueId]) {
		const view = (await h.caller(other).annotation.next({ projectId: f.projectId, queueId: q }))!;
		// Prefer answer A (the imported label below prefers B), so the task is a disagreement that
		// the admin's adjudication list shows (the positive control), whatever the placement.
		const placed = await h.db
			.selectFrom('annotation_assignment')
			.select('presented_order')
			.where('id', '=', view.assignmentId)
			.executeTakeFirstOrThrow();
		await h.caller(other).annotation.submit({
			projectId: f.projectId,
			assignmentId: view.assignmentId,
			label: { verdict: placed.presented_order === 'ba' ? 'right' : 'left' },
			rationale: canary('RATIONALE'),
			activeSeconds: 5,
			flag: { reason: canary('FLAG') },
			idempotencyKey: key()
		});
		if (q === queueId) otherAssignment = view.assignmentId;
		const skipped = (await h.caller(skipper).annotation.next({ projectId: f.projectId, queueId: q }))!;
		await h
			.caller(skipper)
			.annotation.skip({ projectId: f.projectId, assignmentId: skipped.assignmentId, reason: canary('SKIP') });
	}
	await sql`update annotation set metadata = ${JSON.stringify({ note: canary('META') })}::jsonb where annotator_user_id = ${other.id}`.execute(
		h.db
	);

	const mine = (await h.caller(blind).annotation.next({ projectId: f.projectId, queueId }))!;
	blindAssignment = mine.assignmentId;
	const task = await h.db
		.selectFrom('annotation_assignment as a')
		.innerJoin('annotation_task as t', 't.id', 'a.task_id')
		.select(['t.item_id', 't.answer_a_id', 't.answer_b_id', 't.id'])
		.where('a.id', '=', blindAssignment)
		.executeTakeFirstOrThrow();
	const otherTask = await h.db
		.selectFrom('annotation_assignment')
		.select('task_id')
		.where('id', '=', otherAssignment)
		.executeTakeFirstOrThrow();
	expect(otherTask.task_id).toBe(task.id); // same task: the other's label is on the blind annotator's item
	taskItemId = task.item_id;
	await plantJudgeOutput(task);
	// The system that wrote answer A of the task gets a canary name (a fresh revision, so no cache keeps the old name).
	await sql`update system set name = ${canary('SYSTEM')}
		where id = (select system_id from candidate_answer where id = ${task.answer_a_id})`.execute(h.db);
});
afterAll(async () => {
	removeRuntime();
	await h.close();
});

describe('blinding', () => {
	it('plants canaries that an admin can see (so the checks below can fail)', async () => {
		const admin = h.caller(f.admin);
		const results = text(
			await admin.results.item({ projectId: f.projectId, datasetId: f.datasetId, itemId: taskItemId })
		);
		expect(results).toContain(canary('RUN'));
		expect(results).toContain(canary('POOL'));
		const adjudication = text(await admin.annotation.adjudication({ projectId: f.projectId, queueId }));
		expect(adjudication).toContain(canary('RATIONALE'));
		expect(adjudication).toContain(canary('RAW'));
		expect(adjudication).toContain(canary('CATEGORY'));
		expect(adjudication).toContain(canary('POOL'));
		const item = text(
			await admin.datasets.item({ projectId: f.projectId, datasetId: f.datasetId, itemId: taskItemId })
		);
		expect(item).toContain(canary('SYSTEM'));
		const systems = text(await admin.datasets.systems({ projectId: f.projectId, datasetId: f.datasetId }));
		expect(systems).toContain(canary('SYSTEM'));
	});

	it('shows no canary to an annotator who has not submitted, in any procedure of the router', async () => {
		const { leaks, badInput, calls } = await sweep(blind, blindAssignment);
		expect(calls).toBeGreaterThan(paths.length);
		expect(badInput, 'procedures the universal input cannot reach: add them to EXTRA_INPUTS or BAD_INPUT_OK').toEqual(
			[]
		);
		expect(leaks).toEqual([]);
	});

	it('still shows none after submitting in a queue that does not reveal', async () => {
		// The sweep above may have released or skipped the reservation: take a fresh task in the blind queue.
		const c = h.caller(blind);
		await h.caller(f.admin).annotation.setStatus({ projectId: f.projectId, queueId, status: 'open' });
		let view = await c.annotation.task({ projectId: f.projectId, assignmentId: blindAssignment });
		if (view.status !== 'reserved' && view.status !== 'submitted') {
			const again = await c.annotation.next({ projectId: f.projectId, queueId });
			if (again) view = again;
		}
		await c.annotation.submit({
			projectId: f.projectId,
			assignmentId: view.assignmentId,
			label: { verdict: 'right' },
			activeSeconds: 2,
			idempotencyKey: key()
		});
		const submitted = await c.annotation.task({ projectId: f.projectId, assignmentId: view.assignmentId });
		expect(submitted.status).toBe('submitted');
		expect(submitted.revealed).toBeNull();
		const { leaks } = await sweep(blind, view.assignmentId);
		expect(leaks).toEqual([]);
	});

	it('shows annotators answers without systems, in one order per item, and no system filter', async () => {
		const ref = { projectId: f.projectId, datasetId: f.datasetId, itemId: taskItemId };
		const first = await h.caller(blind).datasets.item(ref);
		const again = await h.caller(revealer).datasets.item(ref);
		expect(first.answers).toHaveLength(3);
		expect(first.answers.every((a) => a.systemId === null && a.systemName === null && a.metadata.length === 0)).toBe(
			true
		);
		expect(again.answers.map((a) => a.id)).toEqual(first.answers.map((a) => a.id));
		const admin = await h.caller(f.admin).datasets.item(ref);
		expect(admin.answers.map((a) => a.systemName)).not.toContain(null);
		expect(await h.caller(blind).datasets.systems({ projectId: f.projectId, datasetId: f.datasetId })).toEqual([]);
		// A system filter would tell which items a system answered: ignored for blind members.
		const filtered = await h
			.caller(blind)
			.datasets.items({ projectId: f.projectId, datasetId: f.datasetId, systemId: randomUUID() });
		expect(filtered.items.length).toBe(3);
		const adminFiltered = await h
			.caller(f.admin)
			.datasets.items({ projectId: f.projectId, datasetId: f.datasetId, systemId: randomUUID() });
		expect(adminFiltered.items.length).toBe(0);
	});

	it('reveals judge output and others’ labels after submitting when the queue says so', async () => {
		const c = h.caller(revealer);
		const view = (await c.annotation.next({ projectId: f.projectId, queueId: revealQueueId }))!;
		expect(text(view)).not.toContain(CANARY);
		expect(view.revealed).toBeNull();
		await c.annotation.submit({
			projectId: f.projectId,
			assignmentId: view.assignmentId,
			label: { verdict: 'tie' },
			activeSeconds: 1,
			idempotencyKey: key()
		});
		const after = await c.annotation.task({ projectId: f.projectId, assignmentId: view.assignmentId });
		const revealed = text(after.revealed);
		expect(revealed).toContain(canary('RATIONALE'));
		expect(revealed).toContain(canary('RUN'));
	});
});
