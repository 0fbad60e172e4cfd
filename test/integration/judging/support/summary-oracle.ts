/**
 * The run summary computed in SQL (judgeRuns.summary → repositories summaryAggregates) must equal
 * the in-memory statement of the same rules (services/judge-summary.ts summariseRun) on the run's
 * rows. This reads the rows the way the page once did and compares the two.
 */
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Db } from '../../../../src/lib/server/db/client';
import { summariseRun, type SummaryRow } from '../../../../src/lib/server/services/judge-summary';
import type { RubricContent } from '../../../../src/lib/judging/types';

async function summaryRows(db: Db, runId: string): Promise<SummaryRow[]> {
	const { rows } = await sql<SummaryRow>`
		select j.item_id as "itemId", j.answer_a_id as "answerAId", j.answer_b_id as "answerBId",
			a.system_id as "systemA", b.system_id as "systemB", j.presented_order as "order", j.sample, j.turn,
			j.status, j.verdict, j.score::float8 as score, j.criteria, j.category,
			(j.flags is not null) as flagged, j.input_tokens as "inputTokens", j.output_tokens as "outputTokens",
			j.cost::float8 as cost, j.latency_ms as "latencyMs", j.cached
		from judgment j
		join candidate_answer a on a.id = j.answer_a_id
		left join candidate_answer b on b.id = j.answer_b_id
		where j.run_id = ${runId}`.execute(db);
	return rows;
}

async function systemNames(db: Db, runId: string): Promise<Map<string, string>> {
	const { rows } = await sql<{ id: string; name: string }>`
		select distinct y.id, y.name from judgment j
		join candidate_answer a on a.id = j.answer_a_id or a.id = j.answer_b_id
		join system y on y.id = a.system_id where j.run_id = ${runId}`.execute(db);
	return new Map(rows.map((r) => [r.id, r.name]));
}

/** Floats from SQL and from JS sums may differ in the last bits: compare them rounded. */
function rounded(value: unknown): unknown {
	if (typeof value === 'number') return Math.round(value * 1e9) / 1e9;
	if (Array.isArray(value)) return value.map(rounded);
	if (value && typeof value === 'object')
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
	return value;
}

export async function expectSqlSummaryMatchesRows(
	db: Db,
	runId: string,
	rubric: RubricContent,
	summary: Omit<ReturnType<typeof summariseRun>, 'flaggedAnswers'> & { flaggedAnswers: number }
): Promise<void> {
	const expected = summariseRun(
		rubric,
		await summaryRows(db, runId),
		await systemNames(db, runId),
		summary.flaggedAnswers
	);
	expect(rounded(summary)).toEqual(rounded(expected));
}
