/**
 * `npm run bench:annotate`: annotators against the BUILT server over HTTP.
 *
 * 1. Builds the app (`vite build` into its own folder, as the e2e config does; `--no-build` reuses it).
 * 2. Creates a fresh database on the server in DATABASE_URL / TEST_DATABASE_URL (default the local
 *    `test` server), migrates it, and seeds with SQL: 250,000 items × 5 systems, a pairwise rubric
 *    version, and through the real service a queue of every contender against the baseline:
 *    1,000,000 tasks, overlap k = 3.
 * 3. Starts `node build/index.js` on that database (NODE_ENV=production, as in playwright.config.ts).
 * 4. 50 annotators sign in through the sign-in form, then each loops `annotation.next` +
 *    `annotation.submit` over /api/trpc for a bounded number of rounds (and at most a time budget).
 *    Each annotator pauses `--think-ms` (default 1,000 ms, ±20 %, seeded by `--seed`) between
 *    receiving an item and submitting it, as a person reads and labels. One item a second is far
 *    faster than any expert works (tens of seconds per item), so 50 such annotators are a heavy
 *    study. `--think-ms 0` calls back to back: a closed loop at saturation, where latency is
 *    annotators ÷ throughput whatever the server does (Little's law), so that run measures the
 *    server's capacity (`requests_per_s`), not what an annotator waits.
 * Prints progress on stderr and ONE JSON line last on stdout, the fields first:
 *   {"annotators":50,"requests":…,"p50_ms":…,"p95_ms":…,"p99_ms":…,"errors":…,
 *    "think_ms":…,"requests_per_s":…,"server_cpu_ms_per_request":…,"postgres_cpu_ms_per_request":…,
 *    "client_cpu_ms_per_request":…,"load1":…}
 * The CPU figures (ms per request, over the timed loop) hold across machine loads where the wall
 * times do not; with think time they include the server's idle background work, spread over fewer requests.
 * Target: p95 ≤ 25 ms, 0 errors. Options: --annotators N, --rounds N, --seconds N, --think-ms N,
 * --seed N, --keep, --reuse NAME, --no-build, --slow-ms N (with
 * `BENCH_SERVER_NODE_ARGS="--import ./test/bench/support/server-pauses.mjs"` for the server's GC and event-loop stalls).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { hashPassword } from '../../src/lib/server/auth/password';
import { createDb, createPool, type Db } from '../../src/lib/server/db/client';
import { migrateToLatest } from '../../src/lib/server/db/migrate';
import { mulberry32 } from '../support/mulberry32';
import { contentHash } from '../../src/lib/judging/content-hash';
import { rubricFromJudge } from '../../src/lib/judging/judge-files';
import { loadBuiltinJudges } from '../../src/lib/server/judging/builtin-judges';
import { createQueue } from '../../src/lib/server/services/annotation-queues';
import {
	benchArgs,
	benchServerUrl,
	buildApp,
	cpuMs,
	freshDatabase,
	progress,
	round3,
	startServer,
	type BenchServer
} from './support/bench-server';

const args = benchArgs();
const ANNOTATORS = args.number('annotators', 50);
const ROUNDS = args.number('rounds', 40);
const SECONDS = args.number('seconds', 120);
const ITEMS = args.number('items', 250_000);
/** Pause between receiving an item and submitting it (an annotator reading and labelling). */
const THINK_MS = args.number('think-ms', 1000);
const SEED = args.number('seed', 1);
/** `--slow-ms N`: a progress line for every request slower than N ms, with its time (to match server and PostgreSQL logs). */
const SLOW_MS = args.number('slow-ms', 0);
const SYSTEMS = 5;
const KEEP = args.flag('keep');
/** `--reuse NAME`: a database kept by an earlier `--keep` run (seeding 1,000,000 tasks takes ~10 min under load). */
const REUSE = args.string('reuse', '');
const BUILD = !args.flag('no-build');
const PORT = args.number('port', 4391);
const base = `http://127.0.0.1:${PORT}`;
const PASSWORD = 'bench-password-123';

const say = progress('annotate');

