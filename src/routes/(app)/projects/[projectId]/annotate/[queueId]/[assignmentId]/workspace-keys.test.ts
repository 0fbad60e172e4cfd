import { describe, expect, it } from 'vitest';
import { digitScore, keyAction, labelIndex, type KeyContext, type KeyPress } from './workspace-keys';

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({
	key,
	ctrlKey: false,
	metaKey: false,
	altKey: false,
	...mods
});
const pairwise: KeyContext = { mode: 'pairwise', target: 'other', inWorkspace: true, shortcutsOn: true };
const pointwise: KeyContext = { ...pairwise, mode: 'pointwise' };

describe('keyAction', () => {
	it('maps a / b / t to left / right / tie in a pairwise task', () => {
		expect(keyAction(press('a'), pairwise)).toEqual({ kind: 'verdict', verdict: 'left' });
		expect(keyAction(press('b'), pairwise)).toEqual({ kind: 'verdict', verdict: 'right' });
		expect(keyAction(press('t'), pairwise)).toEqual({ kind: 'verdict', verdict: 'tie' });
		expect(keyAction(press('3'), pairwise)).toBeNull();
	});

	it('maps digits to scores in a pointwise task, and not letters', () => {
		expect(keyAction(press('7'), pointwise)).toEqual({ kind: 'digit', digit: 7 });
		expect(keyAction(press('a'), pointwise)).toBeNull();
	});

	it('moves with j / k and opens help with ?', () => {
		expect(keyAction(press('j'), pairwise)).toEqual({ kind: 'next' });
		expect(keyAction(press('k'), pointwise)).toEqual({ kind: 'previous' });
		expect(keyAction(press('?'), pairwise)).toEqual({ kind: 'help' });
	});

	it('single keys do nothing when the setting is off, while typing, with modifiers or outside the workspace', () => {
		expect(keyAction(press('a'), { ...pairwise, shortcutsOn: false })).toBeNull();
		expect(keyAction(press('a'), { ...pairwise, target: 'text' })).toBeNull();
		expect(keyAction(press('a'), { ...pairwise, inWorkspace: false })).toBeNull();
		expect(keyAction(press('b', { ctrlKey: true }), pairwise)).toBeNull();
		expect(keyAction(press('t', { metaKey: true }), pairwise)).toBeNull();
		expect(keyAction(press('j', { altKey: true }), pairwise)).toBeNull();
		expect(keyAction(press('a', { isComposing: true }), pairwise)).toBeNull();
	});

	it('Enter submits, except in the rationale (Ctrl/Cmd+Enter there) and on buttons and links', () => {
		expect(keyAction(press('Enter'), pairwise)).toEqual({ kind: 'submit' });
		expect(keyAction(press('Enter'), { ...pairwise, shortcutsOn: false })).toEqual({ kind: 'submit' });
		expect(keyAction(press('Enter'), { ...pairwise, target: 'text' })).toBeNull();
		expect(keyAction(press('Enter', { ctrlKey: true }), { ...pairwise, target: 'text' })).toEqual({ kind: 'submit' });
		expect(keyAction(press('Enter', { metaKey: true }), { ...pairwise, target: 'text' })).toEqual({ kind: 'submit' });
		expect(keyAction(press('Enter'), { ...pairwise, target: 'control' })).toBeNull();
		expect(keyAction(press('Enter'), { ...pairwise, inWorkspace: false })).toBeNull();
	});
});

describe('digitScore', () => {
	it('keeps digits on the scale and reads 0 as 10 on a 1–10 scale', () => {
		expect(digitScore(4, { min: 1, max: 5 })).toBe(4);
		expect(digitScore(6, { min: 1, max: 5 })).toBeNull();
		expect(digitScore(0, { min: 1, max: 10 })).toBe(10);
		expect(digitScore(0, { min: 0, max: 10 })).toBe(0);
		expect(digitScore(0, { min: 1, max: 5 })).toBeNull();
	});
});

describe('labelIndex', () => {
	it('numbers the labels of a categorical criterion from 1, 0 being the tenth', () => {
		expect(labelIndex(1, 3)).toBe(0);
		expect(labelIndex(3, 3)).toBe(2);
		expect(labelIndex(4, 3)).toBeNull();
		expect(labelIndex(0, 10)).toBe(9);
		expect(labelIndex(0, 3)).toBeNull();
	});
});
