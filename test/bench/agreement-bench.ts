/**
 * `npm run bench:agreement`: the agreement page's server work for 100,000 human labels, every
 * interval included, through the BUILT server: `analysis.agreement` over HTTP with an API token
 * (the procedure the page's load calls; its figures, breakdowns and intervals are all computed
 * there, the page only formats them).
 *
 * Data (seeded with SQL into a fresh database): ITEMS items in 4 categories × 3 systems, so
 * 3 pairs per item; a pairwise judge run of every pair in both orders; human labels from 8
 * imported annotators spread over the pairs until LABELS labels (default 10,000 items →
 * 30,000 pairs, 60,000 judgments, 100,000 labels). Verdicts follow a hidden truth per pair
 * with noise, so the agreement figures are ordinary ones (κ ≈ 0.3–0.5), not degenerate. The
 * seed ends with VACUUM ANALYZE, as autovacuum would within a minute of such a bulk insert: else
 * the first request would also be the first reader of 160,000 fresh rows and pay for setting their
 * hint bits, a cost of the seeding rather than of the page.
 *
 * server_ms: wall time of the page on a running server, the way people meet it: the server has
 * served a page before (the agreement page of another, small dataset), but not this one, so
 * nothing of it is cached. It computes everything: the judge ↔ human and human ↔ human figures
 * with 1,000 item-cluster bootstrap resamples each, per system and per category (500 each; one
 * shared draw of the items for all of them, `sharedClusterBootstrap`), the confusion matrix and
 * the largest disagreements. server_cpu_ms: the server process's CPU time (user + system, its
 * worker thread included) during that request: on a shared, loaded machine the wall time also
 * counts the time other processes held the cores. db_cpu_ms: the CPU time of the PostgreSQL
 * backends connected to the bench database during that request. first_request_ms (and its
 * _cpu_ms, _db_cpu_ms): the same page as the first request of a process just started (after one
 * health check), on another label source (imported: the same labels here); it also pays for
 * what a running server has done once already: new database connections, whose backends load
 * their catalog caches, and code the JIT has not compiled yet. cached_ms: the page again (the
 * result cache, keyed by the inputs' fingerprint).
 * Prints progress on stderr and ONE JSON line last on stdout:
 *   {"labels":…,"judgments":…,"server_ms":…,"server_cpu_ms":…,"db_cpu_ms":…,"first_request_ms":…,
 *    "first_request_cpu_ms":…,"first_request_db_cpu_ms":…,"cached_ms":…,"limit_ms":1000,"peak_rss_mb":…}
 * Options: --items N, --labels N, --keep, --no-build, --port N.
 */
import { sql } from 'kysely';
import { createDb, createPool, type Db } from '../../src/lib/server/db/client';
import { migrateToLatest } from '../../src/lib/server/db/migrate';
import {
	benchArgs,
	buildApp,
	cpuMs,
	freshDatabase,
	progress,
	startServer,
	type BenchServer
} from './support/bench-server';
import { seedJudgedDataset, viewerToken } from './support/bench-seed';

const args = benchArgs();
const ITEMS = args.number('items', 10_000);
const LABELS = args.number('labels', 100_000);
const KEEP = args.flag('keep');
const BUILD = !args.flag('no-build');
const PORT = args.number('port', 4394);
const LIMIT_MS = 1000;

const say = progress('agreement');