async function seed(db: Db): Promise<{ projectId: string; queueId: string; emails: string[] }> {
	const hash = await hashPassword(PASSWORD);
	const admin = await db
		.insertInto('app_user')
		.values({
			email: `bench-admin-${randomUUID()}@example.test`,
			display_name: 'admin',
			password_hash: hash,
			locale: null
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	const project = await db
		.insertInto('project')
		.values({ name: 'Annotate bench', created_by: admin.id })
		.returning('id')
		.executeTakeFirstOrThrow();
	await db.insertInto('project_member').values({ project_id: project.id, user_id: admin.id, role: 'admin' }).execute();
	const emails: string[] = [];
	for (let i = 0; i < ANNOTATORS; i++) {
		const email = `bench-annotator-${i}-${randomUUID().slice(0, 6)}@example.test`;
		const user = await db
			.insertInto('app_user')
			.values({ email, display_name: `annotator ${i}`, password_hash: hash, locale: null })
			.returning('id')
			.executeTakeFirstOrThrow();
		await db
			.insertInto('project_member')
			.values({ project_id: project.id, user_id: user.id, role: 'annotator' })
			.execute();
		emails.push(email);
	}
	const dataset = await db
		.insertInto('dataset')
		.values({ project_id: project.id, name: 'bench', created_by: admin.id })
		.returning('id')
		.executeTakeFirstOrThrow();
	const t0 = Date.now();
	await sql`
		insert into dataset_item (dataset_id, external_id, prompt_text, content_hash, category)
		select ${dataset.id}, 'q' || g, 'Question ' || g || ': explain the idea in two sentences.', md5(g::text),
			(array['math', 'writing', 'coding', 'reasoning'])[1 + g % 4]
		from generate_series(1, ${ITEMS}) g`.execute(db);
	await sql`
		insert into system (project_id, name) select ${project.id}, 'system-' || s from generate_series(0, ${SYSTEMS - 1}) s`.execute(
		db
	);
	await sql`
		insert into candidate_answer (item_id, dataset_id, system_id, content, content_hash, char_count, approx_tokens)
		select i.id, ${dataset.id}, s.id, 'Answer of ' || s.name || ' to ' || i.external_id || '. It is a fine answer.',
			md5(i.id::text || s.id::text), 40, 10
		from dataset_item i cross join system s
		where i.dataset_id = ${dataset.id} and s.project_id = ${project.id}`.execute(db);
	await sql`update dataset set item_count = ${ITEMS}, answer_count = ${ITEMS * SYSTEMS}, current_revision = 1 where id = ${dataset.id}`.execute(
		db
	);
	await sql`analyze dataset_item`.execute(db);
	await sql`analyze candidate_answer`.execute(db);
	say('seeded items and answers', { items: ITEMS, answers: ITEMS * SYSTEMS, ms: Date.now() - t0 });

	const judge = (await loadBuiltinJudges()).find((j) => j.id === 'pairwise')!;
	const content = rubricFromJudge(judge, 'en');
	const rubric = await db
		.insertInto('rubric')
		.values({ project_id: project.id, name: 'bench pairwise', created_by: admin.id })
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
			created_by: admin.id
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	const baseline = await db
		.selectFrom('system')
		.select('id')
		.where('project_id', '=', project.id)
		.where('name', '=', 'system-0')
		.executeTakeFirstOrThrow();
	const t1 = Date.now();
	const queue = await createQueue(
		db,
		{ projectId: project.id, userId: admin.id, role: 'admin' },
		{
			datasetId: dataset.id,
			rubricVersionId: version.id,
			name: 'bench queue',
			overlapK: 3,
			selection: { kind: 'all' },
			pairing: 'baseline',
			baselineSystemId: baseline.id,
			revealAfterSubmit: false,
			reservationSeconds: 1800,
			disagreementThreshold: 0
		}
	);
	await sql`analyze annotation_task`.execute(db);
	say('queue created', { tasks: queue.taskCount, ms: Date.now() - t1 });
	return { projectId: project.id, queueId: queue.id, emails };
}

/** The project, queue and annotators of a kept bench database, vacuumed so runs start alike. */
async function seeded(db: Db): Promise<{ projectId: string; queueId: string; emails: string[] }> {
	const q = await sql<{ projectId: string; queueId: string }>`
		select project_id as "projectId", id as "queueId" from annotation_queue where name = 'bench queue'`.execute(db);
	const { projectId, queueId } = q.rows[0];
	const users = await sql<{ email: string }>`
		select u.email from project_member m join app_user u on u.id = m.user_id
		where m.project_id = ${projectId} and m.role = 'annotator' order by u.email limit ${ANNOTATORS}`.execute(db);
	const t0 = Date.now();
	for (const t of [
		'annotation_task',
		'annotation_assignment',
		'annotation',
		'annotation_audit',
		'annotation_worker_stats'
	])
		await sql`vacuum analyze ${sql.table(t)}`.execute(db);
	say('reusing database', { queueId, annotators: users.rows.length, vacuumMs: Date.now() - t0 });
	return { projectId, queueId, emails: users.rows.map((r) => r.email) };
}

async function signIn(email: string, i: number): Promise<string> {
	const res = await fetch(`${base}/sign-in`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			origin: base,
			'content-type': 'application/x-www-form-urlencoded',
			'x-forwarded-for': `192.0.2.${1 + (i % 250)}`
		},
		body: new URLSearchParams({ email, password: PASSWORD })
	});
	const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
	const session = cookies.find((c) => /session=/.test(c));
	// SvelteKit answers a fetch()ed form action as JSON ({type: 'redirect'}), with the cookie set.
	if (res.status >= 400 || !session)
		throw new Error(
			`sign-in failed: ${res.status} ${(await res.text())
				.replace(/<[^>]*>/g, ' ')
				.replace(/\s+/g, ' ')
				.slice(0, 400)}`
		);
	return session;
}

