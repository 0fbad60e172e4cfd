/**
 * `npm run bench:export`: 1,000,000 calibrated per-answer scores (`kind=scores`: raw score,
 * calibrated score and its 95% interval) streamed as CSV through the HTTP endpoint of the BUILT
 * server, against PostgreSQL `COPY (the same select) TO STDOUT (FORMAT csv)` of the same rows in
 * the same run.
 *
 * Load: a pointwise run scoring 1,000,000 answers once each (333,334 items × 3 systems, the last
 * two answers left unjudged), judge scores 1–10 with a per-system level; a calibration set of
 * gold labels on every answer of the first 1,000 items (3,000 answers; a curved map of the
 * judge's score plus noise), all seeded with SQL into a fresh database. The request
 * authenticates with an API token (Bearer), as a pipeline would, and is the first one: its time
 * includes fitting the map (isotonic, item-cluster bootstrap, cross-validation) on the labelled
 * answers. The baseline COPY applies the same fitted map in the same select, without the CSV
 * rules (formula guard, empty cells for null), and is read by the bare COPY reader.
 * Prints progress on stderr and ONE JSON line last on stdout:
 *   {"rows":…,"export_s":…,"copy_s":…,"ratio":…,"peak_rss_mb":…}   (peak RSS: the server's VmHWM)
 * Target: ratio ≤ 2, peak RSS ≤ 300 MB. Options: --answers N, --gold-items N, --keep,
 * --no-build, --port N.
 */
import { sql } from 'kysely';
import { copyOutMessages } from '../../src/lib/server/db/bulk/copy-to';
import { createDb, createPool, type Db } from '../../src/lib/server/db/client';
import { migrateToLatest } from '../../src/lib/server/db/migrate';
import { scoreCsvCopySql } from '../../src/lib/server/db/repositories/exports';
import { calibrationMapFor } from '../../src/lib/server/services/analysis-calibration';
import { SCORE_COLUMNS } from '../../src/lib/server/services/exports';
import {
	benchArgs,
	buildApp,
	freshDatabase,
	progress,
	round3,
	startServer,
	type BenchServer
} from './support/bench-server';
import { seedJudgedDataset, viewerToken } from './support/bench-seed';

const args = benchArgs();
const ANSWERS = args.number('answers', 1_000_000);
const GOLD_ITEMS = args.number('gold-items', 1000);
const KEEP = args.flag('keep');
const BUILD = !args.flag('no-build');
const PORT = args.number('port', 4392);

const say = progress('export');

async function seed(db: Db) {
	const t0 = Date.now();
	const seeded = await seedJudgedDataset(db, {
		name: 'Export bench',
		items: Math.ceil(ANSWERS / 3),
		categories: ['math', 'writing', 'coding'],
		answer: sql<string>`'Answer'`
	});
	const { projectId, datasetId, runId } = seeded;
	await sql`update judge_run set mode = 'pointwise', name = 'bench pointwise run' where id = ${runId}`.execute(db);
	// One 'ok' sample per answer: the system's level (4, 6, 8) plus -2…+2 by a hash of the answer.
	await sql`insert into judgment (run_id, item_id, answer_a_id, sample, status, score,
			input_tokens, output_tokens, cost, latency_ms, attempts, cached, prompt_hash, finished_at)
		select ${runId}, a.item_id, a.id, 0, 'ok',
			least(10, greatest(1, 4 + 2 * right(s.name, 1)::int + (abs(hashtext(a.id::text)) % 5) - 2)),
			812, 64, 0.000943, 1200, 1, false, md5(a.id::text), now()
		from (select * from candidate_answer where dataset_id = ${datasetId} order by id limit ${ANSWERS}) a
		join system s on s.id = a.system_id`.execute(db);
	// Gold labels on every answer of the first items: a curved map of the judge's score plus noise.
	await sql`insert into annotation (project_id, dataset_id, item_id, answer_a_id, source, external_annotator, external_key, score)
		select ${projectId}, ${datasetId}, j.item_id, j.answer_a_id, 'imported', 'gold', 'g-' || i.external_id,
			1 + 9 * power((j.score - 1) / 9.0, 2) + ((abs(hashtext(j.answer_a_id::text || 'h')) % 21) - 10) / 10.0
		from judgment j join dataset_item i on i.id = j.item_id
		where j.run_id = ${runId} and substr(i.external_id, 2)::int <= ${GOLD_ITEMS}`.execute(db);
	await sql`analyze`.execute(db);
	const count = async (table: 'judgment' | 'annotation', where: string, id: string) =>
		Number(
			(
				await db
					.selectFrom(table)
					.select((eb) => eb.fn.countAll<string>().as('n'))
					.where(where as 'run_id', '=', id)
					.executeTakeFirstOrThrow()
			).n
		);
	const rows = await count('judgment', 'run_id', runId);
	const labels = await count('annotation', 'dataset_id', datasetId);
	const token = await viewerToken(db, seeded);
	say('seeded', { rows, labels, ms: Date.now() - t0 });
	return { projectId, datasetId, runId, rows, token };
}

