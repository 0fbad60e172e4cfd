import { json } from '@sveltejs/kit';
import { guardedEndpoint } from '$lib/server/http/guarded-endpoint';
import { checkDatabase } from '$lib/server/services/health';
import { getRuntime } from '$lib/server/runtime';

/** 200 `{ ok: true }` when the database answers within 2 s, 503 otherwise. Public: load balancers ask it. */
export const GET = guardedEndpoint({
	policy: { kind: 'public' },
	handler: async () => {
		const started = Date.now();
		try {
			const runtime = await getRuntime();
			await checkDatabase(runtime.db);
			return json({
				ok: true,
				database: 'up',
				latencyMs: Date.now() - started,
				worker: runtime.worker ? 'in-process' : 'external'
			});
		} catch (error) {
			return json(
				{ ok: false, database: 'down', error: error instanceof Error ? error.message : String(error) },
				{ status: 503 }
			);
		}
	}
});