interface Outcome {
	ms: number;
	ok: boolean;
	data?: unknown;
}

/**
 * One tRPC call over a keep-alive node:http agent: the client shares the two cores with the server
 * and PostgreSQL, and fetch() (web streams, Request/Response objects) cost it about twice the CPU.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
/**
 * A kept-alive socket the server closes (idle timeout, seconds of think time) just as the client
 * reuses it fails with ECONNRESET before the request was read: sent again once on a fresh socket, as
 * browsers do (Node's documented `reusedSocket` pattern). Both calls are safe to repeat: `next`
 * returns the live reservation, `submit` carries its idempotency key.
 */
async function post(path: string, cookie: string, body: string): Promise<{ status: number; text: string }> {
	try {
		return await postOnce(path, cookie, body);
	} catch (error) {
		if ((error as { reused?: boolean }).reused && (error as { code?: string }).code === 'ECONNRESET')
			return postOnce(path, cookie, body);
		throw error;
	}
}
function postOnce(path: string, cookie: string, body: string): Promise<{ status: number; text: string }> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			`${base}/api/trpc/${path}`,
			{
				method: 'POST',
				agent,
				headers: {
					origin: base,
					cookie,
					'content-type': 'application/json',
					'content-length': Buffer.byteLength(body)
				}
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
				res.on('error', reject);
			}
		);
		req.on('error', (error) => reject(Object.assign(error, { reused: req.reusedSocket })));
		req.end(body);
	});
}

async function trpc(cookie: string, path: string, input: unknown): Promise<Outcome> {
	const t = performance.now();
	try {
		const res = await post(path, cookie, JSON.stringify({ json: input }));
		const body = JSON.parse(res.text) as { result?: { data?: { json?: unknown } }; error?: unknown };
		const ms = performance.now() - t;
		if (SLOW_MS > 0 && ms >= SLOW_MS) say('slow', { path, ms: Math.round(ms), at: new Date().toISOString() });
		if (res.status !== 200 || body.error) {
			say('request failed', { path, status: res.status, error: JSON.stringify(body.error).slice(0, 300) });
			return { ms, ok: false };
		}
		return { ms, ok: true, data: body.result?.data?.json };
	} catch (error) {
		say('request threw', { path, error: String(error) });
		return { ms: performance.now() - t, ok: false };
	}
}

