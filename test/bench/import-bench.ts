/**
 * `npm run bench:import` — the import path against PostgreSQL's own COPY.
 *
 * 1. Generates a JSON Lines file of 1,000,000 answers (250,000 items × 4 systems,
 *    long format: one line per item × system) with realistic lengths: prompts of
 *    ~60–600 characters, answers log-normally distributed around ~700 characters
 *    (a few very short, a few over 5,000).
 * 2. Imports it through the real path into a fresh database: the upload service
 *    streams the file into dataset_import_chunk, `imports.start` queues the job,
 *    and the 'dataset.import' job handler parses, stages, checks and merges it.
 * 3. Loads the same rows (same tables, indexes and constraints, another fresh
 *    database) with plain `COPY … FROM STDIN` from a pre-rendered file — the limit.
 * Prints details, then ONE JSON line last:
 *   {"rows":…, "import_s":…, "copy_s":…, "ratio":…, "peak_rss_mb":…}
 *
 * Options: --answers N (default 1000000), --systems K (4), --keep (keep databases
 * and files). Server: DATABASE_URL, else TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test; databases concord_bench_* are created on it.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createDb, createPool, type Db } from '../../src/lib/server/db/client';
import { migrateToLatest } from '../../src/lib/server/db/migrate';
import { createJobHandlers } from '../../src/lib/server/jobs/handlers';
import { createQueue } from '../../src/lib/server/jobs/queue';
import { makeAnswer, makeItem } from '../../src/lib/server/importers/normalized';
import { copyFrom, copyText, copyTextArray } from '../../src/lib/server/db/bulk/copy-from';
import { receiveUpload, startImport } from '../../src/lib/server/services/imports';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ANSWERS = arg('answers', 1_000_000);
const SYSTEMS = arg('systems', 4);
const ITEMS = Math.ceil(ANSWERS / SYSTEMS);
const KEEP = args.includes('--keep');
const server = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dir = path.join(os.tmpdir(), `concord-import-bench-${process.pid}`);

const say = (msg: string, fields: Record<string, unknown> = {}) =>
	process.stderr.write(
		`${JSON.stringify({ bench: 'import', msg, ...fields, rss_mb: Math.round(process.memoryUsage().rss / 1024 ** 2), peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`
	);

/** mulberry32: a small deterministic PRNG, so every run generates the same file. */
function rng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const WORDS =
	'the of and to in is that for it as with was on be by this are or from at an which but not have has had were can all more one their there been if would will so about into other what some than them these may only its time could new also two like any then first way well even because most make over such through much where after good should between how each very just those each still both under here however while again same another different system answer question model value result data example number first method following step important however therefore consider'.split(
		' '
	);
const CJK = '数据模型答案问题系统方法结果重要例子'.split('');

function text(r: () => number, chars: number): string {
	let out = '';
	while (out.length < chars) {
		const words = 6 + Math.floor(r() * 14);
		let s = '';
		for (let w = 0; w < words; w++)
			s += (w ? ' ' : '') + (r() < 0.02 ? CJK[Math.floor(r() * CJK.length)] : WORDS[Math.floor(r() * WORDS.length)]);
		out += s[0].toUpperCase() + s.slice(1) + (r() < 0.1 ? '.\n\n' : '. ');
	}
	return out.slice(0, chars);
}

/** Log-normal answer length: median ~500, mean ~700 characters. */
function answerLength(r: () => number): number {
	const z = Math.sqrt(-2 * Math.log(r() || 1e-9)) * Math.cos(2 * Math.PI * r());
	return Math.max(1, Math.min(20_000, Math.round(Math.exp(6.2 + 0.8 * z))));
}

interface Row {
	id: string;
	prompt: string;
	category: string;
	model: string;
	answer: string;
}

function* rows(): Generator<Row> {
	const r = rng(42);
	for (let i = 0; i < ITEMS; i++) {
		const id = `q${String(i).padStart(7, '0')}`;
		const prompt = text(r, 60 + Math.floor(r() * 540));
		const category = `cat-${i % 12}`;
		for (let s = 0; s < SYSTEMS && i * SYSTEMS + s < ANSWERS; s++)
			yield { id, prompt, category, model: `system-${s + 1}`, answer: text(r, answerLength(r)) };
	}
}

