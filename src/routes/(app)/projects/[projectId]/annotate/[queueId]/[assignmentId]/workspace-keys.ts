/**
 * The annotation workspace's keyboard map, as a pure function from a key press to an action.
 *
 * - Character keys (a/b/t, digits, j/k, ?) are single-key shortcuts: WCAG 2.1.4 asks that they can
 *   be turned off (`shortcutsOn`, the shared setting in lib/state/shortcuts.svelte.ts) and that
 *   they act only where they are meant to: inside the workspace, never while typing, never with
 *   Ctrl/Cmd/Alt (the browser's and the screen reader's keys), never during IME composition
 *   (Chinese input sends key events for every keystroke of a word).
 * - Enter submits from anywhere in the workspace except where Enter already means something: in
 *   the rationale (a new line; Ctrl/Cmd+Enter submits there) and on a button, link or other
 *   control, which Enter activates. Enter is not a character key, so it stays on with the setting off.
 */
export type WorkspaceMode = 'pairwise' | 'pointwise';
export type Verdict = 'left' | 'right' | 'tie';

export type KeyAction =
	| { kind: 'verdict'; verdict: Verdict }
	| { kind: 'digit'; digit: number }
	| { kind: 'submit' }
	| { kind: 'next' }
	| { kind: 'previous' }
	| { kind: 'help' };

/** Where the key was pressed: typing into a field, on a control Enter activates, or elsewhere (a radio, the page). */
export type KeyTarget = 'text' | 'control' | 'other';

export interface KeyPress {
	key: string;
	ctrlKey: boolean;
	metaKey: boolean;
	altKey: boolean;
	isComposing?: boolean;
}

export interface KeyContext {
	mode: WorkspaceMode;
	target: KeyTarget;
	/** The focus is inside the workspace (or on the page itself, nothing focused). */
	inWorkspace: boolean;
	shortcutsOn: boolean;
}

const verdictKeys: Record<string, Verdict> = { a: 'left', b: 'right', t: 'tie' };

export function keyAction(press: KeyPress, ctx: KeyContext): KeyAction | null {
	if (press.isComposing || !ctx.inWorkspace) return null;
	if (press.key === 'Enter') {
		if (press.altKey) return null;
		if (press.ctrlKey || press.metaKey) return { kind: 'submit' };
		return ctx.target === 'other' ? { kind: 'submit' } : null;
	}
	if (!ctx.shortcutsOn || ctx.target === 'text' || press.ctrlKey || press.metaKey || press.altKey) return null;
	if (press.key === '?') return { kind: 'help' };
	if (press.key === 'j') return { kind: 'next' };
	if (press.key === 'k') return { kind: 'previous' };
	if (ctx.mode === 'pairwise' && press.key in verdictKeys) return { kind: 'verdict', verdict: verdictKeys[press.key] };
	if (ctx.mode === 'pointwise' && /^[0-9]$/.test(press.key)) return { kind: 'digit', digit: Number(press.key) };
	return null;
}

/**
 * The score a digit key means on a criterion's scale: the digit itself when it is on the scale,
 * and 0 for 10 on scales that end at 10 without a 0 (1–10). Null when the digit is off the scale.
 */
export function digitScore(digit: number, scale: { min: number; max: number }): number | null {
	if (digit >= scale.min && digit <= scale.max) return digit;
	if (digit === 0 && scale.max === 10 && scale.min > 0) return 10;
	return null;
}

/** The label a digit picks from a list of `count` labels: 1 the first … 9 the ninth, 0 the tenth; null past the end. */
export function labelIndex(digit: number, count: number): number | null {
	const index = digit === 0 ? 9 : digit - 1;
	return index < count ? index : null;
}

/** Classifies the element a key was pressed on (see KeyTarget). */
export function keyTarget(element: Element | null): KeyTarget {
	if (!element) return 'other';
	if (element.closest('textarea, select, [contenteditable=""], [contenteditable="true"]')) return 'text';
	// Enter on a radio (a verdict, a score) submits; on a checkbox it would surprise.
	const input = element.closest('input');
	if (input) return input.type === 'radio' ? 'other' : input.type === 'checkbox' ? 'control' : 'text';
	if (element.closest('button, a[href], summary')) return 'control';
	return 'other';
}
