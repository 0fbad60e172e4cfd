/**
 * The API key never leaves the server. Providers are made with a canary key — once from an
 * environment variable, once entered and stored encrypted — and then EVERY providers and rubrics
 * procedure is called (testConnection against the fake OpenAI-compatible server too: a success, a
 * plain 401, and a hostile server whose 401 echoes the Authorization header). The canary must
 * appear in no response, no error (as tRPC would send it to a browser) and no log line written
 * meanwhile; in the database only its ciphertext is kept.
 */
import { TRPCError } from '@trpc/server';
import { getErrorShape } from '@trpc/server/unstable-core-do-not-import';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decryptSecret } from '../../../src/lib/server/llm';
import { appRouter } from '../../../src/lib/server/trpc/router';
import { makeProjectWithMembers, type ProjectWithMembers } from '../projects/factories';
import { seedDataset } from '../datasets/support/seed';
import { createHarness, type Harness } from '../support/harness';
import { startFakeOpenAi, type FakeOpenAiServer } from '../../support/fake-openai-server';

const CANARY = vi.hoisted(() => {
	const canary = 'sk-canary-7Qm2xV9pL4tR8wZ1nB6cY3';
	// Set before any module reads the environment (env() caches it).
	process.env.CONCORD_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
	process.env.JUDGE_CANARY_API_KEY = canary;
	return canary;
});

let h: Harness;
let p: ProjectWithMembers;
let good: FakeOpenAiServer;
let wrongKey: FakeOpenAiServer;
let echoing: FakeOpenAiServer;
const logged: string[] = [];
const seen: { what: string; text: string }[] = [];
let restoreWrites: () => void;

function capture(stream: NodeJS.WriteStream) {
	const original = stream.write.bind(stream);
	stream.write = ((chunk: unknown, ...rest: unknown[]) => {
		logged.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
		return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
	}) as typeof stream.write;
	return () => {
		stream.write = original;
	};
}

/** Records what a call answered, or the error as tRPC would send it to a browser. */
async function record<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
	try {
		const result = await call();
		seen.push({ what, text: JSON.stringify(result) });
		return result;
	} catch (error) {
		if (!(error instanceof TRPCError)) throw error;
		const shape = getErrorShape({
			config: appRouter._def._config,
			error,
			type: 'mutation',
			path: what,
			input: undefined,
			ctx: undefined
		});
		seen.push({ what, text: JSON.stringify(shape) + error.message + String(error.stack) });
		return undefined;
	}
}

beforeAll(async () => {
	restoreWrites = (() => {
		const a = capture(process.stdout);
		const b = capture(process.stderr);
		return () => {
			a();
			b();
		};
	})();
	h = await createHarness();
	p = await makeProjectWithMembers(h.db, 'Secrets');
	good = await startFakeOpenAi({ apiKey: CANARY, models: ['judge-1', 'judge-2'], reply: () => 'OK' });
	wrongKey = await startFakeOpenAi({ apiKey: 'sk-some-other-key-entirely-000', models: ['judge-1'] });
	echoing = await startFakeOpenAi({
		models: ['judge-1'],
		fault: (_req, ctx) => ({
			kind: 'status',
			status: 401,
			message: `Incorrect API key provided: ${ctx.headers.authorization ?? ''}`
		})
	});
});
afterAll(async () => {
	restoreWrites();
	await Promise.all([good.close(), wrongKey.close(), echoing.close()]);
	await h.close();
});

const base = (name: string, baseUrl: string) => ({
	name,
	kind: 'openai-compatible' as const,
	baseUrl,
	model: 'judge-1',
	timeoutMs: 5000
});

