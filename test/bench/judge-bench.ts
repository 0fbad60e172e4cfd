/**
 * `npm run bench:judge` — a live judge run through the real path: judgeRuns' start service
 * inserts the units and queues the `judge.run` jobs, real `npm run worker` processes run them
 * against the fake OpenAI-compatible server (a process of its own: fake-openai-process.ts) with a
 * fixed latency, and write the results to PostgreSQL. The judge is the built-in single-answer
 * 1–10 judge (English).
 *
 * efficiency = ideal / wall, with ideal = judgments × latency / concurrency: what a perfect
 * executor would take with `concurrency` calls always in flight. wall runs from the start call to
 * the run's completion. cpu_ms_per_judgment is the worker processes' CPU time (user + system,
 * from /proc, start-up excluded) per judgment. db_xacts_per_judgment: transactions committed or
 * rolled back in the bench's database during the run (pg_stat_database, i.e. round trips of
 * single statements), less the bench's own polling, per judgment.
 *
 * Options: --judgments N (10000), --latency MS (200), --concurrency C (64, the provider's limit,
 * shared by all workers), --workers W (1), --keep (keep the database).
 * Server: DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test;
 * a database concord_bench_judge_* is created on it. Prints progress on stderr, then ONE JSON
 * line last: {"judgments","wall_s","ideal_s","efficiency","cpu_ms_per_judgment","db_xacts_per_judgment","workers"}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { contentHash } from '../../src/lib/judging/content-hash';
import { rubricFromJudge } from '../../src/lib/judging/judge-files';
import { createDb, createPool } from '../../src/lib/server/db/client';
import { migrateToLatest } from '../../src/lib/server/db/migrate';
import { createQueue } from '../../src/lib/server/jobs/queue';
import { loadBuiltinJudges } from '../../src/lib/server/judging/builtin-judges';
import { startRun } from '../../src/lib/server/services/judge-runs';
import { benchArgs, freshDatabase, progress } from './support/bench-server';

const args = benchArgs();
const JUDGMENTS = args.number('judgments', 10_000);
const LATENCY_MS = args.number('latency', 200);
const CONCURRENCY = args.number('concurrency', 64);
const WORKERS = args.number('workers', 1);
const KEEP = args.flag('keep');
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const CLK_TCK = 100;

const say = progress('judge');

/** user + system CPU of a process so far, in ms (Linux /proc). */
function cpuMs(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	// utime and stime are fields 14 and 15 of the whole line (11 and 12 after the command).
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** The fake server's process; resolves with its base URL once it listens. */
function startFake(): Promise<{ child: ChildProcess; baseUrl: string; lines: string[] }> {
	const child = spawn(
		process.execPath,
		[
			// e.g. BENCH_FAKE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the fake server.
			...(process.env.BENCH_FAKE_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
			'--import',
			'tsx',
			'test/bench/fake-openai-process.ts',
			'--latency',
			String(LATENCY_MS),
			'--reply',
			'A clear, correct answer. Rating: [[7]]'
		],
		{ cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] }
	);
	const lines: string[] = [];
	let buffered = '';
	return new Promise((resolve, reject) => {
		child.stdout!.on('data', (chunk: Buffer) => {
			buffered += chunk.toString();
			for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
				lines.push(buffered.slice(0, nl));
				buffered = buffered.slice(nl + 1);
				const { baseUrl } = JSON.parse(lines[lines.length - 1]) as { baseUrl?: string };
				if (baseUrl) resolve({ child, baseUrl, lines });
			}
		});
		child.on('exit', (code) => reject(new Error(`the fake server exited (${code}) before it listened`)));
	});
}

/** CPU ms of each backend connected to this database (its server processes, by pid). */
async function backendCpu(pool: ReturnType<typeof createPool>): Promise<Map<number, number>> {
	const { rows } = await pool.query<{ pid: number }>(
		'select pid from pg_stat_activity where datname = current_database()'
	);
	const out = new Map<number, number>();
	for (const { pid } of rows) {
		try {
			out.set(pid, cpuMs(pid));
		} catch {
			// gone meanwhile
		}
	}
	return out;
}

const exited = (child: ChildProcess) =>
	new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.on('exit', r)));

function startWorker(url: string, i: number): Promise<ChildProcess> {
	const child = spawn(
		process.execPath,
		// e.g. BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the workers.
		[
			...(process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
			'--import',
			'tsx',
			'src/worker/index.ts'
		],
		{
			cwd: repoRoot,
			env: {
				...process.env,
				DATABASE_URL: url,
				// One job per process: the run's jobs (one per live worker) land on different processes.
				CONCORD_WORKER_CONCURRENCY: '1',
				CONCORD_LOG_LEVEL: 'warn',
				NODE_ENV: 'production'
			},
			stdio: ['ignore', 'pipe', 'pipe']
		}
	);
	let out = '';
	return new Promise((resolve, reject) => {
		const onData = (chunk: Buffer) => {
			out += chunk.toString();
			if (out.includes('worker started') || out.includes('worker process ready')) resolve(child);
		};
		child.stdout!.on('data', onData);
		child.stderr!.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			process.stderr.write(chunk);
		});
		child.on('exit', (code) => reject(new Error(`worker ${i} exited (${code}) before it was ready:\n${out}`)));
		// At warn level nothing is logged on start: wait for its heartbeat row instead (polled below).
		setTimeout(() => resolve(child), 100);
	});
}

