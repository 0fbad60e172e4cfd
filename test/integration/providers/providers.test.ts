/**
 * Providers through the real router: the kinds and their settings, the simulated judge (no model,
 * always named "simulated", test connection without network), key sources (environment variable
 * names that would reach Concord's own secrets are refused; storing a key without
 * CONCORD_SECRET_KEY is refused in plain words), edits, archive, and who may see what.
 */
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../src/lib/server/errors';
import { makeProjectWithMembers, type ProjectWithMembers } from '../projects/factories';
import { createHarness, type Harness } from '../support/harness';

vi.hoisted(() => {
	// This file checks the refusal without an encryption key.
	delete process.env.CONCORD_SECRET_KEY;
});

let h: Harness;
let p: ProjectWithMembers;
beforeAll(async () => {
	h = await createHarness();
	p = await makeProjectWithMembers(h.db, 'Providers');
});
afterAll(() => h.close());

async function failure(promise: Promise<unknown>): Promise<TRPCError> {
	try {
		await promise;
	} catch (error) {
		expect(error).toBeInstanceOf(TRPCError);
		return error as TRPCError;
	}
	throw new Error('expected the call to fail');
}

describe('providers', () => {
	it('creates an OpenAI-compatible provider with every setting, and edits it for future runs', async () => {
		const admin = h.caller(p.admin);
		const made = await admin.providers.create({
			projectId: p.projectId,
			name: 'DeepSeek chat',
			kind: 'openai-compatible',
			baseUrl: 'https://api.deepseek.com/v1/',
			model: 'deepseek-chat',
			key: { source: 'env', name: 'DEEPSEEK_API_KEY' },
			temperature: 0,
			maxTokens: 512,
			seed: 7,
			concurrency: 16,
			requestsPerMinute: 600,
			tokensPerMinute: 1_000_000,
			priceInputPerMillion: 0.27,
			priceOutputPerMillion: 1.1,
			supportsJsonSchema: true,
			stream: true,
			timeoutMs: 60_000
		});
		expect(made).toMatchObject({
			name: 'DeepSeek chat',
			kind: 'openai-compatible',
			baseUrl: 'https://api.deepseek.com/v1',
			model: 'deepseek-chat',
			temperature: 0,
			maxTokens: 512,
			seed: 7,
			concurrency: 16,
			requestsPerMinute: 600,
			tokensPerMinute: 1_000_000,
			pricePerMillion: { input: 0.27, output: 1.1 },
			supportsJsonSchema: true,
			stream: true,
			timeoutMs: 60_000,
			keySource: 'env:DEEPSEEK_API_KEY',
			keyEnv: 'DEEPSEEK_API_KEY',
			hasStoredKey: false,
			simulated: false
		});
		const edited = await admin.providers.update({
			projectId: p.projectId,
			providerId: made.id,
			name: 'DeepSeek chat',
			kind: 'openai-compatible',
			baseUrl: 'https://api.deepseek.com/v1',
			model: 'deepseek-reasoner',
			key: { source: 'keep' },
			concurrency: 4
		});
		expect(edited).toMatchObject({
			model: 'deepseek-reasoner',
			keyEnv: 'DEEPSEEK_API_KEY',
			concurrency: 4,
			pricePerMillion: null
		});
		expect(edited.updatedAt.getTime()).toBeGreaterThanOrEqual(made.updatedAt.getTime());
	});

	it('makes Azure providers with an API version', async () => {
		const azure = await h.caller(p.admin).providers.create({
			projectId: p.projectId,
			name: 'Azure',
			kind: 'azure',
			baseUrl: 'https://example.openai.azure.com',
			model: 'gpt-4o-judge',
			azureApiVersion: '2024-10-21',
			key: { source: 'env', name: 'AZURE_OPENAI_API_KEY' }
		});
		expect(azure).toMatchObject({ kind: 'azure', azureApiVersion: '2024-10-21' });
	});

	it('labels the simulated judge "simulated" and tests it without network', async () => {
		const admin = h.caller(p.admin);
		const sim = await admin.providers.create({
			projectId: p.projectId,
			name: 'Offline judge',
			kind: 'simulated',
			baseUrl: 'http://should-be-ignored.example',
			simulation: { positionBias: 0.2, lengthBias: 0.5, noise: 0.05, seed: 3 }
		});
		expect(sim).toMatchObject({
			name: 'Offline judge (simulated)',
			model: 'simulated-judge',
			baseUrl: '',
			simulated: true,
			keySource: 'none',
			simulation: { positionBias: 0.2, lengthBias: 0.5, noise: 0.05, seed: 3 }
		});
		const named = await admin.providers.create({
			projectId: p.projectId,
			name: 'Simulated, biased',
			kind: 'simulated'
		});
		expect(named.name).toBe('Simulated, biased');
		const test = await admin.providers.testConnection({ projectId: p.projectId, providerId: sim.id });
		expect(test).toMatchObject({ ok: true, simulated: true });
		expect(test.ok && test.simulated && test.message).toMatch(/needs no network/);
	});

	it('refuses to store a key without CONCORD_SECRET_KEY, saying so in plain words', async () => {
		expect(await h.caller(p.admin).providers.keyStorage({ projectId: p.projectId })).toEqual({ available: false });
		const e = await failure(
			h.caller(p.admin).providers.create({
				projectId: p.projectId,
				name: 'Stored',
				kind: 'openai-compatible',
				baseUrl: 'https://api.openai.com/v1',
				model: 'gpt-4o-mini',
				key: { source: 'stored', value: 'sk-not-kept-anywhere-123456' }
			})
		);
		expect(e.code).toBe('BAD_REQUEST');
		expect(e.message).toMatch(/CONCORD_SECRET_KEY is not set/);
		expect(e.message).toMatch(/name an environment variable/);
		expect((e.cause as AppError).details).toMatchObject({ reason: 'no_secret_key' });
		expect(e.message).not.toContain('sk-not-kept-anywhere');
		expect(await h.db.selectFrom('llm_provider').select('id').where('name', '=', 'Stored').execute()).toEqual([]);
	});

	it("refuses environment variables that would hand out Concord's own secrets, and bad URLs", async () => {
		const admin = h.caller(p.admin);
		const attempt = (name: string) =>
			failure(
				admin.providers.create({
					projectId: p.projectId,
					name: `Env ${name}`,
					kind: 'openai-compatible',
					baseUrl: 'https://attacker.example/v1',
					model: 'm',
					key: { source: 'env', name }
				})
			);
		for (const name of ['CONCORD_SECRET_KEY', 'DATABASE_URL', 'PGPASSWORD', 'HOME'])
			expect((await attempt(name)).code).toBe('BAD_REQUEST');
		const url = await failure(
			admin.providers.create({
				projectId: p.projectId,
				name: 'No URL',
				kind: 'openai-compatible',
				baseUrl: 'ftp://x',
				model: 'm'
			})
		);
		expect((url.cause as AppError).details).toMatchObject({ field: 'baseUrl' });
		const model = await failure(
			admin.providers.create({
				projectId: p.projectId,
				name: 'No model',
				kind: 'openai-compatible',
				baseUrl: 'http://localhost:11434/v1'
			})
		);
		expect((model.cause as AppError).details).toMatchObject({ field: 'model' });
	});

	it('reports a missing key variable as a config failure in plain words', async () => {
		const admin = h.caller(p.admin);
		const made = await admin.providers.create({
			projectId: p.projectId,
			name: 'Unset env',
			kind: 'openai-compatible',
			baseUrl: 'http://127.0.0.1:9/v1',
			model: 'm',
			key: { source: 'env', name: 'CONCORD_TEST_UNSET_KEY_X'.replace('CONCORD_', 'NOT_') }
		});
		const test = await admin.providers.testConnection({ projectId: p.projectId, providerId: made.id });
		expect(test).toMatchObject({ ok: false, errorKind: 'config' });
		expect(!test.ok && test.message).toMatch(/environment variable NOT_TEST_UNSET_KEY_X .* is not set/);
	});

	it('shows viewers the key-free list, annotators nothing; archives', async () => {
		const admin = h.caller(p.admin);
		const made = await admin.providers.create({ projectId: p.projectId, name: 'To archive', kind: 'simulated' });
		const list = await h.caller(p.viewer).providers.list({ projectId: p.projectId });
		expect(list.map((x) => x.name)).toContain('To archive (simulated)');
		for (const call of [
			() => h.caller(p.annotator).providers.list({ projectId: p.projectId }),
			() => h.caller(p.annotator).providers.get({ projectId: p.projectId, providerId: made.id }),
			() => h.caller(p.viewer).providers.testConnection({ projectId: p.projectId, providerId: made.id }),
			() => h.caller(p.viewer).providers.archive({ projectId: p.projectId, providerId: made.id })
		])
			expect((await failure(call())).code).toBe('FORBIDDEN');
		await admin.providers.archive({ projectId: p.projectId, providerId: made.id });
		expect((await admin.providers.list({ projectId: p.projectId })).map((x) => x.id)).not.toContain(made.id);
		expect(
			(await admin.providers.list({ projectId: p.projectId, includeArchived: true })).find((x) => x.id === made.id)
				?.archived
		).toBe(true);
	});
});
