import { describe, expect, it } from 'vitest';
import { ActiveClock } from './active-clock';

const s = (seconds: number) => seconds * 1000;

describe('ActiveClock', () => {
	it('counts time between actions', () => {
		const clock = new ActiveClock(0);
		clock.activity(s(10));
		clock.activity(s(25));
		expect(clock.seconds(s(30))).toBe(30);
		expect(clock.running(s(30))).toBe(true);
	});

	it('stops one idle period after the last action, and restarts on the next', () => {
		const clock = new ActiveClock(0, { idleMs: s(60) });
		clock.activity(s(20));
		// Nothing for five minutes: only up to 20 + 60 s counts.
		expect(clock.seconds(s(320))).toBe(80);
		expect(clock.running(s(320))).toBe(false);
		clock.activity(s(320));
		expect(clock.seconds(s(330))).toBe(90);
	});

	it('does not count while the tab is hidden', () => {
		const clock = new ActiveClock(0);
		clock.activity(s(10));
		clock.visibility(false, s(15));
		// Events while hidden (a timer, a late scroll) do not start it.
		clock.activity(s(40));
		expect(clock.seconds(s(100))).toBe(15);
		clock.visibility(true, s(100));
		expect(clock.seconds(s(105))).toBe(20);
	});

	it('a tab hidden after going idle adds nothing past the idle point', () => {
		const clock = new ActiveClock(0, { idleMs: s(60) });
		clock.visibility(false, s(200));
		expect(clock.seconds(s(500))).toBe(60);
	});

	it('starts stopped when opened in a hidden tab', () => {
		const clock = new ActiveClock(0, { visible: false });
		expect(clock.seconds(s(50))).toBe(0);
		clock.visibility(true, s(50));
		expect(clock.seconds(s(53))).toBe(3);
	});
});