async function main() {
	const database = await freshDatabase('judge', { keep: KEEP, say });
	const url = database.url;
	const pool = createPool(url, 8);
	const db = createDb(pool);
	const workers: ChildProcess[] = [];
	const fake = await startFake();
	let stopped = false;
	/** Workers drained and the fake server closed (before the last line, so it stays last). */
	const stopProcesses = async () => {
		if (stopped) return;
		stopped = true;
		for (const w of workers) w.kill('SIGTERM');
		await Promise.all(workers.map(exited));
		fake.child.kill('SIGTERM');
		await exited(fake.child);
		const calls = fake.lines.map((l) => JSON.parse(l) as { calls?: number }).find((l) => l.calls !== undefined);
		say('fake server stopped', { calls: calls?.calls ?? null });
	};
	try {
		await migrateToLatest(db);
		const queue = await createQueue(pool);
		// Seed: one project, JUDGMENTS items with one answer each (realistic lengths), set-based.
		const user = await db
			.insertInto('app_user')
			.values({ email: `bench-${randomUUID()}@example.test`, display_name: 'bench', password_hash: 'x', locale: null })
			.returning('id')
			.executeTakeFirstOrThrow();
		const project = await db
			.insertInto('project')
			.values({ name: 'Judge bench', created_by: user.id })
			.returning('id')
			.executeTakeFirstOrThrow();
		const dataset = await db
			.insertInto('dataset')
			.values({ project_id: project.id, name: 'bench', created_by: user.id })
			.returning('id')
			.executeTakeFirstOrThrow();
		const system = await db
			.insertInto('system')
			.values({ project_id: project.id, name: 'model-under-test' })
			.returning('id')
			.executeTakeFirstOrThrow();
		await pool.query(
			`insert into dataset_item (dataset_id, external_id, prompt_text, content_hash)
			 select $1, 'q' || g, 'Question ' || g || ': ' || repeat('explain the trade-offs of this design in detail. ', 4), md5(g::text)
			 from generate_series(1, $2) g`,
			[dataset.id, JUDGMENTS]
		);
		await pool.query(
			`insert into candidate_answer (item_id, dataset_id, system_id, content, content_hash, char_count)
			 select i.id, $1, $2, 'Answer to ' || i.external_id || '. ' || repeat('It depends on the workload, the data and the team. ', 10),
				md5(i.id::text), 520
			 from dataset_item i where i.dataset_id = $1`,
			[dataset.id, system.id]
		);
		await pool.query('analyze');
		const judge = (await loadBuiltinJudges()).find((j) => j.id === 'single-1-10');
		if (!judge) throw new Error('built-in judge single-1-10 not found');
		const content = rubricFromJudge(judge, 'en');
		const rubric = await db
			.insertInto('rubric')
			.values({ project_id: project.id, name: 'Single 1-10', created_by: user.id })
			.returning('id')
			.executeTakeFirstOrThrow();
		const version = await db
			.insertInto('rubric_version')
			.values({
				rubric_id: rubric.id,
				project_id: project.id,
				version: 1,
				content: JSON.stringify(content),
				content_hash: contentHash(content),
				mode: content.mode,
				created_by: user.id
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const provider = await db
			.insertInto('llm_provider')
			.values({
				project_id: project.id,
				name: 'fake',
				kind: 'openai-compatible',
				base_url: fake.baseUrl,
				model: 'fake-judge-1',
				concurrency: CONCURRENCY,
				timeout_ms: 30_000,
				price_input_per_million: 1,
				price_output_per_million: 2,
				created_by: user.id
			})
			.returning('id')
			.executeTakeFirstOrThrow();

		for (let i = 0; i < WORKERS; i++) workers.push(await startWorker(url, i));
		for (const w of workers) w.stdout!.resume();
		// The run is spread over the live workers: wait until every one beats.
		for (let waited = 0; ; waited += 100) {
			const { rows } = await pool.query('select count(*)::int as n from worker_heartbeat');
			if (rows[0].n >= WORKERS) break;
			if (waited > 60_000) throw new Error('workers did not start');
			await new Promise((r) => setTimeout(r, 100));
		}
		say('ready', { judgments: JUDGMENTS, latency_ms: LATENCY_MS, concurrency: CONCURRENCY, workers: WORKERS });
		const xacts = async () => {
			const { rows } = await pool.query<{ n: string }>(
				'select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()'
			);
			return Number(rows[0].n);
		};
		// Backends flush their statistics at most once a second: let the start-up's settle first.
		await new Promise((r) => setTimeout(r, 1500));
		const xactsBefore = await xacts();
		let ownQueries = 1;
		const cpuBefore = workers.map((w) => cpuMs(w.pid!));
		// The rest of the machine's share, reported on stderr: the fake server and this database's backends.
		const fakeCpuBefore = cpuMs(fake.child.pid!);
		const pgCpuBefore = await backendCpu(pool);
		const t0Epoch = Date.now() / 1000;

		const t0 = performance.now();
		const { runId, total } = await startRun(db, queue, project.id, user.id, {
			datasetId: dataset.id,
			rubricVersionId: version.id,
			providerId: provider.id,
			options: { bothOrders: false, samples: 1, pairing: 'all-pairs' }
		});
		const startedS = (performance.now() - t0) / 1000;
		if (total !== JUDGMENTS) throw new Error(`expected ${JUDGMENTS} units, got ${total}`);
		let lastReport = t0;
		for (;;) {
			ownQueries++;
			const { rows } = await pool.query('select status from judge_run where id = $1', [runId]);
			if (rows[0].status === 'completed') break;
			if (rows[0].status !== 'running' && rows[0].status !== 'queued') throw new Error(`run ${rows[0].status}`);
			if (performance.now() - lastReport > 5000) {
				lastReport = performance.now();
				ownQueries++;
				const { rows: c } = await pool.query(
					`select count(*) filter (where status not in ('pending', 'running'))::int as done from judgment where run_id = $1`,
					[runId]
				);
				say('progress', { done: c[0].done, s: Math.round((lastReport - t0) / 100) / 10 });
			}
			await new Promise((r) => setTimeout(r, 50));
		}
		const wall = (performance.now() - t0) / 1000;
		const cpu = workers.reduce((sum, w, i) => sum + cpuMs(w.pid!) - cpuBefore[i], 0);
		const fakeCpu = cpuMs(fake.child.pid!) - fakeCpuBefore;
		const pgCpuAfter = await backendCpu(pool);
		let pgCpu = 0;
		for (const [pid, ms] of pgCpuAfter) pgCpu += ms - (pgCpuBefore.get(pid) ?? 0);
		// Its own: the two backend lists and the times below.
		ownQueries += 3;
		const { rows: times } = await pool.query<{ first: number; last: number }>(
			`select extract(epoch from min(claimed_at))::float8 - $2 as first, extract(epoch from max(finished_at))::float8 - $2 as last
			 from judgment where run_id = $1`,
			[runId, t0Epoch]
		);
		say('cpu', {
			worker_ms_per_judgment: Math.round((cpu / JUDGMENTS) * 1000) / 1000,
			fake_ms_per_judgment: Math.round((fakeCpu / JUDGMENTS) * 1000) / 1000,
			pg_ms_per_judgment: Math.round((pgCpu / JUDGMENTS) * 1000) / 1000,
			run_started_s: Math.round(startedS * 1000) / 1000,
			first_claim_s: Math.round(times[0].first * 1000) / 1000,
			last_finish_s: Math.round(times[0].last * 1000) / 1000
		});
		// The workers' last statements are flushed to the statistics within a second (bench's own: excluded).
		await new Promise((r) => setTimeout(r, 1500));
		const dbXacts = (await xacts()) - xactsBefore - ownQueries;
		const { rows: check } = await pool.query(
			`select count(*)::int as n, count(*) filter (where status = 'ok')::int as ok, count(distinct answer_a_id)::int as answers
			 from judgment where run_id = $1`,
			[runId]
		);
		if (check[0].ok !== JUDGMENTS || check[0].answers !== JUDGMENTS)
			throw new Error(`run incomplete: ${JSON.stringify(check[0])}`);
		say('done', { wall_s: wall, judgments_ok: check[0].ok });
		await queue.release();
		await stopProcesses();
		const ideal = (JUDGMENTS * LATENCY_MS) / 1000 / CONCURRENCY;
		const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
		process.stdout.write(
			`${JSON.stringify({
				judgments: JUDGMENTS,
				wall_s: round(wall),
				ideal_s: round(ideal),
				efficiency: round(ideal / wall),
				cpu_ms_per_judgment: round(cpu / JUDGMENTS),
				db_xacts_per_judgment: round(dbXacts / JUDGMENTS),
				workers: WORKERS
			})}\n`
		);
	} finally {
		await stopProcesses();
		await db.destroy();
		await database.drop();
	}
}

main().catch((error) => {
	process.stderr.write(`${error?.stack ?? error}\n`);
	process.exit(1);
});