async function seed(db: Db, { name, items, labelCount }: { name: string; items: number; labelCount: number }) {
	const t0 = Date.now();
	const seeded = await seedJudgedDataset(db, {
		name,
		items,
		categories: ['math', 'writing', 'coding', 'reasoning'],
		answer: sql<string>`repeat('Answer. ', 5 + abs(hashtext(i.id::text || s.name)) % 60)`
	});
	const { projectId, datasetId, runId } = seeded;
	// Every unordered pair of answers on an item, with a hidden truth (0 = A, 1 = tie, 2 = B) from its ids.
	await sql`create table bench_pair as
		select a.item_id, a.id as answer_a_id, b.id as answer_b_id,
			row_number() over (order by a.item_id, a.id, b.id) as n,
			(abs(hashtext(a.id::text || b.id::text)) % 10) as truth
		from candidate_answer a join candidate_answer b on b.item_id = a.item_id and a.id < b.id
		where a.dataset_id = ${datasetId}`.execute(db);
	// verdict(truth, noise): truth 0–3 → A, 4–5 → tie, 6–9 → B; with noise the verdict is drawn from the hash.
	const verdict = (truth: string, noise: string, salt: string) =>
		sql.raw(`case when abs(hashtext(${noise} || '${salt}')) % 100 < 30
			then (array['A', 'tie', 'B'])[1 + abs(hashtext(${noise} || '${salt}x')) % 3]
			else (case when ${truth} < 4 then 'A' when ${truth} < 6 then 'tie' else 'B' end) end`);
	await sql`insert into judgment (run_id, item_id, answer_a_id, answer_b_id, presented_order, sample, status, verdict,
			input_tokens, output_tokens, cost, latency_ms, attempts, cached, prompt_hash, finished_at)
		select ${runId}, p.item_id, p.answer_a_id, p.answer_b_id, o.ord, 0, 'ok', ${verdict('p.truth', 'p.n::text || o.ord', 'j')},
			812, 64, 0.000943, 1200, 1, false, md5(p.n::text || o.ord), now()
		from bench_pair p cross join (values ('ab'), ('ba')) o(ord)`.execute(db);
	// Labels: annotator k labels pair n when (n + k) % 8 < 3, plus a fourth label on every third pair, up to LABELS.
	await sql`insert into annotation (project_id, dataset_id, item_id, answer_a_id, answer_b_id, presented_order,
			external_annotator, external_key, source, verdict)
		select ${projectId}, ${datasetId}, p.item_id, p.answer_a_id, p.answer_b_id,
			(array['ab', 'ba'])[1 + (p.n + k) % 2], 'annotator-' || k, 'bench:' || p.n || ':' || k, 'imported',
			${verdict('p.truth', 'p.n::text || k::text', 'h')}
		from bench_pair p cross join generate_series(0, 7) k
		where (p.n + k) % 8 < 3 or ((p.n + k) % 8 = 3 and p.n % 3 = 0)
		order by p.n, k
		limit ${labelCount}`.execute(db);
	await sql`drop table bench_pair`.execute(db);
	const count = async (query: Promise<{ n: string }>) => Number((await query).n);
	const labels = await count(
		db
			.selectFrom('annotation')
			.where('dataset_id', '=', datasetId)
			.select((eb) => eb.fn.countAll<string>().as('n'))
			.executeTakeFirstOrThrow()
	);
	const judgments = await count(
		db
			.selectFrom('judgment')
			.where('run_id', '=', runId)
			.select((eb) => eb.fn.countAll<string>().as('n'))
			.executeTakeFirstOrThrow()
	);
	const token = await viewerToken(db, seeded);
	say('seeded', { name, items, labels, judgments, ms: Date.now() - t0 });
	return { projectId, datasetId, runId, labels, judgments, token };
}

interface AgreementReply {
	counts: { both: number; humanPairs: number };
	judgeHuman: { n: number; kappa: { estimate: number; ci: [number, number] | null } | null } | null;
	humanHuman: { kappa: { estimate: number; ci: [number, number] | null } | null } | null;
	bySystem: unknown[];
	byCategory: unknown[];
}

