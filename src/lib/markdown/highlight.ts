/**
 * Code highlighting for fenced blocks, with the languages model answers actually use.
 *
 * We load highlight.js's core plus an explicit list instead of the full bundle (~190 grammars,
 * about 1 MB) because this module also ships to the browser. Only a fence that names a
 * registered language (or one of its aliases) is highlighted; no auto-detection, which is slow
 * and guesses wrong on prose. highlight.js escapes the code itself and emits only
 * `<span class="hljs-…">`; the sanitizer checks that again.
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import go from 'highlight.js/lib/languages/go';
import haskell from 'highlight.js/lib/languages/haskell';
import ini from 'highlight.js/lib/languages/ini';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import julia from 'highlight.js/lib/languages/julia';
import kotlin from 'highlight.js/lib/languages/kotlin';
import latex from 'highlight.js/lib/languages/latex';
import lua from 'highlight.js/lib/languages/lua';
import makefile from 'highlight.js/lib/languages/makefile';
import markdown from 'highlight.js/lib/languages/markdown';
import matlab from 'highlight.js/lib/languages/matlab';
import perl from 'highlight.js/lib/languages/perl';
import php from 'highlight.js/lib/languages/php';
import plaintext from 'highlight.js/lib/languages/plaintext';
import powershell from 'highlight.js/lib/languages/powershell';
import python from 'highlight.js/lib/languages/python';
import r from 'highlight.js/lib/languages/r';
import ruby from 'highlight.js/lib/languages/ruby';
import rust from 'highlight.js/lib/languages/rust';
import scala from 'highlight.js/lib/languages/scala';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import swift from 'highlight.js/lib/languages/swift';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const grammars = {
	bash,
	c,
	cpp,
	csharp,
	css,
	diff,
	dockerfile,
	go,
	haskell,
	ini,
	java,
	javascript,
	json,
	julia,
	kotlin,
	latex,
	lua,
	makefile,
	markdown,
	matlab,
	perl,
	php,
	plaintext,
	powershell,
	python,
	r,
	ruby,
	rust,
	scala,
	shell,
	sql,
	swift,
	typescript,
	xml,
	yaml
};

for (const [name, grammar] of Object.entries(grammars)) hljs.registerLanguage(name, grammar);

/** Canonical name of a registered language, or null (unknown languages are not highlighted). */
export function knownLanguage(info: string): string | null {
	const name = info.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
	if (!/^[a-z0-9_+#-]{1,32}$/.test(name)) return null;
	const language = hljs.getLanguage(name);
	if (!language) return null;
	// Map aliases ("py", "ts", "sh") to the registered name so the class is predictable.
	return Object.keys(grammars).find((key) => hljs.getLanguage(key) === language) ?? null;
}

/** Highlighted HTML for `code` (already escaped by highlight.js). */
export function highlightCode(code: string, language: string): string {
	return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}
