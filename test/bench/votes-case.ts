/**
 * The votes case of `npm run bench:import`: pairwise votes in Chatbot Arena's
 * format, half human (imported as annotations) and half a judge's (imported as
 * judgments of one run), through the real import path, against plain COPY of
 * the same rows (items, answers, annotations, judgments) in the same run.
 *
 * Q = votes / 4 questions; question q always compares the same two of 20
 * models, so every question has exactly two (text-less) answers. Human vote v
 * and judge vote v are on question v mod Q, with the models swapped on the
 * second round, so no two votes of one voter share item, pair and order.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { makeAnswer, makeItem } from '../../src/lib/server/importers/normalized';
import { copyText, copyTextArray } from '../../src/lib/server/db/bulk/copy-from';
import type { BenchEnv } from './bench-db';

const MODELS = Array.from({ length: 20 }, (_, i) => `arena-model-${String(i + 1).padStart(2, '0')}`);
const WINNERS = ['model_a', 'model_b', 'tie', 'tie (bothbad)'] as const;
const VERDICT = { model_a: 'A', model_b: 'B', tie: 'tie', 'tie (bothbad)': 'tie' } as const;
const JUDGE = 'bench-judge';

interface Vote {
	num: number;
	q: number;
	questionId: string;
	modelA: string;
	modelB: string;
	winner: (typeof WINNERS)[number];
}

function pairOf(q: number): [string, string] {
	const a = q % MODELS.length;
	const b = (a + 1 + ((q * 7) % (MODELS.length - 1))) % MODELS.length;
	return [MODELS[a], MODELS[b]];
}

function* votesOf(kind: 'human' | 'judge', count: number, questions: number): Generator<Vote> {
	for (let v = 0; v < count; v++) {
		const q = v % questions;
		const [x, y] = pairOf(q);
		const swap = Math.floor(v / questions) % 2 === 1;
		const winner = WINNERS[(v * (kind === 'human' ? 13 : 7) + q) % WINNERS.length];
		yield { num: v, q, questionId: `arena-q${q}`, modelA: swap ? y : x, modelB: swap ? x : y, winner };
	}
}

async function writeText(file: string, lines: Iterable<string>): Promise<void> {
	const out = createWriteStream(file, { highWaterMark: 1 << 20 });
	let buf = '';
	for (const line of lines) {
		buf += line;
		if (buf.length > 1 << 20) {
			if (!out.write(buf)) await once(out, 'drain');
			buf = '';
		}
	}
	out.end(buf);
	await once(out, 'finish');
}

function* arenaLines(kind: 'human' | 'judge', count: number, questions: number): Generator<string> {
	for (const v of votesOf(kind, count, questions))
		yield (
			JSON.stringify({
				num: v.num,
				question_id: v.questionId,
				model_a: v.modelA,
				model_b: v.modelB,
				winner: v.winner
			}) + '\n'
		);
}

interface GenerateJob {
	humanFile: string;
	judgeFile: string;
	half: number;
	votes: number;
	questions: number;
}

const GENERATE_ENV = 'CONCORD_BENCH_VOTES_GENERATE';

/**
 * Writes the two vote files in a child process (this module, under the same tsx loader): the
 * generator's garbage would otherwise stay in this process's heap and count towards the peak RSS
 * the bench reports for the import.
 */
function generateInChild(job: GenerateJob) {
	const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
		stdio: 'inherit',
		env: { ...process.env, [GENERATE_ENV]: JSON.stringify(job) }
	});
	if (r.status !== 0) throw new Error(`generating the vote files failed (exit ${r.status})`);
}

async function generate(job: GenerateJob) {
	await writeText(job.humanFile, arenaLines('human', job.half, job.questions));
	await writeText(job.judgeFile, arenaLines('judge', job.votes - job.half, job.questions));
}

if (process.env[GENERATE_ENV]) await generate(JSON.parse(process.env[GENERATE_ENV]) as GenerateJob);

