/**
 * The process's one set of built-in judges. `startRuntime` loads it before anything else (so a
 * wrong judge file stops start-up with the file and field named, before the database is touched);
 * services read it through `builtinJudges()`, which loads lazily when no runtime booted it
 * (tests, scripts). A failed load is not cached: fixing the file and retrying works.
 */
import path from 'node:path';
import type { JudgeDefinition, JudgeLocale } from '../../judging/types';
import { loadBuiltinJudges } from './builtin-judges';

const holder = globalThis as typeof globalThis & {
	__concordJudges?: { dir: string; judges: Promise<JudgeDefinition[]> };
};

/** Loads and validates `dir` once per process (throws naming file and field on any problem). */
export function initBuiltinJudges(dir: string): Promise<JudgeDefinition[]> {
	const resolved = path.resolve(dir);
	if (holder.__concordJudges?.dir === resolved) return holder.__concordJudges.judges;
	const judges = loadBuiltinJudges(resolved);
	holder.__concordJudges = { dir: resolved, judges };
	judges.catch(() => {
		if (holder.__concordJudges?.judges === judges) delete holder.__concordJudges;
	});
	return judges;
}

/** The loaded judges (from CONCORD_JUDGES_DIR, or the directory start-up used). */
export function builtinJudges(): Promise<JudgeDefinition[]> {
	return holder.__concordJudges?.judges ?? initBuiltinJudges(process.env.CONCORD_JUDGES_DIR ?? 'judges');
}

export async function findBuiltinJudge(id: string): Promise<JudgeDefinition | undefined> {
	return (await builtinJudges()).find((j) => j.id === id);
}

export function judgeLocales(judge: JudgeDefinition): JudgeLocale[] {
	return Object.keys(judge.locales) as JudgeLocale[];
}