async function writeLines(file: string, render: (row: Row) => string | null): Promise<number> {
	const out = createWriteStream(file, { highWaterMark: 1 << 20 });
	let buf = '';
	let n = 0;
	for (const row of rows()) {
		const line = render(row);
		if (line === null) continue;
		buf += line;
		n++;
		if (buf.length > 1 << 20) {
			if (!out.write(buf)) await once(out, 'drain');
			buf = '';
		}
	}
	out.end(buf);
	await once(out, 'finish');
	return n;
}

async function freshDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
	const name = `concord_bench_${label}_${Date.now()}_${process.pid}`;
	const admin = new pg.Client({ connectionString: server });
	await admin.connect();
	await admin.query(`create database ${name}`);
	await admin.end();
	const u = new URL(server);
	u.pathname = `/${name}`;
	return {
		url: u.toString(),
		async drop() {
			if (KEEP) return;
			const c = new pg.Client({ connectionString: server });
			await c.connect();
			await c.query(`drop database if exists ${name} with (force)`);
			await c.end();
		}
	};
}

async function seedProject(db: Db): Promise<{ projectId: string; userId: string }> {
	const user = await db
		.insertInto('app_user')
		.values({ email: `bench-${randomUUID()}@example.test`, display_name: 'bench', password_hash: 'x', locale: null })
		.returning('id')
		.executeTakeFirstOrThrow();
	const project = await db
		.insertInto('project')
		.values({ name: 'Import bench', created_by: user.id })
		.returning('id')
		.executeTakeFirstOrThrow();
	await db.insertInto('project_member').values({ project_id: project.id, user_id: user.id, role: 'admin' }).execute();
	return { projectId: project.id, userId: user.id };
}

async function checkpoint(pool: pg.Pool) {
	await pool.query('checkpoint');
}

async function runImportPath(file: string): Promise<{ uploadS: number; jobS: number; answers: number }> {
	const database = await freshDatabase('import');
	const pool = createPool(database.url, 8);
	const db = createDb(pool);
	try {
		await migrateToLatest(db);
		const queue = await createQueue(pool);
		const { projectId, userId } = await seedProject(db);
		await checkpoint(pool);
		const t0 = performance.now();
		const { importId } = await receiveUpload(db, {
			projectId,
			userId,
			fileName: 'bench-answers.jsonl',
			body: createReadStream(file, { highWaterMark: 1 << 20 }),
			maxBytes: 64 * 1024 ** 3
		});
		const t1 = performance.now();
		await startImport(db, queue, projectId, {
			importId,
			newDatasetName: 'bench',
			format: 'jsonl',
			mapping: { externalId: 'id', prompt: 'prompt', category: 'category', system: 'model', answer: 'answer' }
		});
		// The job handler exactly as a worker runs it (without waiting for the worker's poll).
		const handlers = createJobHandlers({ db, pool, workerName: 'bench' });
		await handlers['dataset.import'](
			{ importId },
			{ jobId: 'bench', attempt: 1, signal: new AbortController().signal }
		);
		const t2 = performance.now();
		const imp = await db
			.selectFrom('dataset_import')
			.select(['status', 'stats', 'errors'])
			.where('id', '=', importId)
			.executeTakeFirstOrThrow();
		if (imp.status !== 'succeeded') throw new Error(`import ${imp.status}: ${JSON.stringify(imp.errors.slice(0, 3))}`);
		say('import done', { stats: imp.stats, upload_s: (t1 - t0) / 1000, job_s: (t2 - t1) / 1000 });
		await queue.release();
		return { uploadS: (t1 - t0) / 1000, jobS: (t2 - t1) / 1000, answers: imp.stats.answersAdded ?? 0 };
	} finally {
		await db.destroy();
		await database.drop();
	}
}