export async function runVotesCase(env: BenchEnv, votes: number, dir: string) {
	const half = Math.floor(votes / 2);
	const questions = Math.max(1, Math.ceil(half / 2));
	const humanFile = `${dir}/human.jsonl`;
	const judgeFile = `${dir}/${JUDGE}.jsonl`;
	generateInChild({ humanFile, judgeFile, half, votes, questions });
	env.say('votes generated', { votes, questions });

	// The import path: two imports into one dataset, timed together.
	const imported = await env.withDatabase('votes_import', async ({ db, pool, queue, projectId, userId }) => {
		const human = await env.importFile({ db, pool, queue, projectId, userId }, humanFile, {
			newDatasetName: 'votes',
			format: 'arena-votes',
			mapping: { voter: 'human', annotator: 'chatbot-arena' }
		});
		const datasetId = (
			await db.selectFrom('dataset').select('id').where('project_id', '=', projectId).executeTakeFirstOrThrow()
		).id;
		const judge = await env.importFile({ db, pool, queue, projectId, userId }, judgeFile, {
			datasetId,
			format: 'arena-votes',
			mapping: { voter: 'judge', judgeName: JUDGE }
		});
		const rows = (human.stats.annotationsAdded ?? 0) + (judge.stats.judgmentsAdded ?? 0);
		return { seconds: human.seconds + judge.seconds, rows };
	});

	// The limit: the same rows, rendered as COPY text beforehand (not timed), loaded by COPY.
	const copied = await env.withDatabase('votes_copy', async ({ db, pool, projectId, userId }) => {
		const dataset = await db
			.insertInto('dataset')
			.values({ project_id: projectId, name: 'votes', created_by: userId })
			.returning('id')
			.executeTakeFirstOrThrow();
		const systems = new Map<string, string>();
		for (const name of MODELS) {
			const row = await db
				.insertInto('system')
				.values({ project_id: projectId, name })
				.returning('id')
				.executeTakeFirstOrThrow();
			systems.set(name, row.id);
		}
		const run = await db
			.insertInto('judge_run')
			.values({ project_id: projectId, dataset_id: dataset.id, source: 'imported', name: JUDGE, mode: 'pairwise' })
			.returning('id')
			.executeTakeFirstOrThrow();
		const ids = renderIds(questions);
		const files = {
			items: `${dir}/items.copy`,
			answers: `${dir}/answers.copy`,
			ann: `${dir}/ann.copy`,
			jud: `${dir}/jud.copy`
		};
		const item = makeItem({ externalId: 'x', prompt: null });
		const answer = makeAnswer({ itemExternalId: 'x', field: 'model_a', system: 'x', content: null });
		await writeText(
			files.items,
			(function* () {
				for (let q = 0; q < questions; q++)
					yield (
						[
							ids.item(q),
							dataset.id,
							`arena-q${q}`,
							'f',
							String(item.turnCount),
							copyTextArray([]),
							'{}',
							makeItem({ externalId: `arena-q${q}`, prompt: null }).contentHash,
							'1'
						].join('\t') + '\n'
					);
			})()
		);
		await writeText(
			files.answers,
			(function* () {
				for (let q = 0; q < questions; q++)
					for (const [side, model] of pairOf(q).entries())
						yield (
							[
								ids.answer(q, side),
								ids.item(q),
								dataset.id,
								systems.get(model),
								'f',
								'{}',
								answer.contentHash,
								'0',
								'0',
								'1'
							].join('\t') + '\n'
						);
			})()
		);
		const sideOf = (v: Vote, model: string) => (pairOf(v.q)[0] === model ? 0 : 1);
		await writeText(
			files.ann,
			(function* () {
				for (const v of votesOf('human', half, questions))
					yield (
						[
							projectId,
							dataset.id,
							ids.item(v.q),
							ids.answer(v.q, sideOf(v, v.modelA)),
							ids.answer(v.q, sideOf(v, v.modelB)),
							'ab',
							'chatbot-arena',
							`battle:${v.num}`,
							'imported',
							VERDICT[v.winner],
							copyText(
								JSON.stringify(
									v.winner === 'tie (bothbad)' ? { winner: v.winner, bothBad: true } : { winner: v.winner }
								)
							),
							'1'
						].join('\t') + '\n'
					);
			})()
		);
		await writeText(
			files.jud,
			(function* () {
				for (const v of votesOf('judge', votes - half, questions))
					yield (
						[
							run.id,
							ids.item(v.q),
							ids.answer(v.q, sideOf(v, v.modelA)),
							ids.answer(v.q, sideOf(v, v.modelB)),
							'ab',
							'0',
							VERDICT[v.winner],
							copyText(JSON.stringify({ winner: v.winner, num: v.num })),
							'1'
						].join('\t') + '\n'
					);
			})()
		);
		await env.checkpoint(pool);
		const client: pg.PoolClient = await pool.connect();
		try {
			const t0 = performance.now();
			const laps: Record<string, number> = {};
			const lap = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
				const t = performance.now();
				const out = await work();
				laps[name] = Math.round(performance.now() - t);
				return out;
			};
			await client.query('begin');
			await lap('items', () =>
				env.copyFile(
					client,
					'copy dataset_item (id, dataset_id, external_id, prompt_available, turn_count, tags, metadata, content_hash, revision) from stdin',
					files.items
				)
			);
			await lap('answers', () =>
				env.copyFile(
					client,
					'copy candidate_answer (id, item_id, dataset_id, system_id, available, metadata, content_hash, char_count, approx_tokens, revision) from stdin',
					files.answers
				)
			);
			const ann = await lap('annotations', () =>
				env.copyFile(
					client,
					'copy annotation (project_id, dataset_id, item_id, answer_a_id, answer_b_id, presented_order, external_annotator, external_key, source, verdict, metadata, revision) from stdin',
					files.ann
				)
			);
			const jud = await lap('judgments', () =>
				env.copyFile(
					client,
					'copy judgment (run_id, item_id, answer_a_id, answer_b_id, presented_order, sample, verdict, raw, revision) from stdin',
					files.jud
				)
			);
			await lap('commit', () => client.query('commit'));
			env.say('votes copy', { ms: laps });
			return { seconds: (performance.now() - t0) / 1000, rows: ann + jud };
		} finally {
			client.release();
		}
	});
	if (imported.rows !== votes || copied.rows !== votes)
		throw new Error(`vote counts differ: import ${imported.rows}, copy ${copied.rows}, expected ${votes}`);
	env.say('votes done', { import_s: imported.seconds, copy_s: copied.seconds });
	return { importS: imported.seconds, copyS: copied.seconds };
}

/** Deterministic UUIDs per question and side, so COPY files need no lookup table in memory. */
function renderIds(questions: number) {
	const salt = randomUUID().slice(0, 8);
	const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
	void questions;
	return {
		item: (q: number) => `${salt}-0000-4000-8000-${hex(q, 12)}`,
		answer: (q: number, side: number) => `${salt}-0001-4000-8000-${hex(q * 2 + side, 12)}`
	};
}
