import { json } from '@sveltejs/kit';
import { sql } from 'kysely';
import type { RequestHandler } from './$types';
import { getRuntime } from '$lib/server/runtime';

/** 200 `{ ok: true }` when the database answers within 2 s, 503 otherwise. */
export const GET: RequestHandler = async () => {
	const started = Date.now();
	try {
		const runtime = await getRuntime();
		await Promise.race([
			sql`select 1`.execute(runtime.db),
			new Promise((_, reject) => setTimeout(() => reject(new Error('database timeout')), 2000))
		]);
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
};