/** CPU ms of the PostgreSQL backends serving `database` (only while they live). */
async function backendCpu(db: Db, database: string): Promise<Map<number, number>> {
	const r = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = ${database}`.execute(db);
	const out = new Map<number, number>();
	for (const { pid } of r.rows) {
		try {
			out.set(pid, cpuMs(pid));
		} catch {
			/* ended */
		}
	}
	return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const percentile = (sorted: number[], p: number) =>
	sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : 0;

async function main() {
	if (BUILD) buildApp(say);
	const database = REUSE
		? {
				url: Object.assign(new URL(benchServerUrl()), { pathname: `/${REUSE}` }).toString(),
				drop: async () => say('kept database', { name: REUSE })
			}
		: await freshDatabase('annotate', { keep: KEEP, say });
	const pool = createPool(database.url, 4);
	const db = createDb(pool);
	let server: BenchServer | undefined;
	try {
		await migrateToLatest(db);
		const { projectId, queueId, emails } = REUSE ? await seeded(db) : await seed(db);
		server = await startServer({
			databaseUrl: database.url,
			port: PORT,
			env: {
				BODY_SIZE_LIMIT: 'Infinity',
				// Sign-ins are throttled per client address: each simulated annotator names its own
				// (documentation range, a header value only) through the trusted loopback proxy.
				CONCORD_TRUSTED_PROXIES: '127.0.0.1'
			}
		});
		say('server up');
		const cookies = await Promise.all(emails.map((email, i) => signIn(email, i)));
		say('signed in', { annotators: cookies.length });
		const latencies: number[] = [];
		let errors = 0;
		const dbName = new URL(database.url).pathname.slice(1);
		const cpu0 = {
			server: cpuMs(server.child.pid!),
			client: process.cpuUsage(),
			pg: await backendCpu(db, dbName),
			at: performance.now(),
			load: loadavg()[0]
		};
		const stopAt = Date.now() + SECONDS * 1000;
		await Promise.all(
			cookies.map(async (cookie, i) => {
				const random = mulberry32(SEED * 1000 + i); // think-time jitter repeats from run to run
				// Think time: N ms ±20 %. Annotators start spread over one think time, not in step.
				const think = () => THINK_MS * (0.8 + 0.4 * random());
				if (THINK_MS > 0) await sleep(THINK_MS * random());
				for (let round = 0; round < ROUNDS && Date.now() < stopAt; round++) {
					const next = await trpc(cookie, 'annotation.next', { projectId, queueId });
					latencies.push(next.ms);
					if (!next.ok) {
						errors++;
						continue;
					}
					const view = next.data as { assignmentId: string } | null;
					if (!view) break;
					if (THINK_MS > 0) await sleep(think());
					const submit = await trpc(cookie, 'annotation.submit', {
						projectId,
						assignmentId: view.assignmentId,
						label: { verdict: (['left', 'right', 'tie'] as const)[round % 3] },
						rationale: 'bench',
						activeSeconds: 5,
						idempotencyKey: randomUUID()
					});
					latencies.push(submit.ms);
					if (!submit.ok) errors++;
				}
			})
		);
		const wallS = (performance.now() - cpu0.at) / 1000;
		let pgMs = 0;
		for (const [pid, ms] of await backendCpu(db, dbName)) pgMs += ms - (cpu0.pg.get(pid) ?? 0);
		const clientCpu = process.cpuUsage(cpu0.client);
		const perRequest = (ms: number) => round3(ms / latencies.length);
		// CPU ms per request: where the time goes when the (shared) cores are the limit.
		const figures = {
			seconds: round3(wallS),
			requestsPerSecond: Math.round(latencies.length / wallS),
			serverCpuMsPerRequest: perRequest(cpuMs(server.child.pid!) - cpu0.server),
			postgresCpuMsPerRequest: perRequest(pgMs),
			clientCpuMsPerRequest: perRequest((clientCpu.user + clientCpu.system) / 1000),
			load1Before: round3(cpu0.load),
			load1After: round3(loadavg()[0])
		};
		say('load', figures);
		const labels = await sql<{ n: number; over: number }>`
			select (select count(*)::int from annotation where queue_id = ${queueId}) as n,
				(select count(*)::int from annotation_task where queue_id = ${queueId} and submitted_count > 3) as over`.execute(db);
		say('done', { labels: labels.rows[0].n, tasksOverK: labels.rows[0].over });
		if (labels.rows[0].over > 0) errors++;
		latencies.sort((a, b) => a - b);
		const round2 = (x: number) => Math.round(x * 100) / 100;
		process.stdout.write(
			`${JSON.stringify({
				annotators: cookies.length,
				requests: latencies.length,
				p50_ms: round2(percentile(latencies, 50)),
				p95_ms: round2(percentile(latencies, 95)),
				p99_ms: round2(percentile(latencies, 99)),
				errors,
				think_ms: THINK_MS,
				requests_per_s: figures.requestsPerSecond,
				server_cpu_ms_per_request: figures.serverCpuMsPerRequest,
				postgres_cpu_ms_per_request: figures.postgresCpuMsPerRequest,
				client_cpu_ms_per_request: figures.clientCpuMsPerRequest,
				load1: figures.load1After
			})}\n`
		);
	} finally {
		agent.destroy();
		await server?.stop();
		await db.destroy();
		await database.drop();
	}
}

main().catch((error) => {
	say('failed', { error: String(error?.stack ?? error) });
	process.exit(1);
});
