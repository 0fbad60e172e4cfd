/**
 * Reads judges/<id>/ folders from disk and validates them with the pure core
 * (lib/judging/judge-files.ts). Used at start-up and by the tests; nothing else here touches fs.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { formatJudgeFileIssue, parseJudgeFiles, type JudgeFileIssue } from '../../judging/judge-files';
import type { JudgeDefinition } from '../../judging/types';

/** judges/ at the repository (and deployment) root. */
export const DEFAULT_JUDGES_DIR = path.resolve('judges');

async function readTree(root: string, rel = ''): Promise<Record<string, string>> {
	const files: Record<string, string> = {};
	for (const entry of await readdir(path.join(root, rel), { withFileTypes: true })) {
		const relPath = rel ? `${rel}/${entry.name}` : entry.name;
		if (entry.isDirectory()) Object.assign(files, await readTree(root, relPath));
		else if (entry.isFile()) files[relPath] = await readFile(path.join(root, relPath), 'utf8');
	}
	return files;
}

export interface LoadedJudges {
	judges: JudgeDefinition[];
	issues: JudgeFileIssue[];
}

/** Every judge folder under `dir` (files directly in `dir`, like README.md, are skipped). */
export async function readJudges(dir = DEFAULT_JUDGES_DIR): Promise<LoadedJudges> {
	const judges: JudgeDefinition[] = [];
	const issues: JudgeFileIssue[] = [];
	const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory());
	entries.sort((a, b) => a.name.localeCompare(b.name));
	for (const entry of entries) {
		const result = parseJudgeFiles(entry.name, await readTree(path.join(dir, entry.name)));
		if (result.ok) judges.push(result.judge);
		else issues.push(...result.issues);
	}
	return { judges, issues };
}

/** Like `readJudges`, but a single problem fails the whole load (start-up: no half-valid judge set). */
export async function loadBuiltinJudges(dir = DEFAULT_JUDGES_DIR): Promise<JudgeDefinition[]> {
	const { judges, issues } = await readJudges(dir);
	if (issues.length > 0) {
		throw new Error(`invalid built-in judges:\n${issues.map(formatJudgeFileIssue).join('\n')}`);
	}
	return judges;
}