const newlines = (chunk: Uint8Array) => {
	let n = 0;
	for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
	return n;
};

async function main() {
	if (BUILD) buildApp(say);
	const database = await freshDatabase('export', { keep: KEEP, say });
	const pool = createPool(database.url, 4);
	const db = createDb(pool);
	let server: BenchServer | undefined;
	try {
		await migrateToLatest(db);
		const { projectId, datasetId, runId, rows, token } = await seed(db);
		server = await startServer({
			databaseUrl: database.url,
			port: PORT,
			env: { CONCORD_INPROCESS_WORKER: 'false' }
		});
		say('server up', { rss_mb: server.peakRssMb() });

		const t0 = performance.now();
		const res = await fetch(
			`${server.base}/api/projects/${projectId}/exports/scores?format=csv&datasetId=${datasetId}&runId=${runId}`,
			{ headers: { authorization: `Bearer ${token}` } }
		);
		if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
		let exportBytes = 0;
		let exportLines = 0;
		let firstByteS: number | null = null;
		for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
			firstByteS ??= (performance.now() - t0) / 1000;
			exportBytes += chunk.byteLength;
			exportLines += newlines(chunk);
		}
		const exportS = (performance.now() - t0) / 1000;
		const peak = server.peakRssMb();
		say('export done', {
			s: exportS,
			first_byte_s: firstByteS,
			mb: Math.round(exportBytes / 1024 ** 2),
			lines: exportLines
		});

		// The same fitted map (the server's fit is the same computation on the same rows).
		const fit = await calibrationMapFor(db, datasetId, runId);
		if (!fit.map) throw new Error('no calibration map was fitted');
		say('fit', {
			target: fit.target,
			answers: fit.n,
			items: fit.items,
			judged: fit.judged,
			knots: fit.map.steps.length
		});
		const map = {
			predict: { x: fit.map.steps.map((k) => k.x), y: fit.map.steps.map((k) => k.y) },
			interval: {
				x: fit.map.grid.map((g) => g.x),
				low: fit.map.grid.map((g) => g.ci[0]),
				high: fit.map.grid.map((g) => g.ci[1])
			}
		};
		const client = await pool.connect();
		const t1 = performance.now();
		let copyBytes = 0;
		let copyLines = 0;
		try {
			for await (const msg of copyOutMessages(client, scoreCsvCopySql(runId, map, SCORE_COLUMNS, { plain: true }))) {
				copyBytes += msg.byteLength;
				copyLines += newlines(msg);
			}
		} finally {
			client.release();
		}
		const copyS = (performance.now() - t1) / 1000;
		say('copy done', { s: copyS, mb: Math.round(copyBytes / 1024 ** 2), lines: copyLines });
		// Header + one line per row (no text in these rows holds a line break).
		if (exportLines !== rows + 1 || copyLines !== rows + 1)
			throw new Error(`row count mismatch: export ${exportLines - 1}, copy ${copyLines - 1}, rows ${rows}`);
		process.stdout.write(
			`${JSON.stringify({ rows, export_s: round3(exportS), copy_s: round3(copyS), ratio: round3(exportS / copyS), peak_rss_mb: peak })}\n`
		);
	} finally {
		await server?.stop();
		await db.destroy();
		await database.drop();
	}
}

main().catch((error) => {
	say('failed', { error: String(error?.stack ?? error) });
	process.exit(1);
});
