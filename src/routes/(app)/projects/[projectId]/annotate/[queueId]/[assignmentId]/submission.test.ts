import { describe, expect, it } from 'vitest';
import { Submission } from './submission';

const counter = () => {
	let n = 0;
	return () => `key-${++n}`;
};

describe('Submission', () => {
	it('sends one attempt at a time: a second submit while one is in flight is dropped', () => {
		const submission = new Submission(counter());
		expect(submission.begin()).toBe('key-1');
		expect(submission.begin()).toBeNull();
		expect(submission.inFlight).toBe(true);
	});

	it('keeps the key after a network failure, so a retry cannot make a second label', () => {
		const submission = new Submission(counter());
		submission.begin();
		submission.end('unknown');
		expect(submission.begin()).toBe('key-1');
	});

	it('takes a new key once the server stored or refused the label', () => {
		const submission = new Submission(counter());
		submission.begin();
		submission.end('stored');
		expect(submission.begin()).toBe('key-2');
		submission.end('refused');
		expect(submission.begin()).toBe('key-3');
	});
});
