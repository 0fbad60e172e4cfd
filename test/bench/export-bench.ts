/**
 * `npm run bench:export`: a 1,000,000-row export streamed as CSV through the HTTP
 * endpoint of the BUILT server, against PostgreSQL `COPY … TO STDOUT (FORMAT csv)` of
 * the same rows (same joins, same order) in the same run.
 *
 * Rows: raw judgments of one run (250,000 items × 2 pairs × both orders), seeded with SQL
 * into a fresh database. Calibrated scores (`kind=scores`) are not benchmarked at this size:
 * their fit loads the whole calibration set into memory first (analysis-calibration.ts).
 * The request authenticates with an API token (Bearer), as a pipeline would.
 * Prints progress on stderr and ONE JSON line last on stdout:
 *   {"rows":…,"export_s":…,"copy_s":…,"ratio":…,"peak_rss_mb":…}   (peak RSS: the server's VmHWM)
 * Target: ratio ≤ 2, peak RSS ≤ 300 MB. Options: --items N, --keep, --no-build, --port N.
 */
import { sql } from 'kysely';
import { copyOutMessages } from '../../src/lib/server/db/bulk/copy-to';
import { createDb, createPool, type Db } from '../../src/lib/server/db/client';
import { migrateToLatest } from '../../src/lib/server/db/migrate';
import { judgmentCopySql } from '../../src/lib/server/db/repositories/exports';
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
const ITEMS = args.number('items', 250_000);
const KEEP = args.flag('keep');
const BUILD = !args.flag('no-build');
const PORT = args.number('port', 4392);

const say = progress('export');

async function seed(db: Db) {
	const t0 = Date.now();
	const seeded = await seedJudgedDataset(db, {
		name: 'Export bench',
		items: ITEMS,
		categories: ['math', 'writing', 'coding'],
		answer: sql<string>`'Answer'`
	});
	const { projectId, datasetId, runId } = seeded;
	// system-0 against system-1 and system-2, both orders: 4 rows per item.
	await sql`insert into judgment (run_id, item_id, answer_a_id, answer_b_id, presented_order, sample, status, verdict,
			input_tokens, output_tokens, cost, latency_ms, attempts, cached, prompt_hash, finished_at)
		select ${runId}, a.item_id, a.id, b.id, o.ord, 0, 'ok', (array['A', 'B', 'tie'])[1 + (abs(hashtext(b.id::text)) % 3)],
			812, 64, 0.000943, 1200, 1, false, md5(a.id::text || o.ord), now()
		from candidate_answer a
		join system sa on sa.id = a.system_id and sa.name = 'system-0'
		join candidate_answer b on b.item_id = a.item_id and b.system_id <> a.system_id
		cross join (values ('ab'), ('ba')) o(ord)
		where a.dataset_id = ${datasetId}`.execute(db);
	await sql`analyze`.execute(db);
	const rows = Number(
		(
			await db
				.selectFrom('judgment')
				.select((eb) => eb.fn.countAll<string>().as('n'))
				.where('run_id', '=', runId)
				.executeTakeFirstOrThrow()
		).n
	);
	const token = await viewerToken(db, seeded);
	say('seeded', { rows, ms: Date.now() - t0 });
	return { projectId, runId, rows, token };
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
		const { projectId, runId, rows, token } = await seed(db);
		server = await startServer({
			databaseUrl: database.url,
			port: PORT,
			env: { CONCORD_INPROCESS_WORKER: 'false' }
		});
		say('server up', { rss_mb: server.peakRssMb() });

		const t0 = performance.now();
		const res = await fetch(`${server.base}/api/projects/${projectId}/exports/judgments?format=csv&runId=${runId}`, {
			headers: { authorization: `Bearer ${token}` }
		});
		if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
		let exportBytes = 0;
		let exportLines = 0;
		for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
			exportBytes += chunk.byteLength;
			exportLines += newlines(chunk);
		}
		const exportS = (performance.now() - t0) / 1000;
		const peak = server.peakRssMb();
		say('export done', { s: exportS, mb: Math.round(exportBytes / 1024 ** 2), lines: exportLines });

		const client = await pool.connect();
		const t1 = performance.now();
		let copyBytes = 0;
		let copyLines = 0;
		try {
			for await (const msg of copyOutMessages(client, judgmentCopySql(runId))) {
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
