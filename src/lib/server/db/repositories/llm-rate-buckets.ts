/**
 * Token buckets for LLM provider rate limits, one row per provider, shared by
 * every worker process. A reservation is ONE statement: refill by the time
 * elapsed (capacity = one minute's allowance), then take what this call needs,
 * even into debt. The caller waits until its share of the debt is paid back, so
 * concurrent callers anywhere queue up in the order the database served them.
 */
import { sql } from 'kysely';
import type { Db } from '../client';

/** Stands for "no limit" in a dimension: a bucket so large it never runs dry. */
const UNLIMITED = 1e15;

export interface BucketLevels {
	requests: number;
	tokens: number;
}

export async function reserve(
	db: Db,
	key: string,
	need: { requests: number; tokens: number; requestsPerMinute: number | null; tokensPerMinute: number | null }
): Promise<BucketLevels> {
	const rpm = need.requestsPerMinute ?? UNLIMITED;
	const tpm = need.tokensPerMinute ?? UNLIMITED;
	const { rows } = await sql<BucketLevels>`
		insert into llm_rate_bucket as b (key, requests, tokens, refilled_at)
		values (${key}, ${rpm}::float8 - ${need.requests}, ${tpm}::float8 - ${need.tokens}, clock_timestamp())
		on conflict (key) do update set
			requests = least(${rpm}::float8,
				b.requests + extract(epoch from clock_timestamp() - b.refilled_at) * ${rpm}::float8 / 60) - ${need.requests},
			tokens = least(${tpm}::float8,
				b.tokens + extract(epoch from clock_timestamp() - b.refilled_at) * ${tpm}::float8 / 60) - ${need.tokens},
			refilled_at = clock_timestamp()
		returning requests, tokens`.execute(db);
	return rows[0];
}

/** Corrects a reservation once the real token count is known (positive: used more than reserved). */
export async function adjustTokens(db: Db, key: string, extraTokens: number): Promise<void> {
	if (extraTokens === 0) return;
	await db
		.updateTable('llm_rate_bucket')
		.set({ tokens: sql<number>`tokens - ${extraTokens}::float8` })
		.where('key', '=', key)
		.execute();
}