describe('API keys', () => {
	it('appear in no response, error or log line of any providers or rubrics procedure', async () => {
		const admin = h.caller(p.admin);
		const viewer = h.caller(p.viewer);
		const projectId = p.projectId;

		const fromEnv = await record('providers.create env', () =>
			admin.providers.create({
				projectId,
				...base('Env key', good.baseUrl),
				key: { source: 'env', name: 'JUDGE_CANARY_API_KEY' }
			})
		);
		const stored = await record('providers.create stored', () =>
			admin.providers.create({
				projectId,
				...base('Stored key', good.baseUrl),
				key: { source: 'stored', value: CANARY }
			})
		);
		const refused = await record('providers.create stored, wrong server key', () =>
			admin.providers.create({
				projectId,
				...base('Refused', wrongKey.baseUrl),
				key: { source: 'stored', value: CANARY }
			})
		);
		const hostile = await record('providers.create stored, echoing server', () =>
			admin.providers.create({ projectId, ...base('Echo', echoing.baseUrl), key: { source: 'stored', value: CANARY } })
		);
		const simulated = await record('providers.create simulated', () =>
			admin.providers.create({
				projectId,
				name: 'Offline',
				kind: 'simulated',
				key: { source: 'stored', value: CANARY }
			})
		);
		expect([fromEnv, stored, refused, hostile, simulated].every(Boolean)).toBe(true);
		expect(fromEnv!.keySource).toBe('env:JUDGE_CANARY_API_KEY');
		expect(stored!).toMatchObject({ keySource: 'stored', hasStoredKey: true, keyEnv: null });
		expect(simulated!).toMatchObject({ hasStoredKey: false, keySource: 'none', name: 'Offline (simulated)' });

		// A name taken, a key too long, a bad base URL: errors echo nothing of the key.
		await record('providers.create taken', () =>
			admin.providers.create({
				projectId,
				...base('Stored key', good.baseUrl),
				key: { source: 'stored', value: CANARY }
			})
		);
		await record('providers.create long key', () =>
			admin.providers.create({
				projectId,
				...base('Long', good.baseUrl),
				key: { source: 'stored', value: CANARY.repeat(300) }
			})
		);
		await record('providers.create bad url', () =>
			admin.providers.create({
				projectId,
				...base('Bad url', `https://user:${CANARY}@example.test/v1`),
				key: { source: 'none' }
			})
		);

		const ok1 = await record('testConnection env', () =>
			admin.providers.testConnection({ projectId, providerId: fromEnv!.id })
		);
		const ok2 = await record('testConnection stored', () =>
			admin.providers.testConnection({ projectId, providerId: stored!.id })
		);
		const no1 = await record('testConnection 401', () =>
			admin.providers.testConnection({ projectId, providerId: refused!.id })
		);
		const no2 = await record('testConnection echo', () =>
			admin.providers.testConnection({ projectId, providerId: hostile!.id })
		);
		const sim = await record('testConnection simulated', () =>
			admin.providers.testConnection({ projectId, providerId: simulated!.id })
		);
		expect(ok1).toMatchObject({
			ok: true,
			models: ['judge-1', 'judge-2'],
			modelListed: true,
			reply: 'OK',
			model: 'judge-1'
		});
		expect(ok2).toMatchObject({ ok: true, modelListed: true });
		expect(no1).toMatchObject({ ok: false, errorKind: 'auth', status: 401 });
		expect(no2).toMatchObject({ ok: false, errorKind: 'auth', status: 401 });
		expect(sim).toMatchObject({ ok: true, simulated: true });
		// The hostile server was reached (it echoes the Authorization header in its 401 body).
		expect(echoing.log.length).toBeGreaterThan(0);
		expect((no2 as { message: string }).message).toMatch(/^The API key was refused by "Echo"/);

		for (const provider of [fromEnv!, stored!, refused!, hostile!, simulated!]) {
			await record('providers.get', () => admin.providers.get({ projectId, providerId: provider.id }));
			await record('providers.get viewer', () => viewer.providers.get({ projectId, providerId: provider.id }));
		}
		await record('providers.list', () => admin.providers.list({ projectId, includeArchived: true }));
		await record('providers.list viewer', () => viewer.providers.list({ projectId }));
		const updated = await record('providers.update keep', () =>
			admin.providers.update({
				projectId,
				providerId: stored!.id,
				...base('Stored key', good.baseUrl),
				model: 'judge-2',
				key: { source: 'keep' }
			})
		);
		expect(updated).toMatchObject({ model: 'judge-2', hasStoredKey: true });
		await record('providers.update new stored', () =>
			admin.providers.update({
				projectId,
				providerId: fromEnv!.id,
				...base('Env key', good.baseUrl),
				key: { source: 'stored', value: CANARY }
			})
		);
		expect(
			await record('testConnection after update', () =>
				admin.providers.testConnection({ projectId, providerId: fromEnv!.id })
			)
		).toMatchObject({ ok: true });
		await record('providers.update annotator', () =>
			h.caller(p.annotator).providers.update({
				projectId,
				providerId: stored!.id,
				...base('x', good.baseUrl),
				key: { source: 'stored', value: CANARY }
			})
		);
		await record('providers.archive', () => admin.providers.archive({ projectId, providerId: refused!.id }));

		expect(await record('providers.keyStorage', () => admin.providers.keyStorage({ projectId }))).toEqual({
			available: true
		});

		// Rubrics, every procedure.
		const ds = await seedDataset(h.db, {
			projectId,
			name: 'Secrets QA',
			items: [{ externalId: 'q1', prompt: 'Name a prime.', answers: { a: 'Seven.', b: 'Nine.' } }]
		});
		const answerIds = (
			await h.db.selectFrom('candidate_answer').select('id').where('item_id', '=', ds.items.q1).orderBy('id').execute()
		).map((r) => r.id);
		await record('rubrics.builtins', () => admin.rubrics.builtins({ projectId }));
		const made = await record('rubrics.create', () =>
			admin.rubrics.create({ projectId, fromBuiltin: { judgeId: 'pairwise', locale: 'en' } })
		);
		const rubric = await record('rubrics.get', () => admin.rubrics.get({ projectId, rubricId: made!.rubricId }));
		await record('rubrics.list', () => admin.rubrics.list({ projectId }));
		await record('rubrics.version', () => admin.rubrics.version({ projectId, versionId: made!.versionId }));
		await record('rubrics.saveVersion', () =>
			admin.rubrics.saveVersion({
				projectId,
				rubricId: made!.rubricId,
				content: { ...rubric!.current.content, rubricText: 'Be fair.' },
				note: '',
				baseVersion: 1
			})
		);
		await record('rubrics.preview', () =>
			admin.rubrics.preview({ projectId, versionId: made!.versionId, itemId: ds.items.q1, answerIds })
		);
		await record('rubrics.attachExamples', () =>
			admin.rubrics.attachExamples({
				projectId,
				rubricId: made!.rubricId,
				baseVersion: 2,
				examples: [{ itemId: ds.items.q1, answerIds, winner: 'A', explanation: 'Seven is prime.' }]
			})
		);
		await record('rubrics.archive', () => admin.rubrics.archive({ projectId, rubricId: made!.rubricId }));

		expect(seen.length).toBeGreaterThan(30);
		const leaks = seen.filter((s) => s.text.includes(CANARY)).map((s) => s.what);
		expect(leaks).toEqual([]);
		const leakedLines = logged.filter((line) => line.includes(CANARY));
		expect(leakedLines).toEqual([]);
		// The failures were logged (so the capture works), without the key.
		expect(logged.some((line) => line.includes('llm call failed'))).toBe(true);

		// At rest: ciphertext only, bound to its row.
		const rows = await h.db
			.selectFrom('llm_provider')
			.select(['id', 'api_key_encrypted', 'api_key_env'])
			.where('project_id', '=', projectId)
			.execute();
		for (const row of rows) {
			expect(JSON.stringify(row)).not.toContain(CANARY);
			if (row.api_key_encrypted) expect(decryptSecret(row.api_key_encrypted, { aad: row.id })).toBe(CANARY);
		}
		const storedRow = rows.find((r) => r.id === stored!.id)!;
		expect(() => decryptSecret(storedRow.api_key_encrypted!, { aad: fromEnv!.id })).toThrow(/could not be decrypted/);
	});
});