/** Renders the same rows as the importer would store them, as COPY text (not timed). */
async function renderCopyFiles(
	itemFile: string,
	answerFile: string,
	ids: { datasetId: string; systems: Map<string, string> }
) {
	const items = createWriteStream(itemFile, { highWaterMark: 1 << 20 });
	const answers = createWriteStream(answerFile, { highWaterMark: 1 << 20 });
	let itemBuf = '';
	let answerBuf = '';
	let current = null as { ext: string; id: string } | null;
	const flush = async (force: boolean) => {
		if (force || itemBuf.length > 1 << 20) {
			if (!items.write(itemBuf)) await once(items, 'drain');
			itemBuf = '';
		}
		if (force || answerBuf.length > 1 << 20) {
			if (!answers.write(answerBuf)) await once(answers, 'drain');
			answerBuf = '';
		}
	};
	for (const row of rows()) {
		// The rows of one item are consecutive.
		if (current?.ext !== row.id) {
			current = { ext: row.id, id: randomUUID() };
			const it = makeItem({ externalId: row.id, prompt: row.prompt, category: row.category });
			itemBuf +=
				[
					current.id,
					ids.datasetId,
					row.id,
					copyText(it.promptText),
					't',
					'1',
					copyText(it.category),
					copyTextArray(it.tags),
					'{}',
					it.contentHash,
					'1'
				].join('\t') + '\n';
		}
		const a = makeAnswer({ itemExternalId: row.id, field: 'answer', system: row.model, content: row.answer });
		answerBuf +=
			[
				randomUUID(),
				current.id,
				ids.datasetId,
				ids.systems.get(row.model),
				copyText(a.content),
				't',
				'{}',
				a.contentHash,
				a.charCount,
				a.approxTokens,
				'1'
			].join('\t') + '\n';
		await flush(false);
	}
	await flush(true);
	items.end();
	answers.end();
	await Promise.all([once(items, 'finish'), once(answers, 'finish')]);
}

async function copyFile(client: pg.PoolClient, sql: string, file: string): Promise<number> {
	const copy = await copyFrom(client, sql);
	for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) await copy.write(chunk as Buffer);
	return copy.end();
}

async function runCopyBaseline(itemFile: string, answerFile: string): Promise<{ copyS: number; answers: number }> {
	const database = await freshDatabase('copy');
	const pool = createPool(database.url, 2);
	const db = createDb(pool);
	try {
		await migrateToLatest(db);
		const { projectId, userId } = await seedProject(db);
		const dataset = await db
			.insertInto('dataset')
			.values({ project_id: projectId, name: 'copy', created_by: userId })
			.returning('id')
			.executeTakeFirstOrThrow();
		const systems = new Map<string, string>();
		for (let s = 1; s <= SYSTEMS; s++) {
			const row = await db
				.insertInto('system')
				.values({ project_id: projectId, name: `system-${s}` })
				.returning('id')
				.executeTakeFirstOrThrow();
			systems.set(`system-${s}`, row.id);
		}
		await renderCopyFiles(itemFile, answerFile, { datasetId: dataset.id, systems });
		await checkpoint(pool);
		const client = await pool.connect();
		try {
			const t0 = performance.now();
			await client.query('begin');
			await copyFile(
				client,
				'copy dataset_item (id, dataset_id, external_id, prompt_text, prompt_available, turn_count, category, tags, metadata, content_hash, revision) from stdin',
				itemFile
			);
			const answers = await copyFile(
				client,
				'copy candidate_answer (id, item_id, dataset_id, system_id, content, available, metadata, content_hash, char_count, approx_tokens, revision) from stdin',
				answerFile
			);
			await client.query('commit');
			const copyS = (performance.now() - t0) / 1000;
			say('copy done', { answers, copy_s: copyS });
			return { copyS, answers };
		} finally {
			client.release();
		}
	} finally {
		await db.destroy();
		await database.drop();
	}
}

async function main() {
	await mkdir(dir, { recursive: true });
	const jsonl = path.join(dir, 'answers.jsonl');
	try {
		say('generating', { answers: ANSWERS, items: ITEMS, systems: SYSTEMS, file: jsonl });
		const lines = await writeLines(jsonl, (row) => JSON.stringify(row) + '\n');
		say('generated', { lines, mb: Math.round((await stat(jsonl)).size / 1024 ** 2) });

		const imported = await runImportPath(jsonl);
		const copied = await runCopyBaseline(path.join(dir, 'items.copy'), path.join(dir, 'answers.copy'));
		if (imported.answers !== ANSWERS || copied.answers !== ANSWERS)
			throw new Error(`row counts differ: import ${imported.answers}, copy ${copied.answers}, expected ${ANSWERS}`);

		const importS = imported.uploadS + imported.jobS;
		const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
		say('summary', {
			upload_s: round(imported.uploadS),
			job_s: round(imported.jobS),
			cores: os.cpus().length,
			load: os.loadavg().map((x) => round(x, 1))
		});
		process.stdout.write(
			JSON.stringify({
				rows: ANSWERS,
				import_s: round(importS),
				copy_s: round(copied.copyS),
				ratio: round(importS / copied.copyS),
				peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1)
			}) + '\n'
		);
	} finally {
		if (!KEEP) await rm(dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
