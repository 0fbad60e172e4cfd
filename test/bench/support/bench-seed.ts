/**
 * Seeding shared by the benches that read a judged dataset through the built server (export,
 * agreement): a project with a viewer, a dataset of `items` items in the given categories, three
 * systems, one answer per system and item, an imported pairwise judge run to fill, and the
 * viewer's API token, all written with SQL so that millions of rows take seconds.
 */
import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { generateApiToken } from '../../../src/lib/server/auth/api-tokens';
import type { Db } from '../../../src/lib/server/db/client';
import { insertApiToken } from '../../../src/lib/server/db/repositories/api-tokens';

export interface SeededDataset {
	userId: string;
	projectId: string;
	datasetId: string;
	runId: string;
}

/**
 * `answer` is the SQL for an answer's text, over the item `i` and system `s` (e.g. sql`'Answer'`).
 * char_count and approx_tokens follow the text.
 */
export async function seedJudgedDataset(
	db: Db,
	{ name, items, categories, answer }: { name: string; items: number; categories: string[]; answer: RawBuilder<string> }
): Promise<SeededDataset> {
	const user = await db
		.insertInto('app_user')
		.values({ email: `bench-${randomUUID()}@example.test`, display_name: 'bench', password_hash: 'x', locale: null })
		.returning('id')
		.executeTakeFirstOrThrow();
	const project = await db
		.insertInto('project')
		.values({ name, created_by: user.id })
		.returning('id')
		.executeTakeFirstOrThrow();
	await db.insertInto('project_member').values({ project_id: project.id, user_id: user.id, role: 'viewer' }).execute();
	const dataset = await db
		.insertInto('dataset')
		.values({ project_id: project.id, name: 'bench', created_by: user.id })
		.returning('id')
		.executeTakeFirstOrThrow();
	await sql`insert into dataset_item (dataset_id, external_id, prompt_text, content_hash, category)
		select ${dataset.id}, 'q' || g, 'Question ' || g, md5(g::text), (${categories}::text[])[1 + g % ${categories.length}]
		from generate_series(1, ${items}) g`.execute(db);
	await sql`insert into system (project_id, name) select ${project.id}, 'system-' || s from generate_series(0, 2) s`.execute(
		db
	);
	await sql`insert into candidate_answer (item_id, dataset_id, system_id, content, content_hash, char_count, approx_tokens)
		select i.id, ${dataset.id}, s.id, t.content, md5(i.id::text || s.id::text), length(t.content), length(t.content) / 4
		from dataset_item i cross join system s cross join lateral (select ${answer} as content) t
		where i.dataset_id = ${dataset.id} and s.project_id = ${project.id}`.execute(db);
	await sql`update dataset set item_count = ${items}, answer_count = ${items * 3}, current_revision = 1
		where id = ${dataset.id}`.execute(db);
	const run = await db
		.insertInto('judge_run')
		.values({
			project_id: project.id,
			dataset_id: dataset.id,
			source: 'imported',
			name: 'bench run',
			mode: 'pairwise',
			judge_model: 'bench-judge',
			created_by: null,
			import_id: null
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return { userId: user.id, projectId: project.id, datasetId: dataset.id, runId: run.id };
}

/** A viewer's API token on the project, as a pipeline would hold it. */
export async function viewerToken(db: Db, seeded: SeededDataset): Promise<string> {
	const { id, secretHash, token } = generateApiToken();
	await insertApiToken(db, {
		id,
		secretHash,
		userId: seeded.userId,
		projectId: seeded.projectId,
		role: 'viewer',
		name: 'bench',
		expiresAt: null
	});
	return token;
}
