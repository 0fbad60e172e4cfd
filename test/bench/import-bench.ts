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
 * 4. The votes case (votes-case.ts): --votes N pairwise votes in Chatbot Arena's
 *    format, half human (annotations) and half a judge's (judgments), imported the
 *    same way and against COPY of the same rows.
 * Prints details, then ONE JSON line last:
 *   {"rows":…, "import_s":…, "copy_s":…, "ratio":…,
 *    "votes_rows":…, "votes_import_s":…, "votes_copy_s":…, "votes_ratio":…, "peak_rss_mb":…}
 * (the fields of a case that did not run are null).
 *
 * Options: --answers N (default 1000000), --systems K (4), --votes N (1000000),
 * --only answers|votes (or BENCH_IMPORT_ONLY=…) to run one case, --keep (keep
 * databases and files). Server: DATABASE_URL, else TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test; databases concord_bench_* are created on it.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { makeAnswer, makeItem } from '../../src/lib/server/importers/normalized';
import { copyText, copyTextArray } from '../../src/lib/server/db/bulk/copy-from';
import { mulberry32 } from '../support/mulberry32';
import { benchEnv } from './bench-db';
import { runVotesCase } from './votes-case';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ANSWERS = arg('answers', 1_000_000);
const SYSTEMS = arg('systems', 4);
const ITEMS = Math.ceil(ANSWERS / SYSTEMS);
const VOTES = arg('votes', 1_000_000);
const KEEP = args.includes('--keep');
const onlyAt = args.indexOf('--only');
const ONLY = onlyAt >= 0 ? args[onlyAt + 1] : process.env.BENCH_IMPORT_ONLY;
if (ONLY !== undefined && ONLY !== 'answers' && ONLY !== 'votes') throw new Error('--only takes answers or votes');
const server = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dir = path.join(os.tmpdir(), `concord-import-bench-${process.pid}`);
const env = benchEnv({ server, keep: KEEP });
const say = env.say;

/** A seeded generator, so every run generates the same file. */
const rng = mulberry32;

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

async function runImportPath(file: string): Promise<{ seconds: number; answers: number }> {
	return env.withDatabase('import', async (b) => {
		const r = await env.importFile(b, file, {
			newDatasetName: 'bench',
			format: 'jsonl',
			mapping: { externalId: 'id', prompt: 'prompt', category: 'category', system: 'model', answer: 'answer' }
		});
		return { seconds: r.seconds, answers: r.stats.answersAdded ?? 0 };
	});
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

async function runCopyBaseline(itemFile: string, answerFile: string): Promise<{ copyS: number; answers: number }> {
	return env.withDatabase('copy', async ({ db, pool, projectId, userId }) => {
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
		await env.checkpoint(pool);
		const client = await pool.connect();
		try {
			const t0 = performance.now();
			await client.query('begin');
			await env.copyFile(
				client,
				'copy dataset_item (id, dataset_id, external_id, prompt_text, prompt_available, turn_count, category, tags, metadata, content_hash, revision) from stdin',
				itemFile
			);
			const answers = await env.copyFile(
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
	});
}

async function main() {
	await mkdir(dir, { recursive: true });
	const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
	const result: Record<string, number | null> = {
		rows: null,
		import_s: null,
		copy_s: null,
		ratio: null,
		votes_rows: null,
		votes_import_s: null,
		votes_copy_s: null,
		votes_ratio: null
	};
	try {
		if (ONLY !== 'votes') {
			const jsonl = path.join(dir, 'answers.jsonl');
			say('generating', { answers: ANSWERS, items: ITEMS, systems: SYSTEMS, file: jsonl });
			const lines = await writeLines(jsonl, (row) => JSON.stringify(row) + '\n');
			say('generated', { lines, mb: Math.round((await stat(jsonl)).size / 1024 ** 2) });
			const imported = await runImportPath(jsonl);
			const copied = await runCopyBaseline(path.join(dir, 'items.copy'), path.join(dir, 'answers.copy'));
			if (imported.answers !== ANSWERS || copied.answers !== ANSWERS)
				throw new Error(`row counts differ: import ${imported.answers}, copy ${copied.answers}, expected ${ANSWERS}`);
			Object.assign(result, {
				rows: ANSWERS,
				import_s: round(imported.seconds),
				copy_s: round(copied.copyS),
				ratio: round(imported.seconds / copied.copyS)
			});
		}
		if (ONLY !== 'answers') {
			const votes = await runVotesCase(env, VOTES, dir);
			Object.assign(result, {
				votes_rows: VOTES,
				votes_import_s: round(votes.importS),
				votes_copy_s: round(votes.copyS),
				votes_ratio: round(votes.importS / votes.copyS)
			});
		}
		say('summary', { cores: os.cpus().length, load: os.loadavg().map((x) => round(x, 1)) });
		process.stdout.write(
			JSON.stringify({ ...result, peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1) }) + '\n'
		);
	} finally {
		if (!KEEP) await rm(dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