async function main() {
	if (BUILD) buildApp(say);
	const database = await freshDatabase('agreement', { keep: KEEP, say });
	const pool = createPool(database.url, 4);
	const db = createDb(pool);
	let server: BenchServer | undefined;
	try {
		await migrateToLatest(db);
		const s = await seed(db, { name: 'Agreement bench', items: ITEMS, labelCount: LABELS });
		// Another, small dataset: the page the running server served before (see the docblock).
		const other = await seed(db, { name: 'Agreement bench (another dataset)', items: 300, labelCount: 3000 });
		await sql`vacuum analyze`.execute(db);
		const start = () =>
			startServer({ databaseUrl: database.url, port: PORT, env: { CONCORD_INPROCESS_WORKER: 'false' } });
		// CPU per PostgreSQL backend on the bench database (the server's pool and ours; ours idles meanwhile).
		const dbCpu = async () => {
			const { rows } = await sql<{
				pid: number;
			}>`select pid from pg_stat_activity where datname = current_database()`.execute(db);
			const byPid = new Map<number, number>();
			for (const { pid } of rows)
				try {
					byPid.set(pid, cpuMs(pid));
				} catch {
					/* a backend that has just exited */
				}
			return byPid;
		};
		// Backends present before count their increase, backends started meanwhile all of theirs.
		const dbCpuSince = async (before: Map<number, number>) => {
			let sum = 0;
			for (const [pid, ms] of await dbCpu()) sum += ms - (before.get(pid) ?? 0);
			return sum;
		};
		const ask = async (on: BenchServer, target: typeof s, humanSource: string) => {
			const input = { projectId: target.projectId, datasetId: target.datasetId, judgeRunId: target.runId, humanSource };
			const dbBefore = await dbCpu();
			const cpu = cpuMs(on.child.pid!);
			const t = performance.now();
			const res = await fetch(
				`${on.base}/api/trpc/analysis.agreement?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
				{ headers: { authorization: `Bearer ${target.token}` } }
			);
			const body = (await res.json()) as { result?: { data: { json: AgreementReply } }; error?: unknown };
			const ms = performance.now() - t;
			const cpuUsed = cpuMs(on.child.pid!) - cpu;
			const dbCpuUsed = await dbCpuSince(dbBefore);
			if (!res.ok || !body.result)
				throw new Error(`analysis.agreement answered ${res.status}: ${JSON.stringify(body)}`);
			return { ms, cpuMs: cpuUsed, dbCpuMs: dbCpuUsed, reply: body.result.data.json };
		};

		// A process just started: its first request is this page. One small request first, so the
		// server's own start-up (its first connection) is not counted.
		server = await start();
		await fetch(`${server.base}/api/health`);
		const first = await ask(server, s, 'imported');
		await server.stop();
		server = undefined;

		// A running server: it has served a page before (the other dataset's), not this one.
		server = await start();
		await fetch(`${server.base}/api/health`);
		await ask(server, other, 'all');
		const cold = await ask(server, s, 'all');
		const r = cold.reply;
		say('computed', {
			ms: Math.round(cold.ms),
			both: r.counts.both,
			humanPairs: r.counts.humanPairs,
			judgeHumanN: r.judgeHuman?.n,
			kappa: r.judgeHuman?.kappa,
			humanKappa: r.humanHuman?.kappa,
			bySystem: r.bySystem.length,
			byCategory: r.byCategory.length
		});
		if (r.judgeHuman?.n !== s.labels || !r.judgeHuman.kappa?.ci || !r.humanHuman?.kappa?.ci)
			throw new Error('the agreement figures do not cover every label with intervals');
		if (JSON.stringify(first.reply.judgeHuman) !== JSON.stringify(r.judgeHuman))
			throw new Error('the imported labels (all of them here) gave other figures than all labels');
		const cached = await ask(server, s, 'all');
		process.stdout.write(
			`${JSON.stringify({
				labels: s.labels,
				judgments: s.judgments,
				server_ms: Math.round(cold.ms),
				server_cpu_ms: cold.cpuMs,
				db_cpu_ms: cold.dbCpuMs,
				first_request_ms: Math.round(first.ms),
				first_request_cpu_ms: first.cpuMs,
				first_request_db_cpu_ms: first.dbCpuMs,
				cached_ms: Math.round(cached.ms),
				limit_ms: LIMIT_MS,
				peak_rss_mb: server.peakRssMb()
			})}\n`
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
